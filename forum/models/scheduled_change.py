"""ScheduledChange: a loosening of a space's settings, announced and waiting for its date."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.label import LABEL_MAX_LENGTH
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow


class ScheduledSetting(StrEnum):
    """The settings whose loosening is announced before it takes effect."""

    VISIBILITY = "visibility"
    IDENTITY_MODE = "identity_mode"
    REQUIRED_LABEL = "required_label"


class ScheduledChange(db.Model):
    """One pending change of one setting of a space.

    A row lives only while the change is pending: applying or cancelling it deletes the row, and
    the moderation log keeps the history (scheduled, cancelled, applied). So the unique
    constraint is the rule "one pending change per setting", and a conditional DELETE decides
    which of two appliers (the cron job, a web worker) or a cancel and an applier wins.
    """

    __tablename__ = "scheduled_changes"
    __table_args__ = (UniqueConstraint("space_id", "setting"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    setting: Mapped[ScheduledSetting] = enum_column(ScheduledSetting, ScheduledSetting.VISIBILITY)
    # The new visibility or identity mode; None for the required label, which is in `label`.
    value: Mapped[str | None] = mapped_column(String(20))
    # The new required label (None: no label), renamed with the list like every label.
    label: Mapped[str | None] = mapped_column(
        String(LABEL_MAX_LENGTH), ForeignKey("labels.name", onupdate="CASCADE")
    )
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    takes_effect_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    @property
    def new_value(self) -> str | None:
        """The value the setting takes, whichever column holds it."""
        return self.label if self.setting == ScheduledSetting.REQUIRED_LABEL else self.value
