"""Uses of moderator power: sanctions on members, thread lock and pin; each is logged."""

from datetime import datetime

from sqlalchemy import select

from forum import audit, policy
from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    ActionKind,
    Membership,
    MembershipStatus,
    Persona,
    Role,
    Space,
    Thread,
    User,
)
from forum.models.mod_action import REASON_MAX_LENGTH
from forum.models.types import utcnow
from forum.policy import Action
from forum.spaces.membership import admit, keep_an_owner, member_of, recount_members


class ModerationError(DomainError):
    """A moderation use case refused; the message is safe to show to the moderator."""


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ModerationError("Please give a reason: the member is told it.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationError(f"Please keep the reason under {REASON_MAX_LENGTH} characters.")
    return reason


def _sanctioned(actor: User, space: Space, membership_id: int, reason: str):
    """The membership to act on, the reason given, after every check common to sanctions."""
    membership = member_of(space, membership_id)
    policy.require(actor, Action.MODERATE_MEMBER, membership)
    return membership, _required_reason(reason)


def membership_behind(persona: Persona) -> Membership | None:
    """The membership of the account behind a persona in its space, for a sanction to reach it:
    never returned to a page, so nobody is shown who that is."""
    return db.session.scalar(
        select(Membership).where(
            Membership.space_id == persona.space_id, Membership.user_id == persona.user_id
        )
    )


# Members


def remove_member(actor: User, space: Space, membership_id: int, reason: str) -> User:
    """Remove a member from the space; they may rejoin as the join policy allows."""
    membership, reason = _sanctioned(actor, space, membership_id, reason)
    if membership.status == MembershipStatus.BANNED:
        # Deleting the row would lift the ban without a trace.
        raise ModerationError("That member is banned. Lift the ban if they may come back.")
    if not membership.is_active:
        raise ModerationError("That person is not a member of this space.")
    keep_an_owner(space, membership)
    user = db.session.get(User, membership.user_id)
    audit.record(
        actor,
        ActionKind.MEMBER_REMOVED,
        space=space,
        membership=membership,
        account=user,
        reason=reason,
    )
    db.session.delete(membership)
    db.session.flush()
    policy.forget()
    recount_members(space)
    return user


def ban_member(
    actor: User, space: Space, membership_id: int, reason: str, until: datetime | None = None
) -> Membership:
    """Ban a member from the space, for good or until a time; they cannot rejoin meanwhile."""
    membership, reason = _sanctioned(actor, space, membership_id, reason)
    if membership.status == MembershipStatus.BANNED:
        raise ModerationError("That member is already banned.")
    keep_an_owner(space, membership)
    membership.status = MembershipStatus.BANNED
    membership.role = Role.MEMBER
    membership.banned_until = until
    membership.decision_reason = reason
    membership.decided_at = utcnow()
    db.session.flush()
    policy.forget()
    recount_members(space)
    audit.record(
        actor,
        ActionKind.MEMBER_BANNED,
        space=space,
        membership=membership,
        account=db.session.get(User, membership.user_id),
        changes={"until": until.isoformat(timespec="minutes") if until else None},
        reason=reason,
    )
    return membership


def unban_member(actor: User, space: Space, membership_id: int, reason: str) -> Membership:
    """Lift a ban: the person becomes a member again."""
    membership, reason = _sanctioned(actor, space, membership_id, reason)
    if membership.status != MembershipStatus.BANNED:
        raise ModerationError("That member is not banned.")
    user = db.session.get(User, membership.user_id)
    membership.banned_until = None
    membership.decision_reason = reason
    membership.decided_at = utcnow()
    admit(user, space)
    audit.record(
        actor,
        ActionKind.MEMBER_UNBANNED,
        space=space,
        membership=membership,
        account=user,
        reason=reason,
    )
    return membership


# Threads


def set_thread_locked(actor: User, thread: Thread, locked: bool, reason: str = "") -> Thread:
    """Lock a thread against new replies, or unlock it."""
    policy.require(actor, Action.LOCK_THREAD, thread)
    if thread.locked != locked:
        thread.locked = locked
        db.session.flush()
        audit.record(
            actor,
            ActionKind.THREAD_LOCKED if locked else ActionKind.THREAD_UNLOCKED,
            space=db.session.get(Space, thread.space_id),
            thread=thread,
            reason=reason,
        )
    return thread


def set_thread_pinned(actor: User, thread: Thread, pinned: bool) -> Thread:
    """Pin a thread to the top of its space's list, or unpin it."""
    policy.require(actor, Action.PIN_THREAD, thread)
    if thread.pinned != pinned:
        thread.pinned = pinned
        db.session.flush()
        audit.record(
            actor,
            ActionKind.THREAD_PINNED if pinned else ActionKind.THREAD_UNPINNED,
            space=db.session.get(Space, thread.space_id),
            thread=thread,
        )
    return thread
