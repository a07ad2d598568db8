"""Membership: a user's place in a space (role and status), and invitations into a space."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.space import Space, enum_column
from forum.models.types import UTCDateTime, utcnow
from forum.models.user import User


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return ROLE_RANKS[self]


ROLE_RANKS = {Role.MEMBER: 0, Role.MODERATOR: 1, Role.OWNER: 2}


class MembershipStatus(StrEnum):
    PENDING = "pending"  # a written request waiting for a moderator
    ACTIVE = "active"
    BANNED = "banned"
    DECLINED = "declined"  # a request a moderator turned down; the person may ask again


class PersonaSanction(StrEnum):
    """A sanction decided on a persona's posts, carried by the membership behind it."""

    MUTED = "muted"  # reads the space, may not post
    BANNED = "banned"  # out of the space


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "space_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (user_id, space_id) constraint doubles as the index for a user's memberships.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = enum_column(Role, Role.MEMBER)
    status: Mapped[MembershipStatus] = enum_column(MembershipStatus, MembershipStatus.ACTIVE)
    rules_version_accepted: Mapped[int | None] = mapped_column(Integer)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    request_note: Mapped[str | None] = mapped_column(Text)
    # The last moderator decision on this membership (a request, a ban), shown to the person.
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    banned_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A mute or ban decided from a persona's posts. The roster (which staff read by username)
    # never shows it, so nobody can pair the pseudonym in the mod log with a name on the roster.
    # None until: a ban for good. A time in the past: lapsed.
    persona_sanction: Mapped[PersonaSanction | None] = enum_column(PersonaSanction, None)
    persona_sanction_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    persona_sanction_reason: Mapped[str | None] = mapped_column(String(500))
    # "Mark all read": threads with nothing newer than this are not new to the member, whatever
    # their read positions. None: since joining.
    marked_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="raise")
    space: Mapped[Space] = relationship(lazy="raise")

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_staff(self) -> bool:
        """Moderators and owners: the people who run the space."""
        return self.is_active and self.role in (Role.MODERATOR, Role.OWNER)

    @property
    def may_apply_again(self) -> bool:
        """A declined request, or a ban whose time is up: the person may ask or join anew."""
        if self.status == MembershipStatus.DECLINED:
            return True
        return (
            self.status == MembershipStatus.BANNED
            and self.banned_until is not None
            and self.banned_until <= utcnow()
        )

    def sanction_now(self, now: datetime | None = None) -> PersonaSanction | None:
        """The persona sanction in force, or None when there is none or it has lapsed."""
        if self.persona_sanction is None:
            return None
        until = self.persona_sanction_until
        if until is not None and until <= (now or utcnow()):
            return None
        return self.persona_sanction

    def has_accepted_current_rules(self, space: Space) -> bool:
        return (self.rules_version_accepted or 0) >= space.rules_version


INVITATION_PROBLEMS = {
    "withdrawn": "This invitation was withdrawn by the space's moderators.",
    "expired": "This invitation has expired.",
    "used up": "This invitation has been used as many times as it allows.",
}


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    # Only a hash of the link's token is kept: a database leak hands out no invitations.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # An invitation by name: only this account may use it, and it is told in the app.
    invitee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    space: Mapped[Space] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[created_by_id])

    def state(self, now: datetime | None = None) -> str:
        """Where the invitation stands: live, withdrawn, expired or used up."""
        if self.revoked_at is not None:
            return "withdrawn"
        if self.expires_at <= (now or utcnow()):
            return "expired"
        if self.use_count >= self.max_uses:
            return "used up"
        return "live"

    def problem(self, now: datetime | None = None) -> str | None:
        """Say why this invitation can no longer be used, or None when it can."""
        return INVITATION_PROBLEMS.get(self.state(now))
