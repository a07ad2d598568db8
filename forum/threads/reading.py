"""Read positions: what is new to a member in a thread, and recording how far they have read.

A member's position in a thread (`ThreadRead.read_at`) is a post time: posts written after it are
new to them. A thread they never opened is new when it was started after they joined the space
(one started before, never opened, is not); "mark all read" (`Membership.marked_read_at`) moves
every position in the space up to its time, opened threads or not: what comes after is new.
Only an active member has positions (visitors and people outside the space have none, so their
page views write nothing), and only posts every reader of the space reads (published, visible
ones) written by someone else count as new: a held, hidden or removed post, or one's own, never
does. A held post counts from when it was written, not from when it was published.

A page moves the position to the newest post it showed, but never past a post it did not show
that was new (on another page of the thread, or below a branch's depth cap): so a later page or
a branch marks read only what it showed. That is one upsert, run after the page is rendered and
only when the position moves; with it, the notifications of the replies and mentions the page
showed are marked read. Whether anything would change is read first: most views change nothing.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, case, exists, false, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from forum import header_counts, policy
from forum.extensions import db
from forum.models import Membership, Persona, Post, PostStatus, Space, Thread, ThreadRead, User
from forum.models.types import UTCDateTime, utcnow
from forum.notifications.posts import read_with_posts, unread_of_posts_clause
from forum.policy import Action
from forum.policy import posts as post_rule

log = logging.getLogger(__name__)

# Aliases of their own, so that statements which already select these tables (a thread list
# joins its starter's persona) do not correlate them away.
_read = aliased(ThreadRead, name="viewer_read")
_member = aliased(Membership, name="viewer_membership")
_news = aliased(Post, name="new_post")
_own = aliased(Persona, name="own_persona")


def _later(first, second):
    """SQL: the later of two times, neither NULL."""
    return case((first > second, first), else_=second)


def _since():
    """SQL: the time after which the thread's posts are new to the viewer; NULL when none is.
    For a statement joined with join_positions()."""
    marked, joined = _member.marked_read_at, _member.joined_at
    return case(
        (
            and_(_member.id.is_not(None), _read.read_at.is_not(None)),
            _later(_read.read_at, func.coalesce(marked, _read.read_at)),
        ),
        (marked.is_not(None), marked),
        (Thread.created_at > joined, joined),
        else_=None,
    )


def _counts_as_new(post, since):
    """SQL: the post is new to the viewer: published, someone else's, and written after `since`."""
    own_personas = select(_own.id).where(_own.user_id == bindparam("viewer_id"))
    return and_(
        post.created_at > since,
        # What every reader of the space reads: the read rule with neither authorship nor staff.
        post_rule.body_shown_clause(post.status, false(), false()),
        post.persona_id.not_in(own_personas),
    )


def join_positions(statement):
    """Outer-join, to a statement over threads, the viewer's read position in each thread and
    their membership of its space where that membership grants access now."""
    return join_membership(join_position(statement), Thread.space_id)


def join_position(statement):
    """Outer-join, to a statement over threads, the viewer's read position in each thread; for
    one of a space's threads whose statement joins the membership already (join_membership())."""
    return statement.outerjoin(
        _read, and_(_read.user_id == bindparam("viewer_id"), _read.thread_id == Thread.id)
    )


def join_membership(statement, space_id_column):
    """Outer-join the viewer's membership of the space in `space_id_column` where it grants
    access now: once per space, not per thread, on a statement over spaces."""
    return statement.outerjoin(
        _member,
        and_(
            _member.user_id == bindparam("viewer_id"),
            _member.space_id == space_id_column,
            policy.member_spaces_condition(_member.space_id),
        ),
    )


def correlate_membership(statement):
    """A subquery over threads, correlated to the membership its enclosing statement joins."""
    return statement.correlate(_member)


def is_member():
    """SQL truth: the joined membership grants access now (join_membership())."""
    return _member.id.is_not(None)


def _may_have_news(since):
    # The thread's last activity is on its row: threads with nothing since read no posts.
    return and_(since.is_not(None), Thread.last_activity_at > since)


