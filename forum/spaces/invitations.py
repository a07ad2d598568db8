"""Invitation links: made and withdrawn by a space's staff, accepted by the person holding one."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from forum import audit, policy
from forum.accounts.services import find_user
from forum.extensions import db
from forum.models import ActionKind, Invitation, Membership, NotificationKind, Space, User
from forum.models.types import utcnow
from forum.notifications.services import notify
from forum.policy import Action
from forum.spaces.membership import ACCEPT_THE_RULES, SpaceError, admit

NOTE_MAX_LENGTH = 100
MAX_USES = 1000
SHORTEST, LONGEST = timedelta(hours=1), timedelta(days=90)
# An invitation by name lasts this long; the invitee finds it among their notifications.
BY_NAME_LASTS = timedelta(days=30)


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # shown to its maker once; only its hash is kept


def create_invitation(
    actor: User, space: Space, *, expires_in: timedelta, max_uses: int, note: str = ""
) -> NewInvitation:
    """Make an invitation link; the token is returned once and only its hash is kept."""
    policy.require(actor, Action.MANAGE_INVITATIONS, space)
    if not SHORTEST <= expires_in <= LONGEST:
        raise SpaceError("An invitation lasts between one hour and 90 days.")
    if not 1 <= max_uses <= MAX_USES:
        raise SpaceError(f"An invitation can be used between 1 and {MAX_USES} times.")
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        space_id=space.id,
        token_hash=hash_invitation_token(token),
        created_by_id=actor.id,
        note=note.strip()[:NOTE_MAX_LENGTH],
        expires_at=utcnow() + expires_in,
        max_uses=max_uses,
    )
    _add(actor, space, invitation)
    return NewInvitation(invitation, token)


def _add(actor: User, space: Space, invitation: Invitation) -> None:
    """Store a new invitation and log it (its uses and end, never a token)."""
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        actor,
        ActionKind.INVITATION_CREATED,
        space=space,
        changes={
            "invitation": invitation.id,
            "max_uses": invitation.max_uses,
            "expires_at": invitation.expires_at.isoformat(timespec="minutes"),
        },
    )


def revoke_invitation(actor: User, space: Space, invitation_id: int) -> Invitation:
    """Withdraw an invitation link so nobody else can use it."""
    policy.require(actor, Action.MANAGE_INVITATIONS, space)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.space_id != space.id:
        raise SpaceError("That invitation does not exist.")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()
        audit.record(
            actor,
            ActionKind.INVITATION_REVOKED,
            space=space,
            changes={"invitation": invitation.id},
        )
    return invitation


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
        raise SpaceError("This invitation link is not valid.")
    if (membership := policy.active_membership(user, space)) is not None:
        return membership  # a double submit, or a member following the link again
    if lookup.problem:
        raise SpaceError(lookup.problem, status=410)
    return _use(user, space, lookup.invitation, accepted_rules)


def _use(user: User, space: Space, invitation: Invitation, accepted_rules: bool) -> Membership:
    """Join through a live invitation: allowed in, rules accepted, one use counted."""
    if invitation.invitee_id is not None and invitation.invitee_id != user.id:
        raise SpaceError("This invitation is for someone else.", status=404)
    policy.require(user, Action.ACCEPT_INVITATION, space)
    if not accepted_rules:
        raise SpaceError(ACCEPT_THE_RULES)
    # One use, counted only while uses remain: two people racing for the last use can't both win.
    counted = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.use_count < Invitation.max_uses,
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .values(use_count=Invitation.use_count + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        raise SpaceError("This invitation has just been used up or withdrawn.", status=410)
    db.session.refresh(invitation)
    return admit(user, space)


def invite_by_name(actor: User, space: Space, username: str) -> Invitation:
    """Invite one account by its username: only it may use the invitation, and it is told in
    the app, with a page where it accepts (the rules as for a link) or ignores it."""
    policy.require(actor, Action.MANAGE_INVITATIONS, space)
    name = username.strip()
    if not name:
        raise SpaceError("Please give the username of the person to invite.")
    invitee = find_user(name)
    if invitee is None:
        raise SpaceError(f"There is no account with the username “{name}”. Check the spelling.")
    if policy.active_membership(invitee, space) is not None:
        raise SpaceError(f"{invitee.username} is already a member of this space.")
    if not policy.holds_required_label(invitee, space):
        raise SpaceError(
            f"{invitee.username} does not hold the label “{space.required_label}” that this "
            "space requires."
        )
    waiting = db.session.scalar(
        select(Invitation).where(
            Invitation.space_id == space.id,
            Invitation.invitee_id == invitee.id,
            Invitation.revoked_at.is_(None),
            Invitation.use_count < Invitation.max_uses,
            Invitation.expires_at > utcnow(),
        )
    )
    if waiting is not None:
        raise SpaceError(f"{invitee.username} is invited already; the invitation is waiting.")
    invitation = Invitation(
        space_id=space.id,
        # Never shown: an invitation by name is used from the invitee's notification alone.
        token_hash=hash_invitation_token(secrets.token_urlsafe(24)),
        created_by_id=actor.id,
        invitee_id=invitee.id,
        note=f"For {invitee.username}"[:NOTE_MAX_LENGTH],
        expires_at=utcnow() + BY_NAME_LASTS,
        max_uses=1,
    )
    _add(actor, space, invitation)
    notify(invitee.id, NotificationKind.INVITATION, space=space, invitation=invitation)
    return invitation


def named_invitation_of(user: User, invitation_id: int) -> Invitation | None:
    """The invitation by name `invitation_id` when it is this account's; None otherwise, alike
    for one that does not exist and another person's."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not user.is_authenticated or invitation.invitee_id != user.id:
        return None
    return invitation


def accept_named_invitation(user: User, invitation: Invitation, *, accepted_rules: bool):
    """Join through one's own invitation by name (found by named_invitation_of)."""
    space = db.session.get(Space, invitation.space_id)
    if (membership := policy.active_membership(user, space)) is not None:
        return membership  # a double submit
    if invitation.problem():
        raise SpaceError(invitation.problem(), status=410)
    return _use(user, space, invitation, accepted_rules)
