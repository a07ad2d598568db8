"""Events made through the real services, and the times they are set at."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from forum.events import registrations, services
from forum.extensions import db
from forum.models import Event, Notification, NotificationKind, Registration
from forum.models.types import utcnow

VENUE = "Room 4, 12 Quiet Lane"
MEETING_URL = "https://meet.example.org/zq-secret-room"


def local_in(days: float, zone_hours: int = 0) -> datetime:
    """A wall-clock time `days` from now, to the minute, naive (as a form sends it)."""
    moment = utcnow() + timedelta(days=days, hours=zone_hours)
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def event_fields(**overrides) -> dict:
    fields = {
        "title": "Safeguarding workshop",
        "description": "We talk about **referrals**.",
        "starts_local": local_in(10),
        "ends_local": local_in(10) + timedelta(hours=2),
        "time_zone": "UTC",
        "format": "in_person",
        "venue": VENUE,
        "meeting_url": "",
        "registration": "open",
        "capacity": None,
    }
    return fields | overrides


def make_event(organiser, space, kind: str = "named", **overrides) -> Event:
    """Add an event as the organiser would, committed."""
    event = services.add_event(organiser, space, kind=kind, **event_fields(**overrides))
    db.session.commit()
    return event


def register(user, event, kind: str = "pseudonym", note: str = "") -> Registration:
    made = registrations.register(user, event, kind=kind, note=note)
    db.session.commit()
    return made


def decide(organiser, event, registration, accept: bool = True, message: str = "") -> None:
    registrations.decide(organiser, event, registration.id, accept, message)
    db.session.commit()


def notifications_of(user, kind: NotificationKind | None = None) -> list[Notification]:
    db.session.expire_all()
    statement = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        statement = statement.where(Notification.kind == kind)
    return list(db.session.scalars(statement))


def fresh(event: Event) -> Event:
    db.session.expire_all()
    return db.session.get(Event, event.id)


@pytest.fixture
def event_in(staffed):
    """A space of a kind with its staff, and an upcoming event its owner organises."""

    def build(kind: str = "public", **overrides):
        scene = staffed(kind)
        return scene, make_event(scene.owner, scene.space, **overrides)

    return build


def page_of(event, space) -> str:
    return f"/s/{space.slug}/events/{event.public_id}"


def event_urls(space, event) -> dict[str, str]:
    """The addresses of an event and of its space's lists and feed."""
    page = page_of(event, space)
    return {
        "list": f"/s/{space.slug}/events",
        "past": f"/s/{space.slug}/events/past",
        "page": page,
        "ics": f"{page}.ics",
        "feed": f"/s/{space.slug}/events.ics",
    }
