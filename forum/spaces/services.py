"""A member's membership use cases: join, ask to join, accept an invitation or the rules, leave."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select, update

from forum import policy
from forum.extensions import db
from forum.models import Invitation, Membership, MembershipStatus, Role, Space, User
from forum.models.types import utcnow
from forum.policy import Action

REQUEST_NOTE_MAX_LENGTH = 1000


class MembershipError(Exception):
    """A membership use case refused; the message is safe to show to the person who asked."""


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def admit(user: User, space: Space, role: Role = Role.MEMBER) -> Membership:
    """Make the user an active member with the current rules accepted (no policy check)."""
    membership = policy.membership_of(user, space)
    now = utcnow()
    if membership is None:
        membership = Membership(user_id=user.id, space_id=space.id)
        db.session.add(membership)
    was_active = membership.status == MembershipStatus.ACTIVE
    membership.status = MembershipStatus.ACTIVE
    membership.role = role
    membership.rules_version_accepted = space.rules_version
    if not was_active:
        membership.joined_at = now
    db.session.flush()
    policy.forget_memberships()
    if not was_active:
        recount_members(space)
    return membership


def recount_members(space: Space) -> None:
    """Refresh the space's denormalised member count from the memberships."""
    space.member_count = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.space_id == space.id, Membership.status == MembershipStatus.ACTIVE)
    )
    db.session.flush()


def join_space(user: User, space: Space, *, accepted_rules: bool) -> Membership:
    """Join an open space after accepting its current rules."""
    if _already_member(user, space):
        return policy.membership_of(user, space)
    policy.require(user, Action.JOIN_SPACE, space)
    if not accepted_rules:
        raise MembershipError("Please read the rules and tick the box to accept them.")
    return admit(user, space)


def request_to_join(user: User, space: Space, note: str) -> Membership:
    """Ask the space's moderators to let the user in, with a written note."""
    membership = policy.membership_of(user, space)
    if membership is not None and membership.status == MembershipStatus.PENDING:
        return membership  # a double submit: the request is already waiting
    policy.require(user, Action.REQUEST_TO_JOIN, space)
    note = note.strip()
    if not note:
        raise MembershipError("Please say a few words about why you would like to join.")
    if len(note) > REQUEST_NOTE_MAX_LENGTH:
        raise MembershipError(
            f"Please keep your request under {REQUEST_NOTE_MAX_LENGTH} characters."
        )
    if membership is None:
        membership = Membership(user_id=user.id, space_id=space.id)
        db.session.add(membership)
    membership.status = MembershipStatus.PENDING
    membership.role = Role.MEMBER
    membership.request_note = note
    membership.requested_at = utcnow()
    membership.decision_reason = None
    membership.decided_at = None
    db.session.flush()
    policy.forget_memberships()
    return membership


@dataclass(frozen=True)
class InvitationLookup:
    invitation: Invitation | None
    problem: str | None


def find_invitation(token: str) -> InvitationLookup:
    """Find the invitation behind a link's token and say whether it can still be used."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_invitation_token(token))
    )
    if invitation is None:
        return InvitationLookup(
            None, "This invitation link is not valid. Check that it was copied whole."
        )
    return InvitationLookup(invitation, invitation.problem())


def accept_invitation(user: User, space: Space, token: str, *, accepted_rules: bool) -> Membership:
    """Join through an invitation link: the link must be live and the user allowed in."""
    lookup = find_invitation(token)
    if lookup.invitation is None or lookup.invitation.space_id != space.id:
        raise MembershipError("This invitation link is not valid.")
    if _already_member(user, space):
        return policy.membership_of(user, space)
    if lookup.problem:
        raise MembershipError(lookup.problem)
    policy.require(user, Action.ACCEPT_INVITATION, space)
    if not accepted_rules:
        raise MembershipError("Please read the rules and tick the box to accept them.")
    # One use, counted only while uses remain: two people racing for the last use can't both win.
    now = utcnow()
    counted = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == lookup.invitation.id,
            Invitation.use_count < Invitation.max_uses,
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(use_count=Invitation.use_count + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        raise MembershipError("This invitation has just been used up or withdrawn.")
    db.session.refresh(lookup.invitation)
    return admit(user, space)


def accept_rules(user: User, space: Space) -> Membership:
    """Record that an active member accepted the space's current rules."""
    membership = policy.active_membership(user, space)
    if membership is None:
        raise MembershipError("Only members accept a space's rules.")
    membership.rules_version_accepted = space.rules_version
    db.session.flush()
    return membership


def leave_space(user: User, space: Space) -> None:
    """Leave a space (or withdraw a request); the last owner must hand over first."""
    policy.require(user, Action.LEAVE_SPACE, space)
    membership = policy.membership_of(user, space)
    if membership.role == Role.OWNER and count_owners(space) <= 1:
        raise MembershipError(
            "You are this space's only owner. Make another member an owner before you leave."
        )
    was_active = membership.is_active
    db.session.delete(membership)
    db.session.flush()
    policy.forget_memberships()
    if was_active:
        recount_members(space)


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


def _already_member(user: User, space: Space) -> bool:
    return policy.active_membership(user, space) is not None
