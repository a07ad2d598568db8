"""Organising events: add, edit and cancel one, telling its registrants what changed.

Each use case checks the policy and every field before its first write; the view commits once.
Registrations are in registrations.py, reminders in reminders.py.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select, update

from forum import audit, identity, markup, policy, zones
from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    ActionKind,
    Event,
    EventFormat,
    EventStatus,
    NotificationKind,
    PersonaKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    Space,
    User,
)
from forum.models.post import TITLE_MAX_LENGTH, TITLE_MIN_LENGTH
from forum.models.types import utcnow
from forum.notifications.services import notify_many
from forum.policy import Action


class EventError(DomainError):
    """An event's details were refused; the message says why, and the form keeps them."""


@dataclass(frozen=True)
class Details:
    """An event's details, checked: times exact in UTC, the place fitting the format."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    format: EventFormat
    venue: str | None
    meeting_url: str | None
    registration: RegistrationMode
    capacity: int | None


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not TITLE_MIN_LENGTH <= len(title) <= TITLE_MAX_LENGTH:
        raise EventError(f"Titles are {TITLE_MIN_LENGTH} to {TITLE_MAX_LENGTH} characters long.")
    return title


def _meeting_url(url: str) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EventError("Please give the meeting link as an address starting with https://.")
    return url


def _choice(enum, value, what: str):
    try:
        return enum(value)
    except ValueError:
        raise EventError(f"Please choose {what}.") from None


def checked_details(
    *,
    title: str,
    description: str,
    starts_local: datetime | None,
    ends_local: datetime | None,
    time_zone: str,
    format: str,
    venue: str,
    meeting_url: str,
    registration: str,
    capacity: int | None,
    is_new: bool,
) -> Details:
    """The details as they will be kept, or EventError saying what to fix."""
    if not zones.is_zone(time_zone):
        raise EventError("Please choose a time zone from the list.")
    if starts_local is None or ends_local is None:
        raise EventError("Please give a start and an end, each a date and a time.")
    starts_at = zones.exact_moment(starts_local, time_zone)
    ends_at = zones.exact_moment(ends_local, time_zone)
    if ends_at <= starts_at:
        raise EventError("The event must end after it starts.")
    if is_new and starts_at <= utcnow():
        raise EventError("That start is in the past: please give a time to come.")
    event_format = _choice(EventFormat, format, "online or in person")
    if capacity is not None and capacity < 1:
        raise EventError("Places are a number from 1, or empty for no limit.")
    in_person = event_format == EventFormat.IN_PERSON
    return Details(
        title=_title(title),
        description=(description or "").replace("\r\n", "\n").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        format=event_format,
        venue=((venue or "").strip() or None) if in_person else None,
        meeting_url=None if in_person else _meeting_url(meeting_url),
        registration=_choice(RegistrationMode, registration, "how people register"),
        capacity=capacity,
    )


def _apply(event: Event, details: Details) -> None:
    for name in ("title", "starts_at", "ends_at", "time_zone", "format", "venue"):
        setattr(event, name, getattr(details, name))
    event.meeting_url = details.meeting_url
    event.registration = details.registration
    event.capacity = details.capacity
    event.description_source = details.description
    event.description_html = markup.render(details.description) if details.description else ""


def add_event(user: User, space: Space, *, kind: str, **fields) -> Event:
    """Organise an event in the space under the persona the space's identity mode allows."""
    policy.require(user, Action.ADD_EVENT, space)
    persona_kind = _choice(PersonaKind, kind, "how you appear")
    if persona_kind not in identity.allowed_kinds(space):
        raise EventError("Please choose how you appear: this space does not allow that identity.")
    details = checked_details(**fields, is_new=True)
    event = Event(space_id=space.id, persona_id=identity.persona_for(user, space, persona_kind).id)
    _apply(event, details)
    db.session.add(event)
    db.session.flush()
    return event


def _changes(event: Event, details: Details) -> list[str]:
    """What registrants are told changed: the time, the place, the meeting link."""
    changed = []
    if (event.starts_at, event.ends_at) != (details.starts_at, details.ends_at):
        changed.append("time")
    if event.format != details.format or event.venue != details.venue:
        changed.append("place")
    if event.meeting_url != details.meeting_url:
        changed.append("meeting_link")
    return changed


def _registrants(event: Event):
    return select(Registration.user_id).where(
        Registration.event_id == event.id,
        Registration.status.in_([RegistrationStatus.PENDING, RegistrationStatus.ACCEPTED]),
    )


def edit_event(user: User, event: Event, **fields) -> list[str]:
    """Change the event's details; tell waiting and accepted registrants when its time, place
    or link changed (never the new place: the page shows it to those who may see it). Return
    what changed of those."""
    policy.require(user, Action.MANAGE_EVENT, event)
    if event.status == EventStatus.CANCELLED:
        raise EventError("This event is cancelled: it can no longer be changed.", status=409)
    details = checked_details(**fields, is_new=False)
    if details.capacity is not None and details.capacity < event.accepted_count:
        raise EventError(
            f"{event.accepted_count} people are accepted already: give at least that many "
            "places, or decline some registrations first."
        )
    changed = _changes(event, details)
    if "time" in changed:
        event.reminded_at = None  # a new time deserves its own reminder
    _apply(event, details)
    event.updated_at = utcnow()
    db.session.flush()
    if changed:
        notify_many(
            _registrants(event),
            NotificationKind.EVENT_CHANGED,
            space=policy.event_space(event),
            actor_id=user.id,
            event_id=event.id,
            data={"changed": changed},
        )
    return changed


def cancel_event(user: User, event: Event, reason: str) -> None:
    """Cancel the event with a reason: its registrants are told, the mod log keeps it."""
    policy.require(user, Action.MANAGE_EVENT, event)
    reason = " ".join((reason or "").split())
    if not reason:
        raise EventError("Please say why the event is cancelled: registrants are told.")
    cancelled = db.session.execute(
        update(Event)
        .where(Event.id == event.id, Event.status == EventStatus.SCHEDULED)
        .values(status=EventStatus.CANCELLED, cancel_reason=reason, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not cancelled:  # a second click, or another organiser was first
        raise EventError("This event is cancelled already.", status=409)
    db.session.refresh(event)
    space = policy.event_space(event)
    audit.record(
        user,
        ActionKind.EVENT_CANCELLED,
        space=space,
        event=event,
        changes={"title": event.title},
        reason=reason,
    )
    notify_many(
        _registrants(event),
        NotificationKind.EVENT_CANCELLED,
        space=space,
        actor_id=user.id,
        event_id=event.id,
    )
