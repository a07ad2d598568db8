"""Flag: a member's report of a post, with a reason; one per member and post."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow

FLAG_NOTE_MAX_LENGTH = 500


class FlagReason(StrEnum):
    SPAM = "spam"
    HARASSMENT = "harassment"  # harassment or hate
    THREAT = "threat"  # threat or incitement to violence
    PERSONAL_INFORMATION = "personal_information"
    OFF_TOPIC = "off_topic"
    OTHER = "other"  # with a note
    WATCHED_WORD = "watched_word"  # raised by a watched word, not by a member


FLAG_REASON_WORDS = {
    FlagReason.SPAM: "Spam",
    FlagReason.HARASSMENT: "Harassment or hate",
    FlagReason.THREAT: "Threat or incitement to violence",
    FlagReason.PERSONAL_INFORMATION: "Personal information",
    FlagReason.OFF_TOPIC: "Off-topic",
    FlagReason.OTHER: "Other",
    FlagReason.WATCHED_WORD: "A watched word",
}


class Flag(db.Model):
    """Who reported is kept only to hold one flag per member and post and to count distinct
    reporters: no page shows it, to moderators or to the author.

    A flag raised by a watched word has no reporter. Approving the post dismisses its flags
    (dismissed_at): they stop counting towards the threshold, and their reporters may not flag
    the same post again.
    """

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[FlagReason] = enum_column(FlagReason, FlagReason.OTHER, length=30)
    note: Mapped[str] = mapped_column(String(FLAG_NOTE_MAX_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
