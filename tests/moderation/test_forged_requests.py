"""Requests no page sends: forged ids and values, huge fields, a form sent to the wrong page.

Each test is an attacker's request (a member, a moderator of another space, the moderator who
decided) and checks that nothing changed and that the answer gives nothing away.
"""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Flag, Post, PostStatus, QueueItem, QueueKind, Role
from tests.factories import add_member, make_space, make_user, reply, start_thread
from tests.support.decisions import decide, first_post
from tests.support.pages import csrf_token, form_errors, text

HUGE = "x" * 1_000_000  # one megabyte of note, under the request size limit with its form


@pytest.fixture
def appealed(staffed, sign_in):
    """A removed post whose author appealed; the appeal waits in the queue."""
    space = staffed("members")
    thread = start_thread(space.member, space.space, title="Late buses")
    post = first_post(thread)
    entry = decide(space.moderator, post)
    sign_in(space.member).submit(f"/appeal/{entry.id}", {"message": "Please look again."})
    db.session.expire_all()
    space.post = post
    space.appeal = db.session.scalar(select(QueueItem).where(QueueItem.appeal_of_id == entry.id))
    return space


def status_of(post) -> PostStatus:
    db.session.expire_all()
    return db.session.get(Post, post.id).status


def test_the_deciding_moderator_cannot_settle_an_appeal_through_the_queue_form(appealed, sign_in):
    original = sign_in(appealed.moderator)
    forged = original.post(
        f"/mod/items/{appealed.appeal.id}",
        data={"decision": "approve", "csrf_token": csrf_token(original)},
    )
    assert forged.status_code == 400
    assert f'This is an appeal: it is decided on <a href="/mod/appeals/{appealed.appeal.id}"' in (
        text(forged)
    )
    db.session.expire_all()
    assert db.session.get(QueueItem, appealed.appeal.id).is_open
    assert status_of(appealed.post) == PostStatus.REMOVED


def test_a_moderator_of_another_space_learns_nothing_of_an_appeal(appealed, sign_in):
    stranger = make_user("other_mod")
    add_member(make_space("elsewhere", owner=make_user("else_owner")), stranger, Role.MODERATOR)
    client = sign_in(stranger)
    token = csrf_token(client)
    made_up = 987_654
    for item_id in (appealed.appeal.id, made_up):
        assert client.get(f"/mod/appeals/{item_id}").status_code == 404
        assert client.get(f"/mod/items/{item_id}").status_code == 404
        sent = {"decision": "overturn", "reason": "Mine now", "csrf_token": token}
        assert client.post(f"/mod/appeals/{item_id}", data=sent).status_code == 404
    assert status_of(appealed.post) == PostStatus.REMOVED
    assert "Please look again." not in text(client.get("/mod"))


@pytest.mark.parametrize("decision", ["approve", "remove", "uphold ", "OVERTURN", ""])
def test_an_appeal_decision_outside_the_list_is_refused(appealed, sign_in, decision):
    owner = sign_in(appealed.owner)
    response = owner.post(
        f"/mod/appeals/{appealed.appeal.id}",
        data={"decision": decision, "reason": "A reason", "csrf_token": csrf_token(owner)},
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(QueueItem, appealed.appeal.id).is_open


def test_a_megabyte_report_note_is_refused_and_kept(staffed, sign_in, make_user):
    space = staffed("members")
    reporter = make_user("rhea_reports")
    add_member(space.space, reporter)
    post = reply(space.owner, first_post(start_thread(space.member, space.space)))
    response = sign_in(reporter).submit(
        f"/p/{post.public_id}/flag", {"reason": "other", "note": HUGE}
    )
    assert response.status_code == 400
    assert "Please keep the note under" in form_errors(text(response))
    assert HUGE in text(response)
    assert db.session.scalars(select(Flag)).all() == []


def test_a_megabyte_decision_note_is_refused_and_kept(staffed, sign_in):
    space = staffed("members")
    post = first_post(start_thread(space.member, space.space))
    moderator = sign_in(space.moderator)
    response = moderator.submit(
        f"/p/{post.public_id}/moderate",
        {"decision": "remove", "reason": "spam", "note": HUGE},
    )
    assert response.status_code == 400
    assert "Please keep the note under" in form_errors(text(response))
    assert HUGE in text(response)
    assert status_of(post) == PostStatus.VISIBLE
    assert (
        db.session.scalars(select(QueueItem).where(QueueItem.kind != QueueKind.APPEAL)).all() == []
    )


def test_a_megabyte_appeal_is_refused_and_kept(staffed, sign_in):
    space = staffed("members")
    entry = decide(space.moderator, first_post(start_thread(space.member, space.space)))
    response = sign_in(space.member).submit(f"/appeal/{entry.id}", {"message": HUGE})
    assert response.status_code == 400
    assert HUGE in text(response)
    assert (
        db.session.scalars(select(QueueItem).where(QueueItem.kind == QueueKind.APPEAL)).all() == []
    )