def unread_columns() -> tuple:
    """Columns `new_posts` (how many) and `first_unread` (the oldest one's public id) of each
    thread, for a statement joined with join_positions()."""
    since = _since()
    news = and_(_news.thread_id == Thread.id, _counts_as_new(_news, since))
    count = select(func.count()).select_from(_news).where(news).scalar_subquery()
    first = (
        select(_news.public_id)
        .where(news)
        .order_by(_news.created_at, _news.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        case((_may_have_news(since), count), else_=0).label("new_posts"),
        case((_may_have_news(since), first), else_=None).label("first_unread"),
    )


def has_news():
    """SQL truth: the thread has a post new to the viewer (joined with join_positions(), or
    with join_position() inside a statement joined with join_membership())."""
    since = _since()
    news = select(_news.id).where(_news.thread_id == Thread.id, _counts_as_new(_news, since))
    # Correlated explicitly: the membership may be joined two levels out (join_membership()).
    return and_(_may_have_news(since), exists(news.correlate_except(_news)))


def position_column():
    """The viewer's read position in the thread bound as `thread_id`, as a scalar subquery."""
    return (
        select(ThreadRead.read_at)
        .where(
            ThreadRead.user_id == bindparam("viewer_id"),
            ThreadRead.thread_id == bindparam("thread_id"),
        )
        .scalar_subquery()
        .label("read_at")
    )


# A thread's page


@dataclass
class ReadState:
    """What is new to the viewer on one page of a thread, and what the page showed."""

    read_at: datetime | None  # the position before this view
    since: datetime | None  # posts written after it are new; None: nothing is
    new_posts: list[str] = field(default_factory=list)  # public ids, in reading order
    shown: list[int] = field(default_factory=list)  # ids of the posts shown
    shown_times: list[datetime] = field(default_factory=list)  # when each was written
    newest: datetime | None = None  # the newest of them

    @property
    def first_new(self) -> str | None:
        return self.new_posts[0] if self.new_posts else None


def _since_for(membership: Membership, read_at: datetime | None, started: datetime):
    """_since() in Python, for one thread's page."""
    marked, joined = membership.marked_read_at, membership.joined_at
    if read_at is not None:
        return max(read_at, marked or read_at)
    if marked is not None:
        return marked
    return joined if joined is not None and started > joined else None


def mark_new(viewer: User, thread: Thread, posts, read_at: datetime | None) -> ReadState | None:
    """Mark the page's posts (PostViews, in reading order) that are new to the viewer; None for
    a viewer who keeps no position in the space."""
    space = db.session.get(Space, thread.space_id)  # loaded by the view: no query
    membership = policy.active_membership(viewer, space)
    if membership is None:
        return None
    state = ReadState(read_at, _since_for(membership, read_at, thread.created_at))
    for post in posts:
        state.shown.append(post.id)
        state.shown_times.append(post.created_at)
        if state.newest is None or post.created_at > state.newest:
            state.newest = post.created_at
        is_new = (
            state.since is not None
            and post.created_at > state.since
            and post.status == PostStatus.VISIBLE
            and not post.author.is_you
        )
        if is_new:
            post.is_new = True
            state.new_posts.append(post.public_id)
    return state


@cache
def _news_statement():
    # The thread's oldest new posts, oldest first: the first of them the page did not show holds
    # the position back. Read with no list of the posts shown, which costs more to send than
    # the answer: the caller asks for one more than the page showed, so one is always found
    # when there is one.
    since = bindparam("since", type_=UTCDateTime)
    return (
        select(Post.id, Post.created_at.label("news_written_at"))
        .where(Post.thread_id == bindparam("thread_id"), _counts_as_new(Post, since))
        .order_by(Post.created_at, Post.id)
        .limit(bindparam("limit"))
    )


@cache
def _notified_statement():
    return select(unread_of_posts_clause().label("notified_of_shown"))


def _moved_to(viewer: User, thread: Thread, state: ReadState) -> datetime | None:
    """Where the page moves the position: its newest post written before any new post it did
    not show; None when that is no later than the position."""
    shown = set(state.shown)
    parameters = {
        "viewer_id": viewer.id,
        "thread_id": thread.id,
        # Nothing new (a thread started before they joined): no unshown post holds it back.
        "since": state.since or state.newest,
        "limit": len(shown) + 1,
    }
    news = db.session.execute(_news_statement(), parameters).all()
    held_at = next((written for post_id, written in news if post_id not in shown), None)
    moved_to = max(
        (written for written in state.shown_times if held_at is None or written < held_at),
        default=None,
    )
    if moved_to is None or (state.read_at is not None and moved_to <= state.read_at):
        return None
    return moved_to


def _notified(viewer: User, state: ReadState) -> bool:
    """Whether something told the viewer of a post the page showed and is unread; asked only of
    a viewer whose header counts an unread notification."""
    counts = header_counts.counts()
    if counts is not None and not counts.unread:
        return False
    parameters = {"viewer_id": viewer.id, "shown": state.shown}
    return bool(db.session.scalar(_notified_statement(), parameters))


@cache
def _upsert_statement(dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ThreadRead.__table__)
    return statement.on_conflict_do_update(
        index_elements=["user_id", "thread_id"],
        set_={"read_at": statement.excluded.read_at},
        # A position never goes back (another view of the thread may have moved it since).
        where=ThreadRead.__table__.c.read_at < statement.excluded.read_at,
    )


def record_read(viewer: User, thread: Thread, state: ReadState | None) -> None:
    """Move the viewer's position up to the newest post the page showed (see the module's
    docstring), and mark read what told them of the posts shown, in a transaction of its own
    once the page is rendered. Reads first and writes nothing when nothing would change: the
    page showed nothing newer than the position, or a new post it did not show holds the
    position where it is, and no notification of a post shown is unread. A failure is logged,
    the page served."""
    if state is None or state.newest is None:
        return
    if state.read_at is not None and state.newest <= state.read_at:
        return
    try:
        moved_to = _moved_to(viewer, thread, state)
        notified = _notified(viewer, state)
        if moved_to is None and not notified:
            return
        # A connection and transaction of its own: the page's session, its read transaction
        # and the objects it loaded are left as they are.
        with db.engine.begin() as connection:
            if moved_to is not None:
                position = {"user_id": viewer.id, "thread_id": thread.id, "read_at": moved_to}
                connection.execute(_upsert_statement(connection.dialect.name), position)
            if notified:
                read_with_posts(connection, viewer.id, state.shown)
    except OperationalError:
        log.exception("the read position of a thread was not recorded")


def mark_space_read(viewer: User, space: Space) -> Membership:
    """Mark every thread of the space read for the viewer, as of now."""
    policy.require(viewer, Action.MARK_SPACE_READ, space)
    membership = policy.active_membership(viewer, space)
    membership.marked_read_at = utcnow()
    db.session.flush()
    return membership
