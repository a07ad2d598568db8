"""RevealRequest: a site admin's written request to see the account behind one pseudonym."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow

REVEAL_REASON_MAX_LENGTH = 1000


class RevealStatus(StrEnum):
    PENDING = "pending"  # waiting for a second, different admin
    APPROVED = "approved"  # the asker may see that one account
    REFUSED = "refused"


class RevealRequest(db.Model):
    __tablename__ = "reveal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[RevealStatus] = enum_column(RevealStatus, RevealStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(REVEAL_REASON_MAX_LENGTH), default="")
