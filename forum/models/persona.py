"""Persona: how a user appears in one space, under their username or a pseudonym."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow

HANDLE_MAX_LENGTH = 60


class PersonaKind(StrEnum):
    NAMED = "named"
    PSEUDONYM = "pseudonym"


class Persona(db.Model):
    """Posts point here, never to a user; only the policy and sanctions follow user_id."""

    __tablename__ = "personas"
    __table_args__ = (
        # Named here: the convention's "uq_personas_space_id" would name both, which PostgreSQL
        # refuses (a constraint's index is a relation, and its name must be unique).
        UniqueConstraint("space_id", "user_id", "kind", name="uq_personas_space_id_user_id_kind"),
        UniqueConstraint("space_id", "handle", name="uq_personas_space_id_handle"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PersonaKind] = enum_column(PersonaKind, PersonaKind.NAMED)
    # The username for a named persona; random words ("Patient Heron 17") for a pseudonym.
    handle: Mapped[str] = mapped_column(String(HANDLE_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_pseudonym(self) -> bool:
        return self.kind == PersonaKind.PSEUDONYM
