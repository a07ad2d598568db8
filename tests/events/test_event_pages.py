"""Event pages for every kind of viewer: who reads them, who is told the place, in which zone."""

from datetime import datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Persona, Registration, RegistrationStatus
from tests.events.conftest import (
    MEETING_URL,
    VENUE,
    decide,
    event_urls,
    fresh,
    local_in,
    make_event,
    page_of,
    register,
)
from tests.factories import grant_label
from tests.support.pages import csrf_token, text


def test_the_place_is_shown_to_an_accepted_registrant_only(
    staffed, make_user, add_member, sign_in, client
):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space, registration="approval")
    pending, declined, accepted, bystander = (
        make_user(name) for name in ("pen_pat", "dec_dee", "acc_ada", "by_bo")
    )
    for person in (pending, declined, accepted, bystander):
        add_member(scene.space, person)
    register(pending, event)
    decide(scene.owner, event, register(declined, event), accept=False)
    decide(scene.owner, event, register(accepted, event), accept=True)
    space = scene.space
    viewers = {
        "visitor": (None, False),
        "non-registered member": (bystander, False),
        "pending registrant": (pending, False),
        "declined registrant": (declined, False),
        "accepted registrant": (accepted, True),
        "organiser": (scene.owner, True),
    }
    for name, (user, sees) in viewers.items():
        browser = sign_in(user) if user else client
        page = text(browser.get(page_of(event, space)))
        ics = _locations(browser.get(f"{page_of(event, space)}.ics"))
        feed = _locations(browser.get(f"/s/{space.slug}/events.ics"))
        for where, body in (("page", page), ("ics", ics), ("feed", feed)):
            assert (VENUE in body) == sees, f"{name}, {where}"
        if not sees:
            assert "The place is told to accepted registrants" in page


def _locations(response) -> list[str]:
    """The places an iCalendar answer tells, parsed back."""
    return [str(event.get("LOCATION")) for event in _calendar(response).walk("VEVENT")]


def test_a_meeting_link_is_told_like_a_venue(staffed, sign_in):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space, format="online", venue="", meeting_url=MEETING_URL)
    member = sign_in(scene.member)
    assert MEETING_URL not in text(member.get(page_of(event, scene.space)))
    register(scene.member, event)
    page = text(member.get(page_of(event, scene.space)))
    assert f'href="{MEETING_URL}"' in page
    assert 'rel="nofollow ugc noopener noreferrer"' in page


def test_an_organiser_sees_the_attendees_and_others_only_the_count(staffed, sign_in, client):
    scene = staffed("public", identity_mode="pseudonymous")
    event = make_event(scene.owner, scene.space, kind="pseudonym", capacity=5)
    registration = register(scene.member, event, note="I use a wheelchair.")
    handle = db.session.get(Persona, registration.persona_id).handle
    organiser_page = text(sign_in(scene.owner).get(page_of(event, scene.space)))
    assert handle in organiser_page
    assert "I use a wheelchair." in organiser_page
    moderator_page = text(sign_in(scene.moderator).get(page_of(event, scene.space)))
    assert handle in moderator_page  # the space's staff are organisers too
    for browser in (client, sign_in(scene.member)):
        page = text(browser.get(page_of(event, scene.space)))
        assert "I use a wheelchair." not in page
        assert "Registrations (organisers only)" not in page
        assert "1 accepted" in page
        assert "4 places left" in page
    assert handle not in text(client.get(page_of(event, scene.space)))


# Registering


def _register(client, space, event, **fields):
    page = page_of(event, space)
    return client.submit(page, fields, action=f"{page}/register")


def test_registering_for_an_open_event_accepts_until_it_is_full(
    staffed, make_user, add_member, sign_in
):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space, capacity=1)
    late = make_user("late_lou")
    add_member(scene.space, late)
    assert _register(sign_in(scene.member), scene.space, event).status_code == 302
    note = "Step-free access please, I will come with my carer."
    response = _register(sign_in(late), scene.space, event, note=note)
    assert response.status_code == 409
    assert "This event is full" in text(response)
    assert note in text(response)  # what they typed is kept
    assert fresh(event).accepted_count == 1


def test_withdrawing_frees_the_place(staffed, make_user, add_member, sign_in):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space, capacity=1)
    member = sign_in(scene.member)
    _register(member, scene.space, event)
    page = page_of(event, scene.space)
    assert member.submit(page, {}, action=f"{page}/withdraw").status_code == 302
    assert fresh(event).accepted_count == 0
    late = make_user("late_lou")
    add_member(scene.space, late)
    assert _register(sign_in(late), scene.space, event).status_code == 302


