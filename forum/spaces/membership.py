"""Membership use cases: join, ask, accept the rules, leave; decide requests, roles, add members."""

from sqlalchemy import func, select, update

from forum import audit, policy
from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    ActionKind,
    Membership,
    MembershipStatus,
    NotificationKind,
    Role,
    Space,
    User,
)
from forum.models.mod_action import REASON_MAX_LENGTH
from forum.models.types import utcnow
from forum.notifications.services import notify, tell_staff
from forum.policy import Action

REQUEST_NOTE_MAX_LENGTH = 1000
ACCEPT_THE_RULES = "Please read the rules and tick the box to accept them."


class SpaceError(DomainError):
    """A space use case refused; the message is safe to show to the person who asked."""


# The member's side.


def admit(
    user: User, space: Space, role: Role = Role.MEMBER, *, rules_version: int | None = None
) -> Membership:
    """Make the user an active member with `rules_version` (the current one) accepted.

    No policy check: callers are the use cases below, which have checked already.
    """
    membership = policy.membership_of(user, space)
    if membership is None:
        membership = Membership(user_id=user.id, space_id=space.id)
        db.session.add(membership)
    was_active = membership.status == MembershipStatus.ACTIVE
    membership.status = MembershipStatus.ACTIVE
    membership.role = role
    membership.rules_version_accepted = rules_version or space.rules_version
    if not was_active:
        membership.joined_at = utcnow()
    db.session.flush()
    policy.forget()
    if not was_active:
        recount_members(space)
    return membership


def recount_members(space: Space) -> None:
    """Refresh the space's member count: active members, holding its label when it needs one."""
    statement = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.space_id == space.id, Membership.status == MembershipStatus.ACTIVE)
    )
    if space.required_label is not None:
        # A member whose label was revoked has lost access, and is no longer counted.
        statement = statement.join(User, User.id == Membership.user_id).where(
            User.label == space.required_label
        )
    space.member_count = db.session.scalar(statement)
    db.session.flush()


def join_space(user: User, space: Space, *, accepted_rules: bool) -> Membership:
    """Join an open space after accepting its current rules."""
    if (membership := policy.active_membership(user, space)) is not None:
        return membership  # a double submit
    policy.require(user, Action.JOIN_SPACE, space)
    if not accepted_rules:
        raise SpaceError(ACCEPT_THE_RULES)
    return admit(user, space)


def request_to_join(user: User, space: Space, note: str, *, accepted_rules: bool) -> Membership:
    """Ask the space's moderators to let the user in, with a note and the rules accepted."""
    membership = policy.membership_of(user, space)
    if membership is not None and membership.status == MembershipStatus.PENDING:
        return membership  # a double submit: the request is already waiting
    policy.require(user, Action.REQUEST_TO_JOIN, space)
    note = note.strip()
    if not note:
        raise SpaceError("Please say a few words about why you would like to join.")
    if len(note) > REQUEST_NOTE_MAX_LENGTH:
        raise SpaceError(f"Please keep your request under {REQUEST_NOTE_MAX_LENGTH} characters.")
    if not accepted_rules:
        raise SpaceError(ACCEPT_THE_RULES)
    if membership is None:
        membership = Membership(user_id=user.id, space_id=space.id)
        db.session.add(membership)
    membership.status = MembershipStatus.PENDING
    membership.role = Role.MEMBER
    membership.request_note = note
    membership.requested_at = utcnow()
    membership.rules_version_accepted = space.rules_version
    membership.decision_reason = None
    membership.decided_at = None
    db.session.flush()
    policy.forget()
    tell_staff(space, NotificationKind.JOIN_REQUEST, actor_id=user.id)
    return membership


def accept_rules(user: User, space: Space) -> Membership:
    """Record that an active member accepted the space's current rules."""
    policy.require(user, Action.ACCEPT_RULES, space)
    membership = policy.active_membership(user, space)
    membership.rules_version_accepted = space.rules_version
    db.session.flush()
    return membership


def leave_space(user: User, space: Space) -> None:
    """Leave a space (or withdraw a request); the last owner must hand over first."""
    policy.require(user, Action.LEAVE_SPACE, space)
    membership = policy.membership_of(user, space)
    keep_an_owner(space, membership)
    was_active = membership.is_active
    db.session.delete(membership)
    db.session.flush()
    policy.forget()
    if was_active:
        recount_members(space)


