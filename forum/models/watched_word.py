"""WatchedWord: a word or phrase that blocks, holds or flags a post, site-wide or in one space."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow

PHRASE_MAX_LENGTH = 100


class WatchAction(StrEnum):
    BLOCK = "block"  # the post is refused, its text kept on the form
    HOLD = "hold"  # the post waits for a moderator's approval
    FLAG = "flag"  # the post is published and put in the queue


class WatchedWord(db.Model):
    __tablename__ = "watched_words"
    __table_args__ = (UniqueConstraint("space_id", "folded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: site-wide, kept by the site admins.
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    phrase: Mapped[str] = mapped_column(String(PHRASE_MAX_LENGTH))  # as it was typed
    # The phrase after the same folding as the text it is matched against.
    folded: Mapped[str] = mapped_column(String(PHRASE_MAX_LENGTH))
    action: Mapped[WatchAction] = enum_column(WatchAction, WatchAction.HOLD)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
