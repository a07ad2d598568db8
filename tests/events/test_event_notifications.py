"""Registrants are told of decisions, changes, cancellation and a reminder, never of the place."""

import time
from datetime import timedelta

from sqlalchemy import select

from forum.events import reminders
from forum.extensions import db
from forum.models import ActionKind, ModAction, NotificationKind
from forum.models.types import utcnow
from forum.notifications.queries import told
from tests.events.conftest import (
    MEETING_URL,
    VENUE,
    decide,
    event_fields,
    local_in,
    make_event,
    notifications_of,
    page_of,
    register,
)
from tests.support.pages import text


def _told_texts(user) -> list[tuple[str, str]]:
    ids = [notification.id for notification in notifications_of(user)]
    return [(entry.text, entry.summary) for entry in told(user, ids)]


def _scene(staffed, make_user, add_member, kind="members"):
    """An event by approval with a waiting, an accepted and a declined registrant."""
    scene = staffed(kind)
    event = make_event(scene.owner, scene.space, title="Zq harbour talk", registration="approval")
    people = {name: make_user(name) for name in ("waiting_wil", "accepted_ada", "declined_dee")}
    for person in people.values():
        add_member(scene.space, person)
    register(people["waiting_wil"], event)
    decide(scene.owner, event, register(people["accepted_ada"], event), message="Welcome!")
    decide(scene.owner, event, register(people["declined_dee"], event), accept=False)
    return scene, event, people


def test_organisers_are_told_of_a_waiting_registration(staffed, make_user, add_member):
    scene, event, _ = _scene(staffed, make_user, add_member)
    for organiser in (scene.owner, scene.moderator):
        kinds = [n.kind for n in notifications_of(organiser)]
        assert kinds.count(NotificationKind.EVENT_REGISTRATION) == 3
    assert not notifications_of(scene.member)


def test_a_registrant_is_told_the_decision_with_the_message(staffed, make_user, add_member):
    _, _, people = _scene(staffed, make_user, add_member)
    [(said, summary)] = _told_texts(people["accepted_ada"])
    assert said == "Your registration for “Zq harbour talk” in The members circle was accepted."
    # A mail of a space that is not public names no title.
    assert summary == "Your registration for an event in The members circle was accepted."
    entry = told(people["accepted_ada"], [notifications_of(people["accepted_ada"])[0].id])[0]
    assert entry.reason == "Welcome!"
    [(said, _)] = _told_texts(people["declined_dee"])
    assert "was declined" in said


def test_a_change_of_place_tells_waiting_and_accepted_registrants_not_the_place(
    staffed, make_user, add_member
):
    from forum.events.services import edit_event  # noqa: PLC0415

    scene, event, people = _scene(staffed, make_user, add_member)
    new_place = "The Old Boathouse, 3 Zq Wharf"
    edit_event(
        scene.owner,
        event,
        **event_fields(title="Zq harbour talk", venue=new_place, registration="approval"),
    )
    db.session.commit()
    for name in ("waiting_wil", "accepted_ada"):
        changed = notifications_of(people[name], NotificationKind.EVENT_CHANGED)
        assert len(changed) == 1, name
    assert not notifications_of(people["declined_dee"], NotificationKind.EVENT_CHANGED)
    for name, person in people.items():
        for said, summary in _told_texts(person):
            assert new_place not in said + summary, name
            assert VENUE not in said + summary, name
    said = [t for t, _ in _told_texts(people["waiting_wil"]) if "changed" in t]
    assert said == ["The place of “Zq harbour talk” in The members circle changed."]


def test_a_new_title_alone_tells_nobody(staffed, make_user, add_member):
    from forum.events.services import edit_event  # noqa: PLC0415

    scene, event, people = _scene(staffed, make_user, add_member)
    starts = event.starts_at
    fields = event_fields(title="Zq harbour talk, renamed", registration="approval")
    fields["starts_local"] = starts.replace(tzinfo=None)
    fields["ends_local"] = event.ends_at.replace(tzinfo=None)
    assert edit_event(scene.owner, event, **fields) == []
    db.session.commit()
    assert not notifications_of(people["accepted_ada"], NotificationKind.EVENT_CHANGED)


