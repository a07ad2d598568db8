"""Label: a verified practitioner label ("Police officer") from the list that site admins keep."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.types import UTCDateTime, utcnow

LABEL_MIN_LENGTH = 2
LABEL_MAX_LENGTH = 60


def label_key(name: str) -> str:
    """The key under which a label is unique: spacing and case never make two labels."""
    return " ".join(name.split()).casefold()


class Label(db.Model):
    """Accounts hold, and spaces require, a label by its name (a foreign key with ON UPDATE
    CASCADE, so renaming a label renames it everywhere); a free-text label cannot exist."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LABEL_MAX_LENGTH), unique=True)
    name_key: Mapped[str] = mapped_column(String(LABEL_MAX_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Label {self.name!r}>"
