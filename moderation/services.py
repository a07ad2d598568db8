"""Uses of moderator and admin power; each checks the policy and appends one mod-log row."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from forum import markup, policy
from forum.extensions import db
from forum.models import (
    Invitation,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    Space,
    User,
    Visibility,
)
from forum.models.space import LABEL_MAX_LENGTH, SLUG_MAX_LENGTH
from forum.models.types import utcnow
from forum.policy import Action
from forum.spaces.services import admit, count_owners, hash_invitation_token, recount_members
from moderation.models import ActionKind, ModAction

REASON_MAX_LENGTH = 500
DESCRIPTION_MAX_LENGTH = 500  # the column's length: PostgreSQL refuses longer text
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_SLUGS = frozenset({"new", "admin", "mod", "api", "static", "search", "settings"})


class ModerationError(Exception):
    """A moderation use case refused; the message is safe to show to the person who asked."""


def record(
    actor: User | None,
    action: ActionKind,
    *,
    space: Space | None = None,
    target_user: User | None = None,
    detail: str = "",
    reason: str = "",
    note: str = "",
) -> ModAction:
    """Append one row to the moderation log."""
    entry = ModAction(
        actor_id=actor.id if actor else None,
        space_id=space.id if space else None,
        action=action,
        target_user_id=target_user.id if target_user else None,
        detail=detail[:200],
        public_reason=reason.strip()[:REASON_MAX_LENGTH],
        private_note=note.strip(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _require(actor: User, action: Action, target: object) -> None:
    try:
        policy.require(actor, action, target)
    except policy.PolicyError as error:
        raise ModerationError(str(error)) from None


# Verified labels (site admins)


def clean_label(label: str | None) -> str | None:
    """Normalise a label's spacing; None or blank means no label."""
    label = " ".join((label or "").split())
    if not label:
        return None
    if not 2 <= len(label) <= LABEL_MAX_LENGTH:
        raise ModerationError(f"A label is 2 to {LABEL_MAX_LENGTH} characters long.")
    return label


def set_label(actor: User | None, user: User, label: str | None, note: str = "") -> None:
    """Grant (or, with None, revoke) a verified label; actor None is the command line."""
    if actor is not None:
        _require(actor, Action.MANAGE_USERS, None)
    label = clean_label(label)
    if label == user.label:
        return
    previous = user.label
    user.label = label
    kind = ActionKind.LABEL_GRANTED if label else ActionKind.LABEL_REVOKED
    record(actor, kind, target_user=user, detail=f"label: {label or previous}", note=note)


# Spaces


@dataclass
class SpaceSettings:
    name: str
    description: str
    rules: str
    visibility: Visibility
    join_policy: JoinPolicy
    required_label: str | None
    identity_mode: str
    premoderation: str
    slow_mode_seconds: int
    flag_hide_threshold: int


def check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not 2 <= len(slug) <= SLUG_MAX_LENGTH or not SLUG_PATTERN.fullmatch(slug):
        raise ModerationError(
            f"A space's address is 2 to {SLUG_MAX_LENGTH} lower-case letters, digits and "
            "single hyphens, e.g. 'youth-workers'."
        )
    if slug in RESERVED_SLUGS:
        raise ModerationError("That address is reserved. Please choose another.")
    if db.session.scalar(select(Space.id).where(Space.slug == slug)) is not None:
        raise ModerationError("A space with that address already exists.")
    return slug


def _apply_settings(space: Space, settings: SpaceSettings) -> list[str]:
    """Validate and copy the settings onto the space; return the names of what changed."""
    name = " ".join(settings.name.split())
    if not 2 <= len(name) <= 80:
        raise ModerationError("A space's name is 2 to 80 characters long.")
    if len(settings.description.strip()) > DESCRIPTION_MAX_LENGTH:
        raise ModerationError(
            f"A space's description is at most {DESCRIPTION_MAX_LENGTH} characters long."
        )
    if settings.visibility == Visibility.HIDDEN and settings.join_policy != JoinPolicy.INVITE:
        raise ModerationError(
            "A hidden space can only be joined by invitation: nobody else can find it."
        )
    if not 0 <= settings.slow_mode_seconds <= 86_400:
        raise ModerationError("Slow mode is between 0 seconds (off) and one day (86400).")
    if not 1 <= settings.flag_hide_threshold <= 100:
        raise ModerationError("The flag threshold is between 1 and 100 flags.")
    values = {
        "name": name,
        "description": settings.description.strip(),
        "rules": settings.rules.strip(),
        "visibility": settings.visibility,
        "join_policy": settings.join_policy,
        "required_label": clean_label(settings.required_label),
        "identity_mode": settings.identity_mode,
        "premoderation": settings.premoderation,
        "slow_mode_seconds": settings.slow_mode_seconds,
        "flag_hide_threshold": settings.flag_hide_threshold,
    }
    changed = [key for key, value in values.items() if getattr(space, key) != value]
    for key in changed:
        setattr(space, key, values[key])
    if "rules" in changed:
        space.rules_html = markup.render(space.rules)
    return changed


