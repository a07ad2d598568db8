"""Registering for events: register, withdraw, and an organiser's accepting or declining.

A place is claimed by one conditional UPDATE of the event's accepted_count (below capacity), so
two requests at once never overfill an event; one registration per person is the table's
unique constraint, so a double submit never registers twice.
"""

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from forum import identity, policy
from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    Event,
    EventStatus,
    Membership,
    MembershipStatus,
    NotificationKind,
    Persona,
    PersonaKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    Role,
    User,
)
from forum.models.event import NOTE_MAX_LENGTH
from forum.models.types import utcnow
from forum.notifications.services import notify, notify_many
from forum.policy import Action

FULL = "This event is full: no places are left."


class RegistrationError(DomainError):
    """A registration was refused or is already so; the message says which."""


class AlreadyRegistered(RegistrationError):
    """A second submit of the same registration: nothing changed, and that is fine."""

    status = 409


def _claim_place(event: Event) -> None:
    """Take one of the event's places, or raise RegistrationError when none is left."""
    claimed = db.session.execute(
        update(Event)
        .where(
            Event.id == event.id,
            Event.status == EventStatus.SCHEDULED,
            or_(Event.capacity.is_(None), Event.accepted_count < Event.capacity),
        )
        .values(accepted_count=Event.accepted_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise RegistrationError(FULL, status=409)
    db.session.refresh(event, ["accepted_count"])


def _free_place(event: Event) -> None:
    db.session.execute(
        update(Event)
        .where(Event.id == event.id, Event.accepted_count > 0)
        .values(accepted_count=Event.accepted_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(event, ["accepted_count"])


def _organisers(event: Event):
    """The accounts that run the event: the space's staff, and its organiser while a member."""
    organiser = select(Persona.user_id).where(Persona.id == event.persona_id).scalar_subquery()
    return select(Membership.user_id).where(
        Membership.space_id == event.space_id,
        Membership.status == MembershipStatus.ACTIVE,
        or_(Membership.role.in_([Role.MODERATOR, Role.OWNER]), Membership.user_id == organiser),
    )


def registration_of(user: User, event: Event) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == user.id
        )
    )


def register(user: User, event: Event, *, kind: str, note: str = "") -> Registration:
    """Register for the event under a persona the space allows: accepted at once while places
    are left (open), or waiting for an organiser, who is told (by approval)."""
    existing = registration_of(user, event)
    if existing is not None:
        if existing.status == RegistrationStatus.DECLINED:
            raise RegistrationError("The organisers declined your registration for this event.")
        raise AlreadyRegistered("You are registered for this event already: nothing changed.")
    policy.require(user, Action.REGISTER_FOR_EVENT, event)
    space = policy.event_space(event)
    try:
        persona_kind = PersonaKind(kind)
    except ValueError:
        persona_kind = None
    if persona_kind not in identity.allowed_kinds(space):
        raise RegistrationError("Please choose how you appear: this space does not allow that.")
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise RegistrationError(f"Notes are at most {NOTE_MAX_LENGTH} characters.")
    is_open = event.registration == RegistrationMode.OPEN
    registration = Registration(
        event_id=event.id,
        user_id=user.id,
        persona_id=identity.persona_for(user, space, persona_kind).id,
        status=RegistrationStatus.ACCEPTED if is_open else RegistrationStatus.PENDING,
        note=note,
        decided_at=utcnow() if is_open else None,
    )
    try:
        with db.session.begin_nested():  # a concurrent double submit meets the constraint
            db.session.add(registration)
    except IntegrityError:
        raise AlreadyRegistered(
            "You are registered for this event already: nothing changed."
        ) from None
    if is_open:
        _claim_place(event)
    else:
        notify_many(
            _organisers(event),
            NotificationKind.EVENT_REGISTRATION,
            space=space,
            actor_id=user.id,
            event_id=event.id,
        )
    policy.forget()
    return registration


def withdraw(user: User, event: Event) -> None:
    """Withdraw one's own registration; an accepted one frees its place."""
    policy.require(user, Action.WITHDRAW_REGISTRATION, event)
    registration = registration_of(user, event)
    if registration is None:
        return  # withdrawn by the click before this one
    if registration.status == RegistrationStatus.ACCEPTED:
        _free_place(event)
    db.session.delete(registration)
    db.session.flush()
    policy.forget()


def withdraw_all(user: User) -> None:
    """Withdraw every registration of an account being deleted, freeing the places it held.
    No policy: the account's owner asked for everything to go (forum/erasure)."""
    registrations = db.session.scalars(
        select(Registration).where(Registration.user_id == user.id)
    ).all()
    for registration in registrations:
        if registration.status == RegistrationStatus.ACCEPTED:
            _free_place(db.session.get(Event, registration.event_id))
        db.session.delete(registration)
    db.session.flush()


def decide(user: User, event: Event, registration_id: int, accept: bool, message: str) -> None:
    """An organiser accepts (taking a place) or declines (freeing one) a registration; the
    registrant is told, with the message."""
    policy.require(user, Action.MANAGE_EVENT, event)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise RegistrationError("There is no such registration.", status=404)
    if event.status == EventStatus.CANCELLED:
        raise RegistrationError("This event is cancelled: its registrations stay as they are.")
    message = " ".join((message or "").split())[:NOTE_MAX_LENGTH]
    wanted = RegistrationStatus.ACCEPTED if accept else RegistrationStatus.DECLINED
    was = registration.status
    if was == wanted:
        raise RegistrationError("That registration is decided so already.", status=409)
    # One decision of two at once wins: the row changes only from the status it was read in.
    changed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == was)
        .values(status=wanted, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise RegistrationError("That registration is decided so already.", status=409)
    if accept:
        _claim_place(event)
    elif was == RegistrationStatus.ACCEPTED:
        _free_place(event)
    notify(
        registration.user_id,
        NotificationKind.EVENT_ACCEPTED if accept else NotificationKind.EVENT_DECLINED,
        space=policy.event_space(event),
        event=event,
        data={"message": message} if message else None,
    )
    db.session.refresh(registration)
    policy.forget()
