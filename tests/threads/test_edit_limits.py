"""Edits are rate-limited like posts, and a post's earlier versions are read page by page."""

import re

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import PostRevision
from forum.threads import services, views
from tests.factories import first_post
from tests.factories import reply as service_reply
from tests.factories import start_thread as service_thread
from tests.support.pages import form_errors, text


def edit(client, post_id: str, **fields):
    return client.submit(f"/p/{post_id}/edit", fields, action=f"/p/{post_id}/edit")


def revision_count(post) -> int:
    return db.session.scalar(
        select(func.count()).select_from(PostRevision).where(PostRevision.post_id == post.id)
    )


def test_edits_past_the_budget_answer_429_say_when_and_keep_the_text(
    member_client, space, member, app
):
    app.config["RATELIMIT_EDIT"] = "3 per 10 minutes"
    thread = service_thread(member, space, title="Edited over and over")
    post = service_reply(member, first_post(thread), "Version 0")
    # An author rewriting a post in a loop, each edit storing a full revision.
    for number in range(1, 4):
        assert edit(member_client, post.public_id, body=f"Version {number}").status_code == 302
    response = edit(member_client, post.public_id, body="Version 4, kept in the form")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 600
    page = text(response)
    assert re.search(
        r"Members may make 3 edits every 10 minutes\. Try again in \d+ (minutes?|seconds?)\.",
        form_errors(page),
    )
    assert "Version 4, kept in the form" in page
    assert revision_count(post) == 3
    db.session.expire_all()
    assert post.body_source == "Version 3"


def test_an_edit_that_changes_nothing_spends_no_budget(member_client, space, member, app):
    app.config["RATELIMIT_EDIT"] = "1 per 10 minutes"
    thread = service_thread(member, space, title="Saved twice unchanged")
    post = service_reply(member, first_post(thread), "Same words")
    for _ in range(3):
        assert edit(member_client, post.public_id, body="Same words").status_code == 302
    assert edit(member_client, post.public_id, body="New words").status_code == 302


def test_revisions_are_read_page_by_page(member_client, space, member, app):
    app.config["RATELIMIT_EDIT"] = "1000 per 10 minutes"
    thread = service_thread(member, space, title="Many versions")
    post = service_reply(member, first_post(thread), "Version 0")
    total = views.REVISIONS_PER_PAGE + 5
    for number in range(1, total + 1):
        services.edit_post(member, post, body=f"Version {number}")
    db.session.commit()
    url = f"/p/{post.public_id}/revisions"

    first = text(member_client.get(url))
    shown = re.findall(r"Version (\d+)</pre>", first)
    # The current text, then the latest earlier versions first.
    assert shown[0] == str(total)
    assert len(shown) == 1 + views.REVISIONS_PER_PAGE
    assert f'href="{url}?page=2"' in first and "Page 1 of 2" in first

    second = text(member_client.get(f"{url}?page=2"))
    later = re.findall(r"Version (\d+)</pre>", second)[1:]
    assert sorted({*shown[1:], *later}, key=int) == [str(n) for n in range(total)]
    # Past the last page is the last page, never an error.
    assert "Version 0</pre>" in text(member_client.get(f"{url}?page=99"))
