"""Space: a place to talk, with its own rules, audience and identity settings."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.label import LABEL_MAX_LENGTH
from forum.models.types import UTCDateTime, utcnow

SLUG_MAX_LENGTH = 40
NAME_MAX_LENGTH = 80
DESCRIPTION_MAX_LENGTH = 500


def enum_column(enum: type[StrEnum], default: StrEnum | None, length: int = 20, **options):
    """A column holding a StrEnum's values as plain strings, checked by SQLAlchemy."""
    return mapped_column(
        Enum(
            enum,
            native_enum=False,
            length=length,
            values_callable=lambda members: [member.value for member in members],
            validate_strings=True,
        ),
        default=default,
        **options,
    )


class Visibility(StrEnum):
    PUBLIC = "public"  # anyone reads, signed in or not
    MEMBERS = "members"  # listed; threads readable by members only
    HIDDEN = "hidden"  # not listed; every URL of it is 404 to a non-member


class JoinPolicy(StrEnum):
    OPEN = "open"
    REQUEST = "request"
    INVITE = "invite"


class IdentityMode(StrEnum):
    NAMED = "named"
    CHOICE = "choice"
    PSEUDONYMOUS = "pseudonymous"


class Premoderation(StrEnum):
    OFF = "off"
    NEW_MEMBERS = "new_members"
    ALL = "all"


class Contributors(StrEnum):
    """Who may add resources to a space's library."""

    MEMBERS = "members"
    MODERATORS = "moderators"  # its moderators and owners only


class Space(db.Model):
    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX_LENGTH), default="")
    rules: Mapped[str] = mapped_column(Text, default="")  # Markdown
    rules_html: Mapped[str] = mapped_column(Text, default="")  # rendered by forum.markup on write
    # Bumped whenever the rules text changes; members accept the new version before posting.
    rules_version: Mapped[int] = mapped_column(Integer, default=1)
    visibility: Mapped[Visibility] = enum_column(Visibility, Visibility.PUBLIC)
    join_policy: Mapped[JoinPolicy] = enum_column(JoinPolicy, JoinPolicy.OPEN)
    # When set, only users holding this verified label may join, request or accept invitations.
    required_label: Mapped[str | None] = mapped_column(
        String(LABEL_MAX_LENGTH), ForeignKey("labels.name", onupdate="CASCADE")
    )
    identity_mode: Mapped[IdentityMode] = enum_column(IdentityMode, IdentityMode.CHOICE)
    premoderation: Mapped[Premoderation] = enum_column(Premoderation, Premoderation.OFF)
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0)
    flag_hide_threshold: Mapped[int] = mapped_column(Integer, default=3)
    # The server default fills the rows of spaces made before libraries existed.
    resource_contributors: Mapped[Contributors] = enum_column(
        Contributors, Contributors.MEMBERS, server_default=Contributors.MEMBERS.value
    )
    # The mod log names the moderator of each entry; otherwise it says "a moderator".
    shows_moderator_names: Mapped[bool] = mapped_column(Boolean, default=False)
    # Denormalised for the directory: active members, and the time of the latest post.
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the earliest of its scheduled changes takes effect; None when none is pending. Kept
    # on the row so that a page shows the announcement without a query when there is none.
    next_change_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_hidden(self) -> bool:
        return self.visibility == Visibility.HIDDEN

    def __repr__(self) -> str:
        return f"<Space {self.slug}>"
