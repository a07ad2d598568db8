"""ModAction: the moderation log, one row for every use of moderator or admin power."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.membership import Membership
from forum.models.persona import Persona
from forum.models.post import Post, Thread
from forum.models.space import Space, enum_column
from forum.models.types import UTCDateTime, utcnow
from forum.models.user import User

REASON_MAX_LENGTH = 500


class ActionKind(StrEnum):
    LABEL_ADDED = "label_added"
    LABEL_RENAMED = "label_renamed"
    LABEL_GRANTED = "label_granted"
    LABEL_REVOKED = "label_revoked"
    SPACE_CREATED = "space_created"
    SETTINGS_CHANGED = "settings_changed"
    # A loosening announced, called off, and taking effect on its date.
    CHANGE_SCHEDULED = "change_scheduled"
    CHANGE_CANCELLED = "change_cancelled"
    CHANGE_APPLIED = "change_applied"
    REQUEST_APPROVED = "request_approved"
    REQUEST_DECLINED = "request_declined"
    INVITATION_CREATED = "invitation_created"
    INVITATION_REVOKED = "invitation_revoked"
    MEMBER_ADDED = "member_added"
    MEMBER_REMOVED = "member_removed"
    MEMBER_BANNED = "member_banned"
    MEMBER_UNBANNED = "member_unbanned"
    ROLE_CHANGED = "role_changed"
    THREAD_LOCKED = "thread_locked"
    THREAD_UNLOCKED = "thread_unlocked"
    THREAD_PINNED = "thread_pinned"
    THREAD_UNPINNED = "thread_unpinned"
    # The queue: what happened to a post and to the member behind its persona.
    POST_HIDDEN = "post_hidden"  # by flags from enough members, until a moderator decides
    POST_HELD = "post_held"  # by premoderation or a watched word
    POST_APPROVED = "post_approved"
    POST_REMOVED = "post_removed"
    POST_REMOVED_AND_MUTED = "post_removed_and_muted"
    PERSONA_BANNED = "persona_banned"
    ITEM_ESCALATED = "item_escalated"
    APPEAL_UPHELD = "appeal_upheld"  # the decision stands
    APPEAL_GRANTED = "appeal_granted"  # the decision is undone
    WATCHED_WORD_ADDED = "watched_word_added"
    WATCHED_WORD_REMOVED = "watched_word_removed"
    # The break-glass reveal: asked, approved or refused, and the account shown to the asker.
    REVEAL_REQUESTED = "reveal_requested"
    REVEAL_APPROVED = "reveal_approved"
    REVEAL_REFUSED = "reveal_refused"
    # The hub: an event cancelled by its organisers, the operator's texts on /about and /privacy.
    EVENT_CANCELLED = "event_cancelled"
    SITE_TEXT_CHANGED = "site_text_changed"


class ModAction(db.Model):
    """Who did what, to which target, and why.

    The target sits in a column of its own kind: a persona (how a member appears in the space:
    entries about a pseudonymous member point here, never at the account), a post, a thread, a
    membership (the roster's rows, which staff know by username) or an account (site-wide acts
    such as a verified label). What changed is structured data in `changes`, never prose that a
    page would have to parse back.
    """

    __tablename__ = "mod_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for site-wide actions such as granting a verified label.
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[ActionKind] = enum_column(ActionKind, ActionKind.SETTINGS_CHANGED, length=40)
    target_persona_id: Mapped[int | None] = mapped_column(
        ForeignKey("personas.id", ondelete="SET NULL")
    )
    target_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    target_thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="SET NULL")
    )
    target_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    target_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL")
    )
    # What changed, e.g. {"label": "Police officer"} or {"from": "moderator", "to": "owner"}.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    public_reason: Mapped[str] = mapped_column(String(REASON_MAX_LENGTH), default="")
    private_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    space: Mapped[Space | None] = relationship(lazy="raise")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise")
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id], lazy="raise")
    target_persona: Mapped[Persona | None] = relationship(lazy="raise")
    target_post: Mapped[Post | None] = relationship(lazy="raise")
    target_thread: Mapped[Thread | None] = relationship(lazy="raise")
    target_membership: Mapped[Membership | None] = relationship(lazy="raise")