# One rule: a space keeps an owner.


def count_owners(space: Space) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.space_id == space.id,
            Membership.role == Role.OWNER,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )


def keep_an_owner(space: Space, leaving: Membership) -> None:
    """Refuse to let the space's last active owner go (leave, removal, ban or demotion)."""
    if leaving.role == Role.OWNER and leaving.is_active and count_owners(space) <= 1:
        raise SpaceError(
            "A space must keep at least one owner. Make another member an owner first."
        )


# The staff side.


def member_of(space: Space, membership_id: int) -> Membership:
    """The membership row `membership_id` when it belongs to this space."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.space_id != space.id:
        raise SpaceError("That person is not a member of this space.")
    return membership


ALREADY_DECIDED = "That request has already been decided."


def _pending_request(space: Space, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.space_id != space.id:
        raise SpaceError("That request no longer exists: the person may have withdrawn it.")
    if membership.status != MembershipStatus.PENDING:
        raise SpaceError(ALREADY_DECIDED)
    return membership


def decide_request(
    actor: User, space: Space, membership_id: int, *, approve: bool, reason: str = ""
) -> Membership:
    """Approve or decline a request to join; the requester sees the outcome and reason."""
    policy.require(actor, Action.REVIEW_REQUESTS, space)
    membership = _pending_request(space, membership_id)
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise SpaceError(f"Please keep the reason under {REASON_MAX_LENGTH} characters.")
    user = db.session.get(User, membership.user_id)
    if approve and not policy.holds_required_label(user, space):
        raise SpaceError("This person no longer holds the label the space requires.")
    # Claim the request first: of two moderators deciding at once, only one update matches.
    now = utcnow()
    claimed = db.session.execute(
        update(Membership)
        .where(
            Membership.id == membership.id,
            Membership.status == MembershipStatus.PENDING,
            Membership.decided_at.is_(None),
        )
        .values(decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise SpaceError(ALREADY_DECIDED)
    membership.decision_reason = reason or None
    membership.decided_at = now
    if approve:
        # The rules accepted with the request; if they changed since, the member accepts anew.
        admit(user, space, rules_version=membership.rules_version_accepted or 1)
        kind = ActionKind.REQUEST_APPROVED
    else:
        membership.status = MembershipStatus.DECLINED
        kind = ActionKind.REQUEST_DECLINED
    entry = audit.record(
        actor, kind, space=space, membership=membership, account=user, reason=reason
    )
    told = NotificationKind.JOIN_APPROVED if approve else NotificationKind.JOIN_DECLINED
    notify(user.id, told, space=space, entry=entry)  # the page shows the entry's public reason
    return membership


def change_role(actor: User | None, space: Space, membership_id: int, role: Role) -> Membership:
    """Promote or demote a member (actor None is the command line); logged either way."""
    membership = member_of(space, membership_id)
    if actor is not None:
        policy.require(actor, Action.CHANGE_ROLE, membership)
    if not membership.is_active:
        raise SpaceError("Only active members can be given a role.")
    old_role = Role(membership.role)
    if old_role == role:
        return membership
    if role != Role.OWNER:
        keep_an_owner(space, membership)
    user = db.session.get(User, membership.user_id)
    membership.role = role
    db.session.flush()
    policy.forget()
    audit.record(
        actor,
        ActionKind.ROLE_CHANGED,
        space=space,
        membership=membership,
        account=user,
        changes={"from": old_role.value, "to": role.value},
    )
    return membership


def add_member(space: Space, user: User, role: Role) -> Membership:
    """Add someone to the space with the rules counted as accepted, or change their role.

    The command line's way in, for operators; logged like the same change made on the web.
    """
    if not policy.holds_required_label(user, space):
        raise SpaceError(
            f"{user.username} does not hold the label {space.required_label!r} "
            "that this space requires."
        )
    membership = policy.membership_of(user, space)
    if membership is not None and membership.status == MembershipStatus.BANNED:
        raise SpaceError(
            f"{user.username} is banned from this space; lift the ban on its members page first."
        )
    if membership is not None and membership.is_active:
        return change_role(None, space, membership.id, role)
    membership = admit(user, space, role)
    audit.record(
        None,
        ActionKind.MEMBER_ADDED,
        space=space,
        membership=membership,
        account=user,
        changes={"role": role.value},
    )
    return membership
