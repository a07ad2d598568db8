"""Thread and Post: a conversation in a space, its posts nested by a materialised path."""

import base64
import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.persona import Persona
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow

# A post's path is its ancestors' ids and its own, each in base 36 padded to this width, so
# ordering by path reads a thread's whole tree, depth first, in one query.
PATH_SEGMENT_WIDTH = 7
# Sorts after every path character, so [path, path + SUBTREE_END) is the post and its subtree.
# PostgreSQL compares paths with the "C" collation, so this holds whatever the server's locale.
SUBTREE_END = "~"
TITLE_MIN_LENGTH = 3
TITLE_MAX_LENGTH = 200
CONTENT_WARNING_MAX_LENGTH = 200


# Threads and posts are addressed in URLs by a random public id, never by their row id: the gap
# between two row ids counts what was written meanwhile, in closed spaces too. 12 characters of
# lowercase base32 carry 60 random bits, so ids neither count nor collide in practice.
PUBLIC_ID_LENGTH = 12
PUBLIC_ID_PATTERN = f"[a-z2-7]{{{PUBLIC_ID_LENGTH}}}"


def new_public_id() -> str:
    """A fresh random public id: short, URL-safe, and unrelated to any other."""
    return base64.b32encode(secrets.token_bytes(8)).decode().lower()[:PUBLIC_ID_LENGTH]


def public_id_column() -> Mapped[str]:
    return mapped_column(String(PUBLIC_ID_LENGTH), unique=True, index=True, default=new_public_id)


def path_segment(post_id: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while post_id:
        post_id, remainder = divmod(post_id, 36)
        text = digits[remainder] + text
    return text.rjust(PATH_SEGMENT_WIDTH, "0")


class PostStatus(StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"  # waiting for a moderator's approval
    HIDDEN = "hidden"  # hidden by flags until reviewed
    REMOVED = "removed"  # removed by a moderator
    DECLINED = "declined"  # a held post a moderator did not publish: never seen by others
    DELETED = "deleted"  # deleted by its author: a placeholder keeps the replies in place


# The statuses of a post that is no longer there for anyone: it takes no replies and no edits.
GONE_STATUSES = frozenset({PostStatus.DELETED, PostStatus.REMOVED, PostStatus.DECLINED})
# The statuses of a post that was never published: nobody but its author and staff knows of it.
UNPUBLISHED_STATUSES = frozenset({PostStatus.PENDING, PostStatus.DECLINED})


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (
        Index("ix_threads_listing", "space_id", "pinned", "last_activity_at"),
        # The front page's latest threads across spaces: read newest first, none sorted.
        Index("ix_threads_activity", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    # Denormalised: the first post's content warning, for the badge in thread lists.
    content_warning: Mapped[str | None] = mapped_column(String(CONTENT_WARNING_MAX_LENGTH))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # The first post's status, kept with the thread so lists filter without reading posts.
    status: Mapped[PostStatus] = enum_column(PostStatus, PostStatus.VISIBLE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Denormalised: the number of replies (every post but the first).
    reply_count: Mapped[int] = mapped_column(Integer, default=0)

    persona: Mapped[Persona] = relationship(lazy="raise")


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_thread_path", "thread_id", "path"),
        # What is new to a member: a thread's posts after a moment, counted from the index alone.
        Index("ix_posts_thread_news", "thread_id", "created_at", "status", "persona_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    # Copied from the thread so that lists across threads (profiles) filter without a join.
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    # Indexed for the cascade: deleting a post finds its replies by it.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id"), index=True)
    path: Mapped[str] = mapped_column(  # room for ~280 levels
        String(2000).with_variant(String(2000, collation="C"), "postgresql"), default=""
    )
    depth: Mapped[int] = mapped_column(Integer, default=0)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # Optional: the body is folded behind it, so a reader chooses whether to read on.
    content_warning: Mapped[str | None] = mapped_column(String(CONTENT_WARNING_MAX_LENGTH))
    render_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[PostStatus] = enum_column(PostStatus, PostStatus.VISIBLE)
    # The public reason of a moderator's latest decision on the post (a removal, a declined
    # held post), shown to its author with the post.
    decision_reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    persona: Mapped[Persona] = relationship(lazy="raise")
    thread: Mapped[Thread] = relationship(lazy="raise")

    @property
    def is_first(self) -> bool:
        return self.parent_id is None

    @property
    def is_gone(self) -> bool:
        return self.status in GONE_STATUSES


class PostRevision(db.Model):
    """The text of a post as it was before an edit."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    # The title (of a first post) and the content warning as they were, when the edit changed them.
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX_LENGTH))
    content_warning: Mapped[str | None] = mapped_column(String(CONTENT_WARNING_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
