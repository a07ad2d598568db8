"""Replies and mentions: who is told of a published post, once each, never the writer, never
someone who may not read the space, and nothing while the post waits for a moderator."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Delivery,
    MailMode,
    MailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    Persona,
    Premoderation,
    ThreadWatch,
)
from forum.notifications.posts import MENTIONS_PER_POST
from forum.spaces import membership
from forum.threads import services as posting
from forum.threads import statuses
from tests.factories import add_member, first_post, reply, start_thread
from tests.support.pages import csrf_token, text
from tests.threads.test_query_counts import limits_off


def told(user, kind=None) -> list[Notification]:
    db.session.expire_all()
    statement = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        statement = statement.where(Notification.kind == kind)
    return db.session.scalars(statement.order_by(Notification.id)).all()


def test_the_author_of_the_parent_is_told_of_a_reply_and_the_writer_is_not(staffed):
    space = staffed("members")
    thread = start_thread(space.member, space.space, title="Night buses")
    answer = reply(space.moderator, first_post(thread), body="I take the 23.")
    [note] = told(space.member)
    assert (note.kind, note.post_id) == (NotificationKind.REPLY, answer.id)
    assert note.thread_id == thread.id
    assert note.mail_status == MailStatus.NONE  # no address given
    assert told(space.moderator) == []  # nobody is told of their own reply
    reply(space.member, answer, body="Thanks!")
    assert [n.kind for n in told(space.moderator)] == [NotificationKind.REPLY]
    assert len(told(space.member)) == 1


def test_watchers_are_told_and_stop_when_they_stop_watching(staffed, sign_in):
    space = staffed("members")
    thread = start_thread(space.owner, space.space)
    url = f"/s/{space.slug}/t/{thread.public_id}"
    watcher = sign_in(space.member)
    assert "Watch" in text(watcher.get(url))
    response = watcher.submit(url, {}, action=f"{url}/watch")
    assert response.status_code == 302
    assert "Stop watching" in text(watcher.get(url))
    with limits_off():
        reply(space.moderator, first_post(thread))
    assert [n.kind for n in told(space.member)] == [NotificationKind.REPLY]
    assert watcher.submit(url, {}, action=f"{url}/unwatch").status_code == 302
    with limits_off():
        reply(space.moderator, first_post(thread))
    assert len(told(space.member)) == 1
    assert len(told(space.owner)) == 2  # the author watches from starting it


def test_watching_needs_csrf_and_a_thread_one_may_read(staffed, sign_in, make_user, make_space):
    space = staffed("members")
    thread = start_thread(space.owner, space.space)
    url = f"/s/{space.slug}/t/{thread.public_id}"
    member = sign_in(space.member)
    assert member.post(f"{url}/watch").status_code == 400
    outsider = sign_in(make_user("outsider_oz"))
    forged = outsider.post(f"{url}/watch", data={"csrf_token": csrf_token(outsider)})
    # As the thread page itself answers a non-member: like a thread that does not exist.
    assert forged.status_code == outsider.get(url).status_code == 404
    hidden = make_space("hidden-room", space.owner, "hidden")
    secret = start_thread(space.owner, hidden)
    forged = outsider.post(
        f"/s/{hidden.slug}/t/{secret.public_id}/watch", data={"csrf_token": csrf_token(outsider)}
    )
    assert forged.status_code == 404
    assert db.session.scalars(select(ThreadWatch.user_id)).all() == [space.owner.id] * 2


def test_a_watcher_who_left_the_space_is_not_told(staffed):
    space = staffed("members")
    thread = start_thread(space.owner, space.space)
    db.session.add(ThreadWatch(user_id=space.member.id, thread_id=thread.id))
    db.session.commit()
    membership.leave_space(space.member, space.space)
    db.session.commit()
    reply(space.moderator, first_post(thread))
    assert told(space.member) == []


def test_one_notification_per_person_per_post(staffed):
    space = staffed("members")
    thread = start_thread(space.member, space.space)
    named = reply(space.member, first_post(thread), kind="named")  # and they watch the thread
    body = f"@{space.member.username} and again @{space.member.username.upper()}"
    reply(space.moderator, named, body=body)
    assert [n.kind for n in told(space.member)] == [NotificationKind.MENTION]


def test_mentions_by_username_and_by_handle_within_the_space(staffed, make_space, make_user):
    space = staffed("members")
    thread = start_thread(space.moderator, space.space, kind="named")
    pseudonymous = reply(space.member, first_post(thread), kind="pseudonym")
    handle = db.session.get(Persona, pseudonymous.persona_id).handle
    elsewhere = make_space("elsewhere", space.owner, "public")
    stranger = make_user("stranger_sue")
    add_member(elsewhere, stranger)
    start_thread(stranger, elsewhere, kind="named")  # a named persona, in another space
    with limits_off():
        reply(
            space.owner,
            first_post(thread),
            body=f"Thanks @{space.moderator.username}, @{handle}, and @{stranger.username}.",
        )
    # The member's reply, then the mention: not a second one as the thread's author.
    assert [n.kind for n in told(space.moderator)] == [
        NotificationKind.REPLY,
        NotificationKind.MENTION,
    ]
    assert [n.kind for n in told(space.member, NotificationKind.MENTION)] == [
        NotificationKind.MENTION
    ]
    assert told(stranger) == []  # not in this space


def test_a_username_never_finds_someone_who_posts_here_under_a_pseudonym(staffed):
    space = staffed("members")
    thread = start_thread(space.member, space.space, kind="pseudonym")
    db.session.execute(db.delete(ThreadWatch))  # so only a mention could tell them
    db.session.commit()
    with limits_off():
        answer = reply(space.owner, first_post(thread), body=f"@{space.member.username} hello")
    assert [n.kind for n in told(space.member)] == [NotificationKind.REPLY]
    reply(space.moderator, answer, body=f"Hi @{space.member.username}")
    assert len(told(space.member)) == 1  # still only the reply to their own post


def test_the_writer_sees_the_same_page_whether_a_mention_found_anyone(staffed, sign_in):
    space = staffed("members")
    thread = start_thread(space.owner, space.space, kind="named")
    writer = sign_in(space.moderator)
    url = f"/s/{space.slug}/t/{thread.public_id}"
    reply_url = f"/p/{first_post(thread).public_id}/reply"
    pages = []
    for body in (f"Hello @{space.owner.username}", "Hello @nobody_here_at_all"):
        response = writer.submit(url, {"body": body, "kind": "pseudonym"}, action=reply_url)
        assert response.status_code == 302
        pages.append(text(writer.get(response.headers["Location"])).replace(body, ""))
    assert len(told(space.owner, NotificationKind.MENTION)) == 1
    assert "notified" not in pages[0].lower() and "mentioned" not in pages[0].lower()


def test_mentions_beyond_the_cap_tell_nobody(staffed, make_user):
    assert MENTIONS_PER_POST == 10
    space = staffed("public")
    people = [make_user(f"person{n:02d}") for n in range(12)]
    with limits_off():
        for person in people:
            add_member(space.space, person)
            start_thread(person, space.space, kind="named")
    db.session.execute(db.delete(ThreadWatch))
    db.session.commit()
    thread = start_thread(space.owner, space.space)
    with limits_off():
        reply(space.owner, first_post(thread), body=" ".join(f"@{p.username}" for p in people))
    told_ids = {n.user_id for n in db.session.scalars(select(Notification))}
    assert told_ids == {p.id for p in people[:10]}


def test_a_held_reply_tells_nobody_until_it_is_published(staffed):
    space = staffed("members", premoderation=Premoderation.ALL)
    thread = start_thread(space.moderator, space.space)  # staff are never held
    held = reply(space.member, first_post(thread), body=f"@{space.owner.username} look")
    assert told(space.moderator, NotificationKind.REPLY) == []
    statuses.publish_post(held)
    db.session.commit()
    assert [n.kind for n in told(space.moderator, NotificationKind.REPLY)] == [
        NotificationKind.REPLY
    ]


def test_a_declined_reply_never_tells_anyone(staffed):
    space = staffed("members", premoderation=Premoderation.ALL)
    thread = start_thread(space.moderator, space.space)
    held = reply(space.member, first_post(thread))
    statuses.withdraw_post(held, "Off topic.")
    db.session.commit()
    assert told(space.moderator, NotificationKind.REPLY) == []


def test_a_kind_turned_off_writes_nothing_and_mail_is_asked_for_when_chosen(staffed):
    space = staffed("members")
    thread = start_thread(space.member, space.space)
    db.session.add(
        NotificationPreference(
            user_id=space.member.id, kind=NotificationKind.REPLY, delivery=Delivery.OFF
        )
    )
    space.owner.email, space.owner.mail_mode = "olive@example.org", MailMode.DAILY
    db.session.commit()
    with limits_off():
        reply(space.moderator, first_post(thread), body=f"cc @{space.owner.username}")
    assert told(space.member) == []
    start_thread(space.owner, space.space, kind="named")
    with limits_off():
        reply(space.moderator, first_post(thread), body=f"cc @{space.owner.username}")
    [note] = told(space.owner)
    assert note.mail_status == MailStatus.WAITING


def test_a_username_named_only_in_another_space_finds_nobody(staffed, make_space, make_user):
    space = staffed("public")
    thread = start_thread(space.owner, space.space)
    elsewhere = make_space("elsewhere", space.owner, "public")
    stranger = make_user("stranger_sue")
    add_member(elsewhere, stranger)
    start_thread(stranger, elsewhere, kind="named")
    with limits_off():
        reply(space.moderator, first_post(thread), body=f"Is @{stranger.username} here?")
    assert told(stranger) == []  # though they may read this public space


def test_reading_the_reply_marks_what_told_of_it_read_and_a_branch_only_what_it_shows(
    staffed, sign_in
):
    space = staffed("members")
    thread = start_thread(space.member, space.space, title="Night buses")
    opening = first_post(thread)
    with limits_off():
        near = reply(space.moderator, opening, body="I take the 23.")
        deep = reply(space.owner, near, body="The 23 is late on Sundays.")
    reader = sign_in(space.member)
    # A branch below the first reply shows the deeper one only: the first stays unread.
    reader.get(f"/s/{space.slug}/t/{thread.public_id}/branch/{deep.public_id}")
    unread = {n.post_id for n in told(space.member) if n.read_at is None}
    assert unread == {near.id}
    reader.get(f"/s/{space.slug}/t/{thread.public_id}")
    assert all(n.read_at is not None for n in told(space.member))
    assert [n.read_at for n in told(space.moderator)] == [None]  # the owner's reply, unseen


def test_an_edit_tells_whom_it_newly_mentions_and_nobody_twice(staffed):
    space = staffed("members")
    thread = start_thread(space.owner, space.space, kind="named")
    answer = reply(space.member, first_post(thread), body="No mention yet.")
    posting.edit_post(space.member, answer, body=f"Now for @{space.owner.username}")
    db.session.commit()
    assert [n.kind for n in told(space.owner)] == [NotificationKind.REPLY]  # told of it once
    start_thread(space.moderator, space.space, kind="named")
    posting.edit_post(space.member, answer, body=f"And @{space.moderator.username} too")
    db.session.commit()
    assert [n.kind for n in told(space.moderator)] == [NotificationKind.MENTION]
