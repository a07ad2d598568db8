"""Reports of posts: a member's flag, a watched word's flag, and hiding a post at the threshold.

Who reported is kept only to hold one flag per member and post and to count distinct
reporters; nothing here hands it to a page, a log entry or a notification.
"""

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from forum import audit, limits, policy
from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    ActionKind,
    Flag,
    FlagReason,
    Persona,
    Post,
    PostStatus,
    QueueKind,
    Space,
    Thread,
    User,
)
from forum.models.flag import FLAG_NOTE_MAX_LENGTH
from forum.policy import Action
from moderation.items import open_item_for

ALREADY_REPORTED = "You have already reported this post."
# The reasons a member may give (a watched word's flag is the system's own).
MEMBER_REASONS = tuple(reason for reason in FlagReason if reason != FlagReason.WATCHED_WORD)


class FlagError(DomainError):
    """A report refused; the message says why, and the form keeps the note."""


def _checked_report(reason: str, note: str) -> tuple[FlagReason, str]:
    try:
        reason = FlagReason(reason)
    except ValueError:
        reason = None
    if reason not in MEMBER_REASONS:
        raise FlagError("Please choose why you are reporting this post.")
    note = (note or "").strip()
    if reason == FlagReason.OTHER and not note:
        raise FlagError("Please say in the note what is wrong with the post.")
    if len(note) > FLAG_NOTE_MAX_LENGTH:
        raise FlagError(f"Please keep the note under {FLAG_NOTE_MAX_LENGTH} characters.")
    return reason, note


def flag_post(user: User, post: Post, reason: str, note: str = "") -> Flag:
    """Report a post to the space's moderators; enough reports hide it until one decides."""
    policy.require(user, Action.FLAG_POST, post)
    reason, note = _checked_report(reason, note)
    # Reports of one post take turns (PostgreSQL; SQLite writes one at a time anyway), so the
    # count of reporters that decides hiding is exact, and a double click finds the first flag.
    db.session.execute(select(Post.id).where(Post.id == post.id).with_for_update())
    if _has_reported(user, post):
        raise FlagError(ALREADY_REPORTED)
    limits.FLAG.spend(f"user:{user.id}")
    flag = Flag(post_id=post.id, reporter_id=user.id, reason=reason, note=note)
    try:
        with db.session.begin_nested():
            db.session.add(flag)
    except IntegrityError:
        raise FlagError(ALREADY_REPORTED) from None
    item = open_item_for(post, QueueKind.FLAGGED)
    _hide_at_threshold(post, item)
    return flag


def _has_reported(user: User, post: Post) -> bool:
    return (
        db.session.scalar(
            select(Flag.id).where(Flag.post_id == post.id, Flag.reporter_id == user.id)
        )
        is not None
    )


def _hide_at_threshold(post: Post, item) -> None:
    """Hide a visible post once enough different members have reported it (flags a moderator
    dismissed, and a watched word's, do not count), logging it once."""
    reporters = db.session.scalar(
        select(func.count(Flag.id)).where(
            Flag.post_id == post.id, Flag.reporter_id.is_not(None), Flag.dismissed_at.is_(None)
        )
    )
    space = db.session.get(Space, post.space_id)
    if reporters < space.flag_hide_threshold:
        return
    hidden = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.status == PostStatus.VISIBLE)
        .values(status=PostStatus.HIDDEN)
        .execution_options(synchronize_session=False)
    )
    if hidden.rowcount != 1:
        return  # hidden already, or not published
    db.session.refresh(post)
    if post.is_first:
        thread = db.session.get(Thread, post.thread_id)
        thread.status = PostStatus.HIDDEN
    item.hidden = True
    audit.record(
        None,
        ActionKind.POST_HIDDEN,
        space=space,
        persona=db.session.get(Persona, post.persona_id),
        post=post,
        changes={"flags": reporters},
    )


def flag_for_watched_words(post: Post, phrases: list[str]) -> None:
    """Put a published post in the queue for the watched phrases it contains, one flag each
    (no reporter: such flags never count towards hiding it)."""
    if not phrases:
        return
    flagged = set(
        db.session.scalars(
            select(Flag.note).where(
                Flag.post_id == post.id,
                Flag.reason == FlagReason.WATCHED_WORD,
                Flag.dismissed_at.is_(None),
            )
        )
    )
    for phrase in phrases:
        if phrase not in flagged:
            db.session.add(Flag(post_id=post.id, reason=FlagReason.WATCHED_WORD, note=phrase))
    db.session.flush()
    open_item_for(post, QueueKind.FLAGGED)
