"""QueueItem: one thing waiting for a moderator: a flagged or held post, or an appeal."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.persona import Persona
from forum.models.post import Post
from forum.models.space import Space, enum_column
from forum.models.types import UTCDateTime, utcnow


class QueueKind(StrEnum):
    FLAGGED = "flagged"  # reported by members or by a watched word
    HELD = "held"  # premoderation or a watched word: waiting to be published
    REVIEW = "review"  # a moderator acting on a post from the thread, with no item open
    APPEAL = "appeal"  # the author asks a different moderator to look again


class QueueStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class Decision(StrEnum):
    APPROVE = "approve"  # visible again, flags dismissed; a held post is published
    REMOVE = "remove"
    REMOVE_AND_MUTE = "remove_and_mute"
    BAN = "ban"  # the member behind the persona, from the space
    LOCK = "lock"  # the post's thread takes no more replies
    ESCALATE = "escalate"  # handed to the site admins: the item stays open
    UPHOLD = "uphold"  # an appeal refused: the decision stands
    OVERTURN = "overturn"  # an appeal granted: the post is restored, the sanction lifted


class QueueItem(db.Model):
    """An item of the moderation queue.

    `open_post_id` is the post's id while a flagged, held or review item about it is open, and
    NULL otherwise: its unique index is the rule "one open item per post", which holds when two
    reports arrive at once. Deciding is one conditional UPDATE (`status = 'open'`), so of two
    moderators submitting at the same instant exactly one decides and the other is told the
    item was already decided.
    """

    __tablename__ = "queue_items"
    __table_args__ = (Index("ix_queue_items_open", "status", "space_id", "hidden", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[QueueKind] = enum_column(QueueKind, QueueKind.FLAGGED)
    status: Mapped[QueueStatus] = enum_column(QueueStatus, QueueStatus.OPEN)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    open_post_id: Mapped[int | None] = mapped_column(unique=True)
    # The persona the item is about: the post's author, or the appellant.
    persona_id: Mapped[int | None] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    # Hidden by flags from enough distinct members: such items come first.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Handed to the site admins by a space moderator.
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[Decision | None] = enum_column(Decision, None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The log entry the decision wrote.
    decision_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("mod_actions.id", ondelete="SET NULL")
    )
    # An appeal: the decision appealed (one appeal per decision) and the author's message.
    appeal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("mod_actions.id", ondelete="CASCADE"), unique=True
    )
    appeal_message: Mapped[str | None] = mapped_column(Text)

    space: Mapped[Space] = relationship(lazy="raise")
    post: Mapped[Post | None] = relationship(lazy="raise")
    persona: Mapped[Persona | None] = relationship(lazy="raise")

    @property
    def is_open(self) -> bool:
        return self.status == QueueStatus.OPEN
