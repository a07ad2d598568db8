"""Resource: a report, toolkit, guidance or link shared in a space's library."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.post import Thread, public_id_column
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow

ORGANISATION_MAX_LENGTH = 200
LICENCE_MAX_LENGTH = 100
VERSION_MAX_LENGTH = 40
LINK_MAX_LENGTH = 2000
FILE_NAME_MAX_LENGTH = 200


class ResourceKind(StrEnum):
    REPORT = "report"
    TOOLKIT = "toolkit"
    GUIDANCE = "guidance"
    LINK = "link"


class Resource(db.Model):
    """A library entry, discussed and moderated through its thread.

    The thread's title is the resource's title, its first post the summary, and its status the
    resource's: a flag, a hold, a removal or an author's delete acts on the resource exactly as
    on a post, with the same queue, log and appeal. A resource holds a stored file (its key in
    the storage backend, a random name) or a link, never both.
    """

    __tablename__ = "resources"
    __table_args__ = (Index("ix_resources_library", "space_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[ResourceKind] = enum_column(ResourceKind, ResourceKind.REPORT)
    organisation: Mapped[str | None] = mapped_column(String(ORGANISATION_MAX_LENGTH))
    licence: Mapped[str | None] = mapped_column(String(LICENCE_MAX_LENGTH))
    version: Mapped[str | None] = mapped_column(String(VERSION_MAX_LENGTH))
    # When the contributor means to review it; the library shows it, and when it has passed.
    review_on: Mapped[date | None] = mapped_column(Date)
    link_url: Mapped[str | None] = mapped_column(String(LINK_MAX_LENGTH))
    # The stored file: a random key (never the uploaded name), the name a download offers,
    # the type found from the content, and the size after metadata was stripped.
    file_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(FILE_NAME_MAX_LENGTH))
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship(lazy="raise")

    @property
    def has_file(self) -> bool:
        return self.file_key is not None

    def drop_file(self) -> str | None:
        """Forget the stored file; return its key, for the caller to delete from storage."""
        key = self.file_key
        self.file_key = self.file_name = self.file_type = self.file_size = None
        return key