def create_space(
    actor: User | None, slug: str, settings: SpaceSettings, owner: User | None = None
) -> Space:
    """Create a space (site admins, or the command line when actor is None)."""
    if actor is not None:
        _require(actor, Action.CREATE_SPACE, None)
    space = Space(slug=check_slug(slug), rules_version=1)
    _apply_settings(space, settings)
    if owner is not None and not policy.holds_required_label(owner, space):
        # An owner without the label would hold a role that grants no access at all.
        raise ModerationError(
            f"The owner must hold the label {space.required_label!r} that the space requires."
        )
    db.session.add(space)
    db.session.flush()
    if owner is not None:
        admit(owner, space, Role.OWNER)
    record(actor, ActionKind.SPACE_CREATED, space=space, detail=f"created /s/{space.slug}")
    return space


def update_space_settings(actor: User, space: Space, settings: SpaceSettings) -> list[str]:
    """Change a space's settings; a change to the rules text asks members to accept again."""
    _require(actor, Action.EDIT_SPACE_SETTINGS, space)
    label = clean_label(settings.required_label)
    if label not in (None, space.required_label) and not actor.is_admin and actor.label != label:
        # Staff without the new label would lose the space the moment they saved.
        raise ModerationError(
            f"You do not hold the label {label!r}, so requiring it would shut you out of the "
            "space. Ask a site admin to make this change."
        )
    old_rules = space.rules
    changed = _apply_settings(space, settings)
    if "rules" in changed and space.rules != old_rules:
        space.rules_version += 1
    if changed:
        record(
            actor, ActionKind.SETTINGS_CHANGED, space=space, detail="changed " + ", ".join(changed)
        )
    db.session.flush()
    return changed


# Join requests


ALREADY_DECIDED = "That request has already been decided."


def pending_request(space: Space, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.space_id != space.id:
        raise ModerationError("That request no longer exists: the person may have withdrawn it.")
    if membership.status != MembershipStatus.PENDING:
        raise ModerationError(ALREADY_DECIDED)
    return membership


def decide_request(
    actor: User, space: Space, membership_id: int, *, approve: bool, reason: str = ""
) -> Membership:
    """Approve or decline a request to join; the requester sees the outcome and reason."""
    _require(actor, Action.REVIEW_REQUESTS, space)
    membership = pending_request(space, membership_id)
    user = db.session.get(User, membership.user_id)
    if approve and not policy.holds_required_label(user, space):
        raise ModerationError("This person no longer holds the label the space requires.")
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
        raise ModerationError(ALREADY_DECIDED)
    membership.decision_reason = reason.strip()[:REASON_MAX_LENGTH] or None
    membership.decided_at = now
    if approve:
        admit(user, space)
        kind = ActionKind.REQUEST_APPROVED
    else:
        membership.status = MembershipStatus.DECLINED
        kind = ActionKind.REQUEST_DECLINED
    record(actor, kind, space=space, target_user=user, reason=reason)
    return membership


# Invitations


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str


def create_invitation(
    actor: User, space: Space, *, expires_in: timedelta, max_uses: int, note: str = ""
) -> NewInvitation:
    """Make an invitation link; the token is returned once and only its hash is kept."""
    _require(actor, Action.MANAGE_INVITATIONS, space)
    if not timedelta(hours=1) <= expires_in <= timedelta(days=90):
        raise ModerationError("An invitation lasts between one hour and 90 days.")
    if not 1 <= max_uses <= 1000:
        raise ModerationError("An invitation can be used between 1 and 1000 times.")
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        space_id=space.id,
        token_hash=hash_invitation_token(token),
        created_by_id=actor.id,
        note=note.strip()[:100],
        expires_at=utcnow() + expires_in,
        max_uses=max_uses,
    )
    db.session.add(invitation)
    db.session.flush()
    record(
        actor,
        ActionKind.INVITATION_CREATED,
        space=space,
        detail=(
            f"invitation #{invitation.id}: {max_uses} use(s), "
            f"until {invitation.expires_at:%Y-%m-%d %H:%M} UTC"
        ),
    )
    return NewInvitation(invitation, token)


def revoke_invitation(actor: User, space: Space, invitation_id: int) -> Invitation:
    """Withdraw an invitation link so nobody else can use it."""
    _require(actor, Action.MANAGE_INVITATIONS, space)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.space_id != space.id:
        raise ModerationError("That invitation does not exist.")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        record(
            actor, ActionKind.INVITATION_REVOKED, space=space, detail=f"invitation #{invitation.id}"
        )
    db.session.flush()
    return invitation


# Members


