"""The trail's rules: the mod log, notifications, appeals and the break-glass reveal."""

from collections.abc import Callable
from datetime import timedelta

from flask import current_app

from forum.extensions import db
from forum.models import (
    ActionKind,
    ModAction,
    Notification,
    QueueItem,
    QueueKind,
    RevealRequest,
    RevealStatus,
    Space,
    User,
)
from forum.models.types import utcnow
from forum.policy import refusals
from forum.policy.actions import Action
from forum.policy.refusals import Reason
from forum.policy.rules import check, is_site_admin, is_space_staff
from forum.policy.viewer import owns_persona

# The decisions on a member's post or persona that the member may appeal, once.
APPEALABLE = frozenset(
    {ActionKind.POST_REMOVED, ActionKind.POST_REMOVED_AND_MUTED, ActionKind.PERSONA_BANNED}
)


def _read_modlog(viewer: User, space: Space) -> Reason | None:
    return check(viewer, Action.READ_SPACE, space)


def _read_modlog_notes(viewer: User, space: Space) -> Reason | None:
    return None if is_space_staff(viewer, space) else refusals.NOT_STAFF


def _own_notification(viewer: User, notification: Notification) -> Reason | None:
    if viewer.is_authenticated and notification.user_id == viewer.id:
        return None
    return refusals.NOT_FOUND  # another person's notification is no more there than none


def _appeal_decision(viewer: User, entry: ModAction) -> Reason | None:
    # Whatever their standing in the space now: a ban is appealed by the banned member.
    if not viewer.is_authenticated:
        return refusals.SIGN_IN
    if entry.target_persona_id is None or not owns_persona(viewer, entry.target_persona_id):
        return refusals.NOT_FOUND
    if entry.action not in APPEALABLE:
        return refusals.NOT_APPEALABLE
    days = current_app.config["APPEAL_WINDOW_DAYS"]
    if entry.created_at + timedelta(days=days) < utcnow():
        return refusals.appeal_window_passed(days)
    return None


def _decide_appeal(viewer: User, item: QueueItem) -> Reason | None:
    if item.kind != QueueKind.APPEAL:
        return refusals.NOT_FOUND
    space = db.session.get(Space, item.space_id)
    if not (is_site_admin(viewer) or is_space_staff(viewer, space)):
        return refusals.NOT_STAFF
    appealed = db.session.get(ModAction, item.appeal_of_id)
    if appealed is not None and appealed.actor_id == viewer.id:
        return refusals.NOT_YOUR_DECISION
    if item.persona_id is not None and owns_persona(viewer, item.persona_id):
        return refusals.NOT_YOUR_DECISION  # nobody decides their own appeal
    return None


def _request_reveal(viewer: User, _target=None) -> Reason | None:
    return None if is_site_admin(viewer) else refusals.NOT_ADMIN


def _decide_reveal(viewer: User, request: RevealRequest) -> Reason | None:
    if not is_site_admin(viewer):
        return refusals.NOT_ADMIN
    if (
        request.requested_by_id == viewer.id
        and not current_app.config["REVEAL_WITHOUT_SECOND_ADMIN"]
    ):
        return refusals.SECOND_ADMIN
    if owns_persona(viewer, request.persona_id):
        return refusals.ABOUT_YOURSELF  # nobody decides whether they themselves are revealed
    return None


def _see_revealed(viewer: User, request: RevealRequest) -> Reason | None:
    if not is_site_admin(viewer):
        return refusals.NOT_ADMIN
    if request.status != RevealStatus.APPROVED or request.requested_by_id != viewer.id:
        return refusals.NOT_THE_ASKER
    return None


TRAIL_RULES: dict[Action, Callable[[User, object], Reason | None]] = {
    Action.READ_MODLOG: _read_modlog,
    Action.READ_MODLOG_NOTES: _read_modlog_notes,
    Action.READ_NOTIFICATION: _own_notification,
    Action.APPEAL_DECISION: _appeal_decision,
    Action.DECIDE_APPEAL: _decide_appeal,
    Action.REQUEST_REVEAL: _request_reveal,
    Action.DECIDE_REVEAL: _decide_reveal,
    Action.SEE_REVEALED: _see_revealed,
}
