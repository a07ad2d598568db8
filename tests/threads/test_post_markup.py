"""Posts built in Python: every value read from a row is escaped; only the stored body is not."""

from datetime import UTC, datetime

import pytest

from forum.identity.authors import Author, author_html
from forum.threads.post_markup import post_body, render_post, replies
from forum.threads.trees import PostLinks, PostView

HOSTILE = '<img src=x onerror="alert(1)">&amp;'
ESCAPED = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&amp;amp;"
SANITISED_BODY = "<p>Kept as stored: <em>sanitised on write</em></p>"


def a_post(**changes) -> PostView:
    values = {
        "id": 1,
        "public_id": "abcdefgh2345",
        "parent_id": None,
        "depth": 1,
        "status": "visible",
        "shows_body": True,
        "body_html": SANITISED_BODY,
        "content_warning": None,
        "created_at": datetime(2026, 3, 4, 5, 6, tzinfo=UTC),
        "edited_at": None,
        "author": Author(HOSTILE, is_pseudonym=False, label=HOSTILE, is_you=False),
    }
    return PostView(**{**values, **changes})


@pytest.fixture
def links(app):
    with app.test_request_context("/"):
        yield PostLinks("a-space", "thread234567")


def test_an_authors_handle_and_label_are_escaped():
    shown = author_html(Author(HOSTILE, is_pseudonym=True, label=HOSTILE, is_you=True))
    assert "<img" not in shown and shown.count(ESCAPED) == 2
    assert "badge-pseudonym" in shown and "badge-you" in shown


def test_a_posts_warning_reason_and_author_are_escaped_and_its_body_kept(links):
    post = a_post(status="removed", content_warning=HOSTILE, decision_reason=HOSTILE)
    shown = render_post(post, links)
    assert "<img" not in shown
    assert shown.count(ESCAPED) == 4  # handle, label, warning, reason
    assert SANITISED_BODY in shown


def test_a_placeholder_stands_in_for_what_the_viewer_may_not_read(links):
    hidden = a_post(status="hidden", shows_body=False, body_html="")
    shown = render_post(hidden, links)
    assert "[hidden while moderators review it]" in shown
    assert HOSTILE not in shown and ESCAPED not in shown  # nor its author
    assert '<span class="author">[deleted]</span>' in shown


def test_actions_show_only_what_the_viewer_may_do(links):
    assert "post-actions" not in render_post(a_post(), links)
    mine = render_post(a_post(can_edit=True, can_delete=True), links)
    assert ">Edit</a>" in mine and "delete-link" in mine and "flag-link" not in mine
    theirs = render_post(a_post(can_flag=True, can_reply=True), links)
    assert "flag-link" in theirs and 'data-reply-to="abcdefgh2345"' in theirs
    assert ">Edit</a>" not in theirs and ">Moderate</a>" not in theirs


def test_post_body_has_no_meta_and_no_actions():
    shown = post_body(a_post(can_flag=True))
    assert SANITISED_BODY in shown
    assert "post-meta" not in shown and "post-actions" not in shown


def test_replies_nest_and_close_every_branch(links):
    class Tree(list):
        steps = []

    parent, child = a_post(id=1, public_id="parent234567"), a_post(id=2, public_id="child2345678")
    parent.children = [child]
    child.has_hidden_replies = True
    tree = Tree()
    tree.steps = [(True, parent), (True, child), (False, child), (False, parent)]
    tree.links = links
    shown = str(replies(tree))
    assert shown.count("<li") == shown.count("</li>") == 2
    assert shown.count('<ol class="replies">') == shown.count("</ol>") == 1
    assert "Show</span> 1 reply</summary>" in shown
    assert "/branch/child2345678" in shown  # "Continue this thread"
