"""Links made from a pattern are the links url_for() makes, whatever the order of their parts;
the links every page shows are kept per process, and follow the application's root."""

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


def test_the_links_every_page_shows_follow_the_application_root(member_client):
    # The same process served under a prefix (SCRIPT_NAME) and then without it: a link kept
    # for one root is never shown under another.
    for _ in range(2):
        under = member_client.get("/about", base_url="http://localhost/forum").get_data(
            as_text=True
        )
        for link in ("/forum/about", "/forum/static/css/site.css", "/forum/notifications"):
            assert f'href="{link}"' in under
        plain = member_client.get("/about").get_data(as_text=True)
        for link in ("/about", "/static/css/site.css", "/notifications", "/settings"):
            assert f'href="{link}"' in plain
        assert "/forum/" not in plain