def test_a_double_submit_registers_once_and_says_so_kindly(staffed, sign_in):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space)
    client = sign_in(scene.member)
    page = page_of(event, scene.space)
    form = {"csrf_token": csrf_token(client, page), "identity": "pseudonym", "note": ""}
    assert client.post(f"{page}/register", data=form).status_code == 302
    again = client.post(f"{page}/register", data=form, follow_redirects=True)
    assert again.status_code == 200
    assert "You are registered for this event already" in text(again)
    count = db.session.scalar(select(func.count()).select_from(Registration))
    assert count == 1
    assert fresh(event).accepted_count == 1


def test_a_registration_without_its_csrf_token_is_refused(staffed, sign_in):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space)
    client = sign_in(scene.member)
    response = client.post(f"{page_of(event, scene.space)}/register", data={"identity": "named"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


REFUSED = ["outsider", "banned", "pending", "unlabelled", "admin"]


@pytest.mark.parametrize(
    ("kind", "who"),
    [("public", who) for who in REFUSED]
    + [("labelled", who) for who in [*REFUSED, "label revoked"]],
)
def test_who_does_not_take_part_may_not_register(access_world, client_for, kind, who):
    space = access_world.spaces[kind]
    event = make_event(access_world.users["owner"], space)
    if who == "label revoked":
        grant_label(access_world.users["member"], None)
    viewer = client_for("member" if who == "label revoked" else who)
    page = page_of(event, space)
    token = csrf_token(viewer, "/")
    response = viewer.post(f"{page}/register", data={"csrf_token": token, "identity": "named"})
    # Refused with the reason where the viewer reads the event, else as if there were none.
    assert response.status_code == (403 if kind == "public" else 404), text(response)[:300]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_a_forged_registration_id_answers_404(staffed, sign_in):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space, registration="approval")
    other = make_event(scene.owner, scene.space, title="Another evening")
    elsewhere = register(scene.member, other)
    owner = sign_in(scene.owner)
    token = csrf_token(owner, page_of(event, scene.space))
    url = f"{page_of(event, scene.space)}/registrations/{elsewhere.id}"
    response = owner.post(url, data={"csrf_token": token, "decision": "decline"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Registration, elsewhere.id).status == RegistrationStatus.ACCEPTED


def test_an_organiser_accepts_a_waiting_registration(staffed, sign_in):
    scene = staffed("members")
    event = make_event(scene.owner, scene.space, registration="approval")
    member = sign_in(scene.member)
    _register(member, scene.space, event)
    assert VENUE not in text(member.get(page_of(event, scene.space)))
    registration = db.session.scalar(select(Registration))
    owner = sign_in(scene.owner)
    page = page_of(event, scene.space)
    response = owner.submit(
        page,
        {"decision": "accept", "message": "See you there."},
        action=f"{page}/registrations/{registration.id}",
    )
    assert response.status_code == 302
    assert VENUE in text(member.get(page))
    assert fresh(event).accepted_count == 1


# Times


def test_times_are_shown_in_the_viewers_zone_naming_it(staffed, sign_in, client):
    scene = staffed("public")
    event = make_event(
        scene.owner,
        scene.space,
        starts_local=datetime(2031, 7, 1, 18, 30),
        ends_local=datetime(2031, 7, 1, 20, 0),
        time_zone="America/New_York",
    )
    visitor_page = text(client.get(page_of(event, scene.space)))
    assert "01 Jul 2031, 18:30" in visitor_page
    assert "(America/New_York)" in visitor_page
    member = sign_in(scene.member)
    member.submit("/settings", {"zone-time_zone": "Europe/Paris"}, action="/settings/time-zone")
    member_page = text(member.get(page_of(event, scene.space)))
    assert "02 Jul 2031, 00:30" in member_page  # 18:30 in New York (EDT) is 00:30 in Paris
    assert "(Europe/Paris)" in member_page
    assert "(Europe/Paris)" in text(member.get(f"/s/{scene.slug}/events"))


def test_a_time_zone_not_on_the_list_is_refused(member_client):
    response = member_client.submit(
        "/settings", {"zone-time_zone": "Mars/Olympus"}, action="/settings/time-zone"
    )
    assert response.status_code == 400


def _event_form(**overrides) -> dict:
    return {
        "title": "Evening of talks",
        "description": "Bring questions.",
        "starts_at": "2031-06-01T18:00",
        "ends_at": "2031-06-01T20:00",
        "time_zone": "Europe/London",
        "format": "in_person",
        "venue": VENUE,
        "registration": "open",
        "identity": "named",
    } | overrides


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"starts_at": "2031-03-30T01:30"}, "does not exist in Europe/London"),
        (
            {"starts_at": "2031-10-26T01:30", "ends_at": "2031-10-26T03:00"},
            "happens twice",
        ),
        ({"ends_at": "2031-06-01T17:00"}, "must end after it starts"),
        (
            {"starts_at": "2020-06-01T18:00", "ends_at": "2020-06-01T20:00"},
            "in the past",
        ),
        ({"format": "online", "meeting_url": "javascript:alert(1)"}, "meeting link"),
        ({"title": "x" * 201}, "at most 200"),
        ({"description": "y" * 20_001}, "at most 20,000"),
        ({"capacity": "0"}, "a number from 1"),
    ],
)
def test_bad_event_details_get_a_clear_error_and_keep_the_text(staffed, sign_in, fields, message):
    scene = staffed("public")
    owner = sign_in(scene.owner)
    data = _event_form(**fields)
    response = owner.submit(f"/s/{scene.slug}/events/new", data)
    assert response.status_code == 400, text(response)[:500]
    assert message in text(response)
    assert "Bring questions." in text(response) or "y" * 100 in text(response)


