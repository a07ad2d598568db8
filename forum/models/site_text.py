"""SiteText: the operator's own words on the about and privacy pages, and their contact."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow


class SiteTextName(StrEnum):
    ABOUT = "about"  # added to /about
    PRIVACY = "privacy"  # added to /privacy
    CONTACT = "contact"  # who runs the site and how to reach them, on both pages


class SiteText(db.Model):
    """One text an admin wrote; every change is in the mod log, and the page shows its date."""

    __tablename__ = "site_texts"

    name: Mapped[SiteTextName] = enum_column(SiteTextName, None, primary_key=True)
    source: Mapped[str] = mapped_column(Text, default="")  # Markdown
    html: Mapped[str] = mapped_column(Text, default="")  # rendered by forum.markup on write
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
