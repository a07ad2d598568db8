"""Event and Registration: a space's meetings, online or in person, and who comes."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.persona import Persona
from forum.models.post import TITLE_MAX_LENGTH, public_id_column
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow

VENUE_MAX_LENGTH = 500
MEETING_URL_MAX_LENGTH = 2000
TIME_ZONE_MAX_LENGTH = 64
NOTE_MAX_LENGTH = 500


class EventFormat(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"


class RegistrationMode(StrEnum):
    OPEN = "open"  # accepted at once while there are places
    APPROVAL = "approval"  # an organiser accepts or declines each registration
    CLOSED = "closed"


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Event(db.Model):
    """Times are stored in UTC with the organiser's IANA zone, and shown in the viewer's.

    The venue and the meeting link are told only to registrants an organiser (or open
    registration) accepted. The organisers are the persona that made it and the space's staff.
    """

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_space_start", "space_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    # The organiser as the space shows them: a named persona or a pseudonym.
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    description_source: Mapped[str] = mapped_column(Text, default="")  # Markdown
    description_html: Mapped[str] = mapped_column(Text, default="")  # rendered on write
    render_version: Mapped[int] = mapped_column(Integer, default=1)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(String(TIME_ZONE_MAX_LENGTH), default="UTC")
    format: Mapped[EventFormat] = enum_column(EventFormat, EventFormat.IN_PERSON)
    venue: Mapped[str | None] = mapped_column(String(VENUE_MAX_LENGTH))
    meeting_url: Mapped[str | None] = mapped_column(String(MEETING_URL_MAX_LENGTH))
    registration: Mapped[RegistrationMode] = enum_column(RegistrationMode, RegistrationMode.OPEN)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    # Denormalised: accepted registrations, checked against capacity in the same UPDATE.
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[EventStatus] = enum_column(EventStatus, EventStatus.SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(String(NOTE_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when registrants were reminded (a day before), so that each is reminded once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    persona: Mapped[Persona] = relationship(lazy="raise")


class RegistrationStatus(StrEnum):
    PENDING = "pending"  # waiting for an organiser
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Registration(db.Model):
    """One person's registration, shown to organisers under the persona they chose.

    `user_id` makes one registration per person, whichever persona, and lets the event tell
    them of changes; like a persona's, it is read only by the policy and the notifying services.
    """

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_event_registrations_event_id_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    status: Mapped[RegistrationStatus] = enum_column(RegistrationStatus, RegistrationStatus.PENDING)
    # What the registrant tells the organisers (access needs, say); organisers only.
    note: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    persona: Mapped[Persona] = relationship(lazy="raise")
