"""The use case of deleting an account, and what must be settled before it may go."""

import secrets

from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash

from forum import policy
from forum.accounts.rules import AccountError
from forum.accounts.services import hash_password
from forum.accounts.sessions import end_sessions_of
from forum.events.registrations import withdraw_all
from forum.extensions import db
from forum.models import (
    Invitation,
    MailMode,
    Membership,
    MembershipStatus,
    Notification,
    NotificationPreference,
    Persona,
    PersonaKind,
    Role,
    Space,
    ThreadRead,
    ThreadWatch,
    User,
)
from forum.models.types import utcnow
from forum.spaces.membership import count_owners, recount_members
from forum.threads.deletion import erase_posts_of


def spaces_needing_an_owner(user: User) -> list[Space]:
    """The spaces of which the user is the last active owner: each must get another first."""
    owned = db.session.scalars(
        select(Space)
        .join(Membership, Membership.space_id == Space.id)
        .where(
            Membership.user_id == user.id,
            Membership.role == Role.OWNER,
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(Space.name)
    ).all()
    return [space for space in owned if count_owners(space) <= 1]


def is_last_admin(user: User) -> bool:
    if not user.is_admin:
        return False
    others = select(func.count()).where(User.is_admin.is_(True), User.id != user.id)
    return db.session.scalar(others) == 0


def delete_account(user: User, password: str) -> None:
    """Erase the account: every post under any of its personas (as the author's delete would,
    placeholders keeping replies in place, resources' files deleted), its event registrations
    (their places freed), its memberships, notifications, read positions,
    watches, preferences, invitations and sessions. The row stays, scrubbed, so that the
    placeholders and the mod log keep their place: its username is freed, named personas lose
    it too, and nobody can sign in to it again."""
    if not check_password_hash(user.password_hash, password):
        raise AccountError("That is not your password. Nothing was deleted.")
    if is_last_admin(user):
        raise AccountError("You are the site's only admin: make another account an admin first.")
    if blocking := spaces_needing_an_owner(user):
        names = ", ".join(space.name for space in blocking)
        raise AccountError(
            f"You are the last owner of {names}: make another member an owner first."
        )
    personas = select(Persona.id).where(Persona.user_id == user.id)
    erase_posts_of(personas)
    withdraw_all(user)
    spaces = db.session.scalars(
        select(Space).join(Membership).where(Membership.user_id == user.id)
    ).all()
    for owned_by_user in (
        Membership,
        Notification,
        NotificationPreference,
        ThreadRead,
        ThreadWatch,
    ):
        db.session.execute(delete(owned_by_user).where(owned_by_user.user_id == user.id))
    db.session.execute(delete(Invitation).where(Invitation.invitee_id == user.id))
    placeholder = f"deleted-{secrets.token_hex(6)}"
    db.session.execute(
        update(Persona)
        .where(Persona.user_id == user.id, Persona.kind == PersonaKind.NAMED)
        .values(handle=placeholder)
    )
    end_sessions_of(user)
    _scrub(user, placeholder)
    db.session.flush()
    policy.forget()
    for space in spaces:
        recount_members(space)


def _scrub(user: User, placeholder: str) -> None:
    user.username = user.username_key = placeholder
    # A hash of a password nobody knows: no sign-in, no recovery.
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.recovery_code_hash = None
    user.email = None
    user.mail_mode = MailMode.OFF
    user.label = None
    user.is_admin = False
    user.time_zone = None
    user.suspended_until = None
    user.deleted_at = utcnow()
