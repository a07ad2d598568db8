"""Reads for lists of threads and posts: a space's threads, the front page's, a profile's posts.

Each runs a fixed number of queries. Templates get view objects (ThreadSummary, ProfilePost)
whose authors carry a persona's handle and never the account behind it. These are hot paths, so
they read plain columns rather than ORM entities and build each statement once per shape.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Boolean, and_, bindparam, case, func, literal, or_, select

from forum import policy
from forum.extensions import db
from forum.identity import authors
from forum.models import (
    GONE_STATUSES,
    Persona,
    PersonaKind,
    Post,
    PostStatus,
    Resource,
    Space,
    Thread,
    User,
)
from forum.pagination import Page, paginate
from forum.policy import posts as post_rule
from forum.threads import reading

THREADS_PER_PAGE = 30
PROFILE_POSTS_PER_PAGE = 20


@dataclass(slots=True)
class ThreadSummary:
    id: int
    public_id: str
    title: str | None  # None when the viewer may not read it: its first post is gone
    status: str
    pinned: bool
    locked: bool
    content_warning: str | None
    reply_count: int
    last_activity_at: datetime
    author: authors.Author | None  # None with the title
    space_slug: str = ""
    space_name: str = ""
    # For a member: posts new to them, and the oldest one's public id (forum/threads/reading.py).
    new_posts: int = 0
    first_unread: str | None = None
    is_resource: bool = False  # the discussion of a library resource (forum/resources)


def _title_shown(signed_in: bool, is_staff):
    is_you = authors.is_viewer_clause(signed_in)
    return post_rule.body_shown_clause(Thread.status, is_you, is_staff)


def _summary_columns(signed_in: bool, is_staff) -> tuple:
    shown = _title_shown(signed_in, is_staff)
    return (  # in the order _summary() unpacks them: the thread's, its starter's, what is new
        Thread.id,
        Thread.public_id,
        case((shown, Thread.title), else_=literal(None)).label("title"),
        shown.label("title_shown"),
        Thread.status,
        Thread.pinned,
        Thread.locked,
        Thread.content_warning,
        Thread.reply_count,
        Thread.last_activity_at,
        select(Resource.id).where(Resource.thread_id == Thread.id).exists().label("is_resource"),
        *authors.author_columns(signed_in),
        *(reading.unread_columns() if signed_in else (literal(0), literal(None))),
    )


def _listed_threads(signed_in: bool, is_staff):
    """Threads the viewer may see in a list: readable ones, and gone ones that have replies."""
    is_you = authors.is_viewer_clause(signed_in)
    return or_(
        _title_shown(signed_in, is_staff),
        and_(post_rule.listed_clause(Thread.status, is_you, is_staff), Thread.reply_count > 0),
    )


def _listing(statement, signed_in: bool):
    """A statement over threads joined with their starters, and for a signed-in viewer with
    their read positions."""
    statement = authors.join_author(statement, Thread.persona_id)
    return reading.join_positions(statement) if signed_in else statement


def _summary(row) -> ThreadSummary:
    """A row of _summary_columns(), unpacked by position: a look-up by name on a row costs more
    than building the summary."""
    (
        id_, public_id, title, title_shown, status, pinned, locked, content_warning, reply_count,
        last_activity_at, is_resource, handle, kind, label, is_you, new_posts, first_unread,
    ) = row[:17]  # fmt: skip
    return ThreadSummary(
        id=id_,
        public_id=public_id,
        title=title,
        status=status,
        pinned=pinned,
        locked=locked,
        content_warning=content_warning if title_shown else None,
        reply_count=reply_count,
        last_activity_at=last_activity_at,
        author=authors.author_of(handle, kind, label, is_you) if title_shown else None,
        new_posts=new_posts or 0,
        first_unread=first_unread,
        is_resource=is_resource,
    )


@cache
def _space_threads_statements(signed_in: bool):
    """The count and the page of a space's threads, for signed-in viewers or visitors."""
    is_staff = bindparam("viewer_is_staff", type_=Boolean)
    in_space = and_(Thread.space_id == bindparam("space_id"), _listed_threads(signed_in, is_staff))
    count = authors.join_author(select(func.count()).select_from(Thread), Thread.persona_id).where(
        in_space
    )
    rows = (
        _listing(select(*_summary_columns(signed_in, is_staff)), signed_in)
        .where(in_space)
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return count, rows


def space_threads(viewer: User, space: Space, page: int) -> Page:
    """A page of the space's threads, pinned first, then by last activity."""
    count, rows = _space_threads_statements(viewer.is_authenticated)
    parameters = {
        "space_id": space.id,
        "viewer_is_staff": policy.is_space_staff(viewer, space),
        **policy.viewer_parameters(viewer),
    }
    total = db.session.scalar(count, parameters)
    number = Page.clamp(page, total, THREADS_PER_PAGE)
    found = db.session.execute(
        rows,
        {**parameters, "limit": THREADS_PER_PAGE, "offset": (number - 1) * THREADS_PER_PAGE},
    )
    return Page([_summary(row) for row in found], number, THREADS_PER_PAGE, total)


@cache
def _recent_threads_statement(signed_in: bool):
    is_staff = policy.staff_spaces_condition(signed_in, Thread.space_id)
    return (
        _listing(select(*_summary_columns(signed_in, is_staff), Space.slug, Space.name), signed_in)
        .join(Space, Space.id == Thread.space_id)
        .where(_listed_threads(signed_in, is_staff), policy.readable_spaces_condition(signed_in))
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(bindparam("limit"))
    )


def recent_threads(viewer: User, limit: int = 10) -> list[ThreadSummary]:
    """The latest active threads in every space the viewer may read, for the front page."""
    statement = _recent_threads_statement(viewer.is_authenticated)
    parameters = {"limit": limit, **policy.viewer_parameters(viewer)}
    summaries = []
    for row in db.session.execute(statement, parameters):
        summary = _summary(row)
        summary.space_slug, summary.space_name = row[17:19]
        summaries.append(summary)
    return summaries


NEWS_SHOWN_UP_TO = 20  # "Your spaces" counts threads with news up to this, then says "20+"


def with_new_threads(statement):
    """A statement over spaces with column `new_threads`: how many threads of each have posts
    new to the signed-in viewer (listed threads, as the space's page lists them), for a space
    they are a member of; NULL for the others."""
    is_staff = policy.staff_spaces_condition(True, Thread.space_id)
    # Counted up to NEWS_SHOWN_UP_TO ("20+"): the page's cost stays bounded whatever the number
    # of threads new to the member, each of which costs an EXISTS. The membership is joined
    # once per space, outside: every thread of the space shares it.
    news = reading.correlate_membership(
        reading.join_position(
            select(literal(1)).select_from(Thread).join(Persona, Persona.id == Thread.persona_id)
        )
        .where(Thread.space_id == Space.id, _listed_threads(True, is_staff), reading.has_news())
        .limit(NEWS_SHOWN_UP_TO)
        .correlate(Space)
    ).subquery()
    count = select(func.count()).select_from(news).scalar_subquery()
    column = case((reading.is_member(), count), else_=None).label("new_threads")
    return reading.join_membership(statement.add_columns(column), Space.id)


@cache
def _resource_statement():
    # Built once per process: every thread page asks, and building costs more than asking.
    return select(Resource).where(Resource.thread_id == bindparam("thread_id"))


def resource_of(thread: Thread) -> Resource | None:
    """The library resource the thread discusses, if it is one, for its card on the page."""
    return db.session.scalar(_resource_statement(), {"thread_id": thread.id})


# Profiles


@dataclass
class ProfilePost:
    public_id: str
    thread_public_id: str
    thread_title: str
    space_slug: str
    space_name: str
    body_html: str
    content_warning: str | None
    created_at: datetime
    # A profile lists visible posts only: shown as any reader of the thread sees them.
    status: str = PostStatus.VISIBLE
    shows_body: bool = True


def named_posts(viewer: User, user: User, page: int) -> Page:
    """The user's visible posts under their own name, in spaces the viewer may read."""
    conditions = (
        Persona.user_id == user.id,
        Persona.kind == PersonaKind.NAMED,
        Post.status == PostStatus.VISIBLE,
        Thread.status == PostStatus.VISIBLE,
        policy.readable_spaces_clause(viewer),
    )

    def joined(statement):
        return (
            statement.join(Persona, Persona.id == Post.persona_id)
            .join(Thread, Thread.id == Post.thread_id)
            .join(Space, Space.id == Post.space_id)
            .where(*conditions)
        )

    total = db.session.scalar(joined(select(func.count()).select_from(Post)))
    number = Page.clamp(page, total, PROFILE_POSTS_PER_PAGE)
    rows = db.session.execute(
        joined(
            select(
                Post.public_id,
                Thread.public_id.label("thread_public_id"),
                Post.body_html,
                Post.content_warning,
                Post.created_at,
                Thread.title,
                Space.slug,
                Space.name,
            )
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(PROFILE_POSTS_PER_PAGE)
        .offset((number - 1) * PROFILE_POSTS_PER_PAGE)
    )
    posts = [
        ProfilePost(
            row.public_id,
            row.thread_public_id,
            row.title,
            row.slug,
            row.name,
            row.body_html,
            row.content_warning,
            row.created_at,
        )
        for row in rows
    ]
    return Page(posts, number, PROFILE_POSTS_PER_PAGE, total)


OWN_POSTS_PER_PAGE = 20
EXCERPT_LENGTH = 280


@dataclass(frozen=True)
class OwnPost:
    """One of the viewer's own posts in a space, for the list they delete from."""

    public_id: str
    thread_title: str
    handle: str
    status: str
    created_at: datetime
    excerpt: str

    @property
    def deletable(self) -> bool:
        """Removed posts wait for their moderators; deleting one is not the author's call."""
        return self.status not in GONE_STATUSES


def own_posts(viewer: User, space: Space, page: int) -> Page:
    """The viewer's undeleted posts in the space, newest first, whatever their standing now."""
    rows = paginate(
        select(
            Post.public_id,
            Thread.title,
            Persona.handle,
            Post.status,
            Post.created_at,
            func.substr(Post.body_source, 1, EXCERPT_LENGTH + 1).label("start"),
        )
        .join(Persona, Persona.id == Post.persona_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Persona.user_id == viewer.id,
            Post.space_id == space.id,
            Post.status != PostStatus.DELETED,
        )
        .order_by(Post.created_at.desc(), Post.id.desc()),
        page,
        OWN_POSTS_PER_PAGE,
        scalars=False,
    )
    posts = [
        OwnPost(
            row.public_id,
            row.title,
            row.handle,
            row.status,
            row.created_at,
            row.start if len(row.start) <= EXCERPT_LENGTH else row.start[:EXCERPT_LENGTH] + "…",
        )
        for row in rows
    ]
    return Page(posts, rows.number, rows.per_page, rows.total)
