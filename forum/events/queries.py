"""Reading events: a space's upcoming or past ones, an event's organiser and its attendees.

Each list is a count and one query whatever it holds; the viewer's own registrations come from
their standing (one query a request). Attendees are shown as the space shows their persona.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select

from forum import policy
from forum.extensions import db
from forum.identity import authors
from forum.identity.authors import Author
from forum.models import Event, Persona, Registration, RegistrationStatus, Space, User
from forum.models.types import utcnow
from forum.pagination import Page, paginate

EVENTS_PER_PAGE = 20
# A feed holds the next events of a space, far more than a calendar app shows at once.
FEED_SIZE = 200


@dataclass(frozen=True)
class Listed:
    """An event in a list: itself, its places left (None: no limit), the viewer's standing."""

    event: Event
    places_left: int | None
    own_status: str | None


@dataclass(frozen=True)
class Attendee:
    registration_id: int
    author: Author
    status: RegistrationStatus
    note: str
    registered_at: datetime


def places_left(event: Event) -> int | None:
    return None if event.capacity is None else max(event.capacity - event.accepted_count, 0)


def _of_space(space: Space, *, past: bool):
    now = utcnow()
    statement = select(Event).where(Event.space_id == space.id)
    if past:
        return statement.where(Event.ends_at <= now).order_by(
            Event.starts_at.desc(), Event.id.desc()
        )
    return statement.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)


def events_page(viewer: User, space: Space, number: int, *, past: bool = False) -> Page:
    """One page of the space's events: coming ones soonest first, or past ones latest first."""
    page = paginate(_of_space(space, past=past), number, EVENTS_PER_PAGE)
    items = [
        Listed(event, places_left(event), policy.registration_status(viewer, event.id))
        for event in page.items
    ]
    return Page(items, page.number, page.per_page, page.total)


def feed_events(space: Space) -> list[Event]:
    """The space's events to come (cancelled ones too: calendars then drop them)."""
    return list(db.session.scalars(_of_space(space, past=False).limit(FEED_SIZE)))


def organiser_of(viewer: User, event: Event) -> Author:
    """The event's organiser as the space shows them."""
    statement = authors.join_author(
        select(*authors.author_columns(viewer.is_authenticated))
        .select_from(Event)
        .where(Event.id == event.id),
        Event.persona_id,
    )
    return authors.author(db.session.execute(statement, authors.viewer_parameters(viewer)).one())


_STATUS_ORDER = case(
    (Registration.status == RegistrationStatus.PENDING, 0),
    (Registration.status == RegistrationStatus.ACCEPTED, 1),
    else_=2,
)


def attendees_of(viewer: User, event: Event) -> list[Attendee]:
    """Every registration, waiting ones first, under the persona each registrant chose: for
    the organisers' eyes (the caller asks the policy)."""
    statement = authors.join_author(
        select(
            Registration.id,
            Registration.status,
            Registration.note,
            Registration.created_at,
            *authors.author_columns(viewer.is_authenticated),
        )
        .where(Registration.event_id == event.id)
        .order_by(_STATUS_ORDER, Registration.created_at, Registration.id),
        Registration.persona_id,
    )
    rows = db.session.execute(statement, authors.viewer_parameters(viewer))
    return [
        Attendee(
            row.id, authors.author(row), RegistrationStatus(row.status), row.note, row.created_at
        )
        for row in rows
    ]


def own_registration(viewer: User, event: Event) -> tuple[RegistrationStatus, str] | None:
    """The viewer's registration: its status and the handle it is under; None without one."""
    if policy.registration_status(viewer, event.id) is None:
        return None
    row = db.session.execute(
        select(Registration.status, Persona.handle)
        .join(Persona, Persona.id == Registration.persona_id)
        .where(Registration.event_id == event.id, Registration.user_id == viewer.id)
    ).one_or_none()
    return None if row is None else (RegistrationStatus(row.status), row.handle)