def member_of(space: Space, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.space_id != space.id:
        raise ModerationError("That person is not a member of this space.")
    membership.space = space
    return membership


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ModerationError("Please give a reason: the member is told it.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationError(f"Please keep the reason under {REASON_MAX_LENGTH} characters.")
    return reason


def _keep_an_owner(space: Space, membership: Membership) -> None:
    if membership.role == Role.OWNER and membership.is_active and count_owners(space) <= 1:
        raise ModerationError(
            "A space must keep at least one owner. Make another member an owner first."
        )


def remove_member(actor: User, space: Space, membership_id: int, reason: str) -> User:
    """Remove a member from the space; they may rejoin as the join policy allows."""
    membership = member_of(space, membership_id)
    _require(actor, Action.MODERATE_MEMBER, membership)
    reason = _require_reason(reason)
    if membership.status == MembershipStatus.BANNED:
        # Deleting the row would lift the ban without a trace.
        raise ModerationError("That member is banned. Lift the ban if they may come back.")
    if not membership.is_active:
        raise ModerationError("That person is not a member of this space.")
    _keep_an_owner(space, membership)
    user = db.session.get(User, membership.user_id)
    db.session.delete(membership)
    db.session.flush()
    policy.forget_memberships()
    recount_members(space)
    record(actor, ActionKind.MEMBER_REMOVED, space=space, target_user=user, reason=reason)
    return user


def ban_member(
    actor: User, space: Space, membership_id: int, reason: str, until: datetime | None = None
) -> Membership:
    """Ban a member from the space, for good or until a time; they cannot rejoin meanwhile."""
    membership = member_of(space, membership_id)
    _require(actor, Action.MODERATE_MEMBER, membership)
    reason = _require_reason(reason)
    if membership.status == MembershipStatus.BANNED:
        raise ModerationError("That member is already banned.")
    _keep_an_owner(space, membership)
    membership.status = MembershipStatus.BANNED
    membership.role = Role.MEMBER
    membership.banned_until = until
    membership.decision_reason = reason
    membership.decided_at = utcnow()
    db.session.flush()
    recount_members(space)
    user = db.session.get(User, membership.user_id)
    detail = f"until {until:%Y-%m-%d %H:%M} UTC" if until else "without end"
    record(
        actor, ActionKind.MEMBER_BANNED, space=space, target_user=user, detail=detail, reason=reason
    )
    return membership


def unban_member(actor: User, space: Space, membership_id: int, reason: str) -> Membership:
    """Lift a ban: the person becomes a member again."""
    membership = member_of(space, membership_id)
    _require(actor, Action.MODERATE_MEMBER, membership)
    reason = _require_reason(reason)
    if membership.status != MembershipStatus.BANNED:
        raise ModerationError("That member is not banned.")
    user = db.session.get(User, membership.user_id)
    membership.banned_until = None
    membership.decision_reason = reason
    membership.decided_at = utcnow()
    admit(user, space)
    record(actor, ActionKind.MEMBER_UNBANNED, space=space, target_user=user, reason=reason)
    return membership


def change_role(actor: User, space: Space, membership_id: int, role: Role) -> Membership:
    """Promote or demote a member; a space always keeps at least one owner."""
    membership = member_of(space, membership_id)
    _require(actor, Action.CHANGE_ROLE, membership)
    if not membership.is_active:
        raise ModerationError("Only active members can be given a role.")
    old_role = Role(membership.role)
    if old_role == role:
        return membership
    if old_role == Role.OWNER and count_owners(space) <= 1:
        raise ModerationError("A space must keep at least one owner.")
    membership.role = role
    db.session.flush()
    user = db.session.get(User, membership.user_id)
    record(
        actor, ActionKind.ROLE_CHANGED, space=space, target_user=user, detail=f"{old_role} → {role}"
    )
    return membership


# Threads


def set_thread_locked(actor: User, thread, locked: bool, reason: str = ""):
    """Lock a thread against new replies, or unlock it."""
    space = db.session.get(Space, thread.space_id)
    _require(actor, Action.LOCK_THREAD, thread)
    if thread.locked == locked:
        return thread
    thread.locked = locked
    record(
        actor,
        ActionKind.THREAD_LOCKED if locked else ActionKind.THREAD_UNLOCKED,
        space=space,
        detail=f"thread #{thread.id}",
        reason=reason,
    )
    return thread


def set_thread_pinned(actor: User, thread, pinned: bool):
    """Pin a thread to the top of its space's list, or unpin it."""
    space = db.session.get(Space, thread.space_id)
    _require(actor, Action.PIN_THREAD, thread)
    if thread.pinned == pinned:
        return thread
    thread.pinned = pinned
    record(
        actor,
        ActionKind.THREAD_PINNED if pinned else ActionKind.THREAD_UNPINNED,
        space=space,
        detail=f"thread #{thread.id}",
    )
    return thread
