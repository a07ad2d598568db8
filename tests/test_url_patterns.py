"""Links made from a pattern are the links url_for() makes, whatever the order of their parts."""

from flask import url_for

from forum.url_patterns import url_pattern


def test_a_pattern_gives_the_same_links_as_url_for(app):
    with app.test_request_context("/"):
        thread = url_pattern("threads.thread", "slug", "thread_public_id")
        backwards = url_pattern("threads.thread", "thread_public_id", "slug")
        in_space = url_pattern("threads.thread", "thread_public_id", slug="open-circle")
        expected = url_for("threads.thread", slug="open-circle", thread_public_id="abcdefgh2345")
        assert thread("open-circle", "abcdefgh2345") == expected
        assert backwards("abcdefgh2345", "open-circle") == expected
        assert in_space("abcdefgh2345") == expected
        branch = url_pattern(
            "threads.branch", "post_public_id", slug="s", thread_public_id="t" * 12
        )
        assert branch("p" * 12) == url_for(
            "threads.branch", slug="s", thread_public_id="t" * 12, post_public_id="p" * 12
        )
