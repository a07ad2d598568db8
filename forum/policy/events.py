"""The events' rules: who organises, reads, registers for an event and is told its place.

An event is read by whoever reads its space. Its organisers are the space's staff and the
account behind the event's persona while it is an active member. Registering takes part in the
space like posting does, but a mute does not stop it: a mute silences a member in discussion,
and keeping them from a meeting is a sanction nobody decided. The place (venue or meeting link)
is told to organisers and to accepted registrants who still take part in the space: someone who
left, was banned or lost the space's label is told it no more.
"""

from collections.abc import Callable

from forum.extensions import db
from forum.models import Event, EventStatus, RegistrationMode, RegistrationStatus, Space, User
from forum.models.types import utcnow
from forum.policy.actions import Action
from forum.policy.refusals import Reason
from forum.policy.rules import (
    _may_post_in,
    _signed_in_and_free,
    _takes_part_in,
    active_membership,
    check,
    is_space_staff,
)
from forum.policy.viewer import owns_persona, registration_status

ORGANISERS_ONLY = Reason("organisers_only", "Only the space's moderators and owners add events.")
NOT_ORGANISER = Reason("not_organiser", "Only the event's organisers can do that.")
EVENT_CANCELLED = Reason("event_cancelled", "This event is cancelled: it takes no registrations.")
EVENT_STARTED = Reason("event_started", "This event has started: it takes no more registrations.")
REGISTRATION_CLOSED = Reason(
    "registration_closed", "Registration for this event is closed: the organisers said so."
)
NOT_REGISTERED = Reason("not_registered", "You have no registration for this event to withdraw.")
VENUE_FOR_ACCEPTED = Reason(
    "venue_for_accepted", "The place is told to accepted registrants.", status=403
)


def event_space(event: Event) -> Space:
    # An identity-map hit when the page loaded the space already: no extra query.
    return db.session.get(Space, event.space_id)


def is_organiser(viewer: User, event: Event) -> bool:
    """The space's staff, or the account behind the event's persona while an active member."""
    space = event_space(event)
    if is_space_staff(viewer, space):
        return True
    return owns_persona(viewer, event.persona_id) and active_membership(viewer, space) is not None


def _add_event(viewer: User, space: Space) -> Reason | None:
    if reason := _may_post_in(viewer, space):
        return reason
    return None if is_space_staff(viewer, space) else ORGANISERS_ONLY


def _read_event(viewer: User, event: Event) -> Reason | None:
    return check(viewer, Action.READ_SPACE, event_space(event))


def _manage_event(viewer: User, event: Event) -> Reason | None:
    if reason := _read_event(viewer, event):
        return reason
    if reason := _signed_in_and_free(viewer):
        return reason
    return None if is_organiser(viewer, event) else NOT_ORGANISER


def _register_for_event(viewer: User, event: Event) -> Reason | None:
    if reason := _read_event(viewer, event):
        return reason
    if event.status == EventStatus.CANCELLED:
        return EVENT_CANCELLED
    if event.starts_at <= utcnow():
        return EVENT_STARTED
    if event.registration == RegistrationMode.CLOSED:
        return REGISTRATION_CLOSED
    return _takes_part_in(viewer, event_space(event))


def _withdraw_registration(viewer: User, event: Event) -> Reason | None:
    if reason := _read_event(viewer, event):
        return reason
    status = registration_status(viewer, event.id)
    if status not in (RegistrationStatus.PENDING, RegistrationStatus.ACCEPTED):
        return NOT_REGISTERED
    return None


def _see_venue(viewer: User, event: Event) -> Reason | None:
    if reason := _read_event(viewer, event):
        return reason
    if is_organiser(viewer, event):
        return None
    if event.status == EventStatus.CANCELLED:
        return VENUE_FOR_ACCEPTED
    if registration_status(viewer, event.id) != RegistrationStatus.ACCEPTED:
        return VENUE_FOR_ACCEPTED
    # Accepted, and still taking part: not banned, not gone, still holding the label.
    return VENUE_FOR_ACCEPTED if _takes_part_in(viewer, event_space(event)) else None


EVENT_RULES: dict[Action, Callable[[User, object], Reason | None]] = {
    Action.ADD_EVENT: _add_event,
    Action.READ_EVENT: _read_event,
    Action.MANAGE_EVENT: _manage_event,
    Action.REGISTER_FOR_EVENT: _register_for_event,
    Action.WITHDRAW_REGISTRATION: _withdraw_registration,
    Action.SEE_VENUE: _see_venue,
}
