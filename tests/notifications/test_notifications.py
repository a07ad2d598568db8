"""The notifications page: the viewer's own, told as they may read them now, marked read one
by one or all at once; and the unread count in the header."""

import re

from sqlalchemy import select

from forum.extensions import db
from forum.models import ActionKind, Notification
from tests.factories import ban, reply, start_thread
from tests.support.decisions import decide, first_post
from tests.support.pages import csrf_token, text
from tests.threads.test_query_counts import limits_off

REASON = "Personal attacks are not allowed here."
NOTE = "Third warning this month."


def unread_badge(page: str) -> str | None:
    found = re.search(r'Notifications <span class="badge badge-count">(\d+)', page)
    return found.group(1) if found else None


def test_the_author_is_told_the_decision_and_reason_never_the_moderator(staffed, sign_in):
    space = staffed("public")
    thread = start_thread(space.member, space.space, title="Night buses")
    entry = decide(space.moderator, first_post(thread), reason=REASON, note=NOTE)
    author = sign_in(space.member)
    home = text(author.get("/"))
    assert unread_badge(home) == "1"
    response = author.get("/notifications")
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert f"A moderator removed your post in {space.space.name}." in page
    assert REASON in page
    assert f"/appeal/{entry.id}" in page
    assert f"/p/{first_post(thread).public_id}" in page
    for never in (NOTE, space.moderator.username):
        assert never not in page


def test_marking_read_one_and_all(staffed, sign_in):
    space = staffed("public")
    with limits_off():
        threads = [start_thread(space.member, space.space) for _ in range(3)]
    for thread in threads:
        decide(space.moderator, first_post(thread))
    author = sign_in(space.member)
    mine = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    response = author.post(
        f"/notifications/{mine[0].id}/read",
        data={"csrf_token": csrf_token(author, "/notifications")},
    )
    assert response.status_code == 302
    assert unread_badge(text(author.get("/"))) == "2"
    assert author.submit("/notifications", {}, action="/notifications/read-all").status_code == 302
    assert unread_badge(text(author.get("/"))) is None
    db.session.expire_all()
    assert all(n.read_at is not None for n in db.session.scalars(select(Notification)))


def test_another_persons_notification_is_404_and_stays_unread(staffed, sign_in):
    space = staffed("public")
    decide(space.moderator, first_post(start_thread(space.member, space.space)))
    [notification] = db.session.scalars(select(Notification)).all()
    other = sign_in(space.owner)
    forced = other.post(
        f"/notifications/{notification.id}/read", data={"csrf_token": csrf_token(other)}
    )
    assert forced.status_code == 404
    assert (
        other.post("/notifications/999999/read", data={"csrf_token": csrf_token(other)}).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).read_at is None
    assert "removed your post" not in text(other.get("/notifications"))


def test_without_csrf_nothing_is_marked(staffed, sign_in):
    space = staffed("public")
    decide(space.moderator, first_post(start_thread(space.member, space.space)))
    [notification] = db.session.scalars(select(Notification)).all()
    author = sign_in(space.member)
    assert author.post(f"/notifications/{notification.id}/read").status_code == 400
    assert author.post("/notifications/read-all").status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).read_at is None


def test_a_space_the_recipient_can_no_longer_read_shows_nothing_from_it(staffed, sign_in):
    space = staffed("members")
    thread = start_thread(space.member, space.space, title="Night buses")
    entry = decide(space.moderator, first_post(thread), ActionKind.POST_REMOVED, reason=REASON)
    ban(space.space, space.member, by=space.owner)
    page = text(sign_in(space.member).get("/notifications"))
    assert "a space you can no longer read" in page
    for hidden in (space.space.name, REASON, "Night buses", first_post(thread).public_id):
        assert hidden not in page
    assert f"/appeal/{entry.id}" in page  # they may still appeal


def test_visitors_are_sent_to_sign_in(client):
    assert client.get("/notifications").status_code == 302


def test_the_page_runs_the_same_queries_for_few_and_many(staffed, sign_in, count_queries):
    space = staffed("public")
    decide(space.moderator, first_post(start_thread(space.member, space.space)))
    author = sign_in(space.member)

    def measure():
        assert author.get("/notifications").status_code == 200
        with count_queries() as counter:
            assert author.get("/notifications").status_code == 200
        return counter

    few = measure()
    with limits_off():
        # Written first: a mute among the decisions stops the member posting.
        posts = [first_post(start_thread(space.member, space.space)) for _ in range(35)]
        for number, post in enumerate(posts):
            decide(
                space.moderator,
                post,
                ActionKind.POST_REMOVED_AND_MUTED if number % 2 else ActionKind.POST_REMOVED,
            )
    many = measure()
    assert many.count == few.count, f"few:\n{few}\n\nmany:\n{many}"


def test_the_page_runs_the_same_queries_whatever_kinds_it_holds(
    staffed, sign_in, count_queries, make_user, make_space, ask_to_join
):
    space = staffed("public")
    asks = make_space("asks", space.moderator, "request")
    thread = start_thread(space.member, space.space, kind="named")
    clients = [sign_in(space.member), sign_in(space.moderator)]

    def measure():
        counts = []
        for client in clients:
            assert client.get("/notifications").status_code == 200
            with count_queries() as counter:
                assert client.get("/notifications").status_code == 200
            counts.append(counter)
        return counts

    few = measure()
    with limits_off():
        for number in range(12):
            body = f"@{space.member.username} {number}"
            answer = reply(space.owner, first_post(thread), body=body)
            reply(space.moderator, answer, body="a reply in a watched thread")
            ask_to_join(asks, make_user(f"asker{number:02d}"))
            decide(space.moderator, answer)
    many = measure()
    for before, after in zip(few, many, strict=True):
        assert after.count == before.count, f"few:\n{before}\n\nmany:\n{after}"