def test_cancelling_tells_registrants_and_is_in_the_mod_log(
    staffed, make_user, add_member, sign_in
):
    scene, event, people = _scene(staffed, make_user, add_member)
    owner = sign_in(scene.owner)
    page = page_of(event, scene.space)
    response = owner.submit(f"{page}/cancel", {"reason": "The harbour is closed."})
    assert response.status_code == 302
    for name in ("waiting_wil", "accepted_ada"):
        assert len(notifications_of(people[name], NotificationKind.EVENT_CANCELLED)) == 1
    assert not notifications_of(people["declined_dee"], NotificationKind.EVENT_CANCELLED)
    entry = db.session.scalar(
        select(ModAction).where(ModAction.action == ActionKind.EVENT_CANCELLED)
    )
    assert entry.target_event_id == event.id
    assert entry.public_reason == "The harbour is closed."
    modlog = text(sign_in(scene.member).get(f"/s/{scene.slug}/modlog"))
    assert "Event cancelled" in modlog and "The harbour is closed." in modlog
    # A second click changes nothing and tells nobody again.
    again = owner.submit(f"{page}/cancel", {"reason": "Again."})
    assert again.status_code in (302, 409)
    assert len(notifications_of(people["accepted_ada"], NotificationKind.EVENT_CANCELLED)) == 1


def test_a_reminder_goes_once_to_accepted_registrants_a_day_before(staffed, make_user, add_member):
    scene = staffed("public")
    soon = make_event(
        scene.owner, scene.space, title="Soon", starts_local=local_in(0.5), ends_local=local_in(0.6)
    )
    later = make_event(
        scene.owner, scene.space, title="Later", starts_local=local_in(3), ends_local=local_in(3.1)
    )
    register(scene.member, soon)
    register(scene.member, later)
    waiting = make_event(
        scene.owner,
        scene.space,
        registration="approval",
        starts_local=local_in(0.5),
        ends_local=local_in(0.6),
    )
    register(scene.moderator, waiting)
    assert reminders.send_reminders(utcnow()) == 1
    assert reminders.send_reminders(utcnow()) == 0  # once only
    reminded = notifications_of(scene.member, NotificationKind.EVENT_REMINDER)
    assert [n.event_id for n in reminded] == [soon.id]
    assert not notifications_of(scene.moderator, NotificationKind.EVENT_REMINDER)
    [(said, _)] = [t for t in _told_texts(scene.member)]
    assert said.startswith("“Soon” in The public circle starts within a day")
    assert "(UTC)" in said
    # Two days on, the later event's turn comes, once.
    assert reminders.send_reminders(utcnow() + timedelta(days=2, hours=12)) == 1


def test_the_remind_command_says_what_it_did(app, staffed):
    scene = staffed("public")
    event = make_event(
        scene.owner, scene.space, starts_local=local_in(0.5), ends_local=local_in(0.6)
    )
    register(scene.member, event)
    result = app.test_cli_runner().invoke(args=["events", "remind"])
    assert result.exit_code == 0
    assert "Reminded 1 registrant." in result.output


def test_a_notification_of_a_space_left_says_nothing_of_the_event(staffed, make_user, add_member):
    from forum.spaces.membership import leave_space  # noqa: PLC0415

    scene, event, people = _scene(staffed, make_user, add_member)
    leave_space(people["accepted_ada"], scene.space)
    db.session.commit()
    [(said, summary)] = _told_texts(people["accepted_ada"])
    assert "Zq harbour talk" not in said + summary
    assert scene.space.name not in said + summary


def test_the_meeting_link_never_travels_in_a_notification(staffed, make_user, add_member):
    from forum.events.services import edit_event  # noqa: PLC0415

    scene = staffed("public")
    event = make_event(scene.owner, scene.space, format="online", venue="", meeting_url=MEETING_URL)
    register(scene.member, event)
    edit_event(
        scene.owner,
        event,
        **event_fields(format="online", venue="", meeting_url=MEETING_URL + "-moved"),
    )
    db.session.commit()
    [(said, summary)] = _told_texts(scene.member)
    assert "meeting link" in said
    assert "meet.example.org" not in said + summary


def test_two_runs_that_found_the_same_event_due_remind_once(staffed):
    """A second run that read the list of due events before the first claimed one reminds
    nobody again: the claim is a conditional UPDATE of reminded_at."""
    scene = staffed("public")
    event = make_event(
        scene.owner, scene.space, starts_local=local_in(0.5), ends_local=local_in(0.6)
    )
    register(scene.member, event)
    now = utcnow()
    assert reminders.claim_reminder(event.id, now)
    db.session.commit()
    assert not reminders.claim_reminder(event.id, now)  # the late run finds it claimed


def test_a_worker_sends_due_reminders_before_a_request_now_and_then(app, staffed, client):
    scene = staffed("public")
    event = make_event(
        scene.owner, scene.space, starts_local=local_in(0.5), ends_local=local_in(0.6)
    )
    register(scene.member, event)
    app.extensions[reminders.LAST_CHECK_KEY] = time.monotonic()  # a worker that looked just now
    client.get("/")
    assert not notifications_of(scene.member, NotificationKind.EVENT_REMINDER)
    app.extensions[reminders.LAST_CHECK_KEY] = time.monotonic() - 61  # a minute later
    client.get("/")
    assert len(notifications_of(scene.member, NotificationKind.EVENT_REMINDER)) == 1