def test_hostile_text_is_escaped(staffed, sign_in):
    scene = staffed("public")
    owner = sign_in(scene.owner)
    hostile = '<script>alert("x")</script>'
    response = owner.submit(
        f"/s/{scene.slug}/events/new",
        _event_form(title=f"Talk {hostile}", description=f"Hi {hostile}", venue=hostile),
    )
    assert response.status_code == 302
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_a_member_may_not_add_an_event(staffed, sign_in):
    scene = staffed("public")
    member = sign_in(scene.member)
    assert member.get(f"/s/{scene.slug}/events/new").status_code == 403
    token = csrf_token(member, f"/s/{scene.slug}/events")
    response = member.post(f"/s/{scene.slug}/events/new", data=_event_form(csrf_token=token))
    assert response.status_code == 403


def test_the_list_shows_upcoming_events_then_links_to_past_ones(staffed, sign_in):
    scene = staffed("public")
    make_event(
        scene.owner,
        scene.space,
        title="Later meeting",
        starts_local=local_in(20),
        ends_local=local_in(20.1),
    )
    make_event(
        scene.owner,
        scene.space,
        title="Sooner meeting",
        starts_local=local_in(2),
        ends_local=local_in(2.1),
    )
    page = text(sign_in(scene.member).get(f"/s/{scene.slug}/events"))
    assert page.index("Sooner meeting") < page.index("Later meeting")
    assert "Past events" in page
    assert "no limit on places" in page
    assert "In person" in page


def test_the_space_header_links_to_its_events(staffed, sign_in):
    scene = staffed("public")
    page = text(sign_in(scene.member).get(f"/s/{scene.slug}"))
    assert f'href="/s/{scene.slug}/events"' in page


def test_pages_of_events_are_kept_out_of_caches(staffed, sign_in):
    scene = staffed("members")
    event = make_event(scene.owner, scene.space)
    member = sign_in(scene.member)
    for url in event_urls(scene.space, event).values():
        assert member.get(url).headers["Cache-Control"] == "no-store"


# iCalendar


def _calendar(response) -> Calendar:
    assert response.headers["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.get_data())


def test_the_icalendar_file_parses_back_with_its_zone(staffed, sign_in, client):
    scene = staffed("public")
    event = make_event(
        scene.owner,
        scene.space,
        title="Zone workshop",
        starts_local=datetime(2031, 7, 1, 18, 30),
        ends_local=datetime(2031, 7, 1, 20, 0),
        time_zone="America/New_York",
    )
    owner = sign_in(scene.owner)
    calendar = _calendar(owner.get(f"{page_of(event, scene.space)}.ics"))
    [component] = calendar.walk("VEVENT")
    assert str(component["SUMMARY"]) == "Zone workshop"
    start = component.decoded("DTSTART")
    assert (start.hour, start.minute) == (18, 30)
    assert component["DTSTART"].params["TZID"] == "America/New_York"
    assert str(component["LOCATION"]) == VENUE  # the organiser is told the place
    assert str(component["STATUS"]) == "CONFIRMED"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    uid = str(component["UID"])
    # The visitor's copy has no place, and the same UID.
    visitor = _calendar(client.get(f"{page_of(event, scene.space)}.ics"))
    [seen] = visitor.walk("VEVENT")
    assert "LOCATION" not in seen and "URL" not in seen
    assert str(seen["UID"]) == uid


def test_a_cancelled_event_says_so_in_the_feed(staffed, sign_in, client):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space, title="Called off")
    owner = sign_in(scene.owner)
    page = page_of(event, scene.space)
    assert owner.submit(f"{page}/cancel", {"reason": "The hall flooded."}).status_code == 302
    assert "The hall flooded." in text(owner.get(page))
    feed = _calendar(client.get(f"/s/{scene.slug}/events.ics"))
    [component] = feed.walk("VEVENT")
    assert str(component["STATUS"]) == "CANCELLED"


def test_a_visitor_is_offered_to_sign_in_and_come_back_to_register(event_in, client):
    scene, event = event_in("public")
    page = text(client.get(page_of(event, scene.space)))
    assert f'href="/login?next=/s/{scene.space.slug}/events/{event.public_id}"' in page
    assert "to register for this event" in page
