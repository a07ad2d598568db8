"""Reads for thread pages, thread lists and profiles; each runs a fixed number of queries.

Templates get view objects (PostView, ThreadSummary) that carry a persona's handle and never
the account behind it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, literal, select

from forum import policy
from forum.extensions import db
from forum.models import Persona, PersonaKind, Post, PostStatus, Space, Thread, User
from forum.models.post import PATH_SEGMENT_WIDTH, SUBTREE_END
from forum.policy import Action

TOP_LEVEL_PER_PAGE = 25
THREADS_PER_PAGE = 30
PROFILE_POSTS_PER_PAGE = 20
# Deeper branches than this many levels below the page's root continue on a page of their own.
DEPTH_CAP = 8


@dataclass
class Author:
    handle: str
    is_pseudonym: bool
    label: str | None  # a verified label, shown on named posts only
    is_you: bool  # the viewer's own post: marked without naming the account


@dataclass
class PostView:
    id: int
    parent_id: int | None
    depth: int
    status: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    author: Author
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False
    children: list["PostView"] = field(default_factory=list)
    # Replies below the depth cap: "continue this thread" links to them.
    has_hidden_replies: bool = False

    @property
    def is_gone(self) -> bool:
        return self.status in (PostStatus.DELETED, PostStatus.REMOVED)


def _label_for_named():
    # Only a named persona's account label is read; a pseudonym's account is never joined.
    return case((Persona.kind == PersonaKind.NAMED, User.label), else_=None)


def _author_columns(viewer: User):
    is_you = (Persona.user_id == viewer.id) if viewer.is_authenticated else literal(False)
    return (Persona.handle, Persona.kind, _label_for_named().label("label"), is_you.label("is_you"))


def _join_author(statement, persona_column):
    return statement.join(Persona, Persona.id == persona_column).outerjoin(
        User, and_(User.id == Persona.user_id, Persona.kind == PersonaKind.NAMED)
    )


def _author(row) -> Author:
    return Author(
        handle=row.handle,
        is_pseudonym=row.kind == PersonaKind.PSEUDONYM,
        label=row.label,
        is_you=bool(row.is_you),
    )


# Threads in a space


@dataclass
class ThreadSummary:
    id: int
    title: str
    pinned: bool
    locked: bool
    content_warning: str | None
    reply_count: int
    last_activity_at: datetime
    author: Author
    space_slug: str = ""
    space_name: str = ""


def space_threads(viewer: User, space: Space, page: int) -> tuple[list[ThreadSummary], int]:
    """A page of the space's threads, pinned first, then by last activity; and the page count."""
    visible = and_(Thread.space_id == space.id, Thread.status == PostStatus.VISIBLE)
    total = db.session.scalar(select(func.count()).select_from(Thread).where(visible))
    statement = _join_author(select(Thread, *_author_columns(viewer)), Thread.persona_id)
    rows = db.session.execute(
        statement.where(visible)
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(THREADS_PER_PAGE)
        .offset((page - 1) * THREADS_PER_PAGE)
    )
    threads = [_summary(row) for row in rows]
    return threads, max(1, -(-total // THREADS_PER_PAGE))


def _summary(row) -> ThreadSummary:
    thread = row.Thread
    return ThreadSummary(
        id=thread.id,
        title=thread.title,
        pinned=thread.pinned,
        locked=thread.locked,
        content_warning=thread.content_warning,
        reply_count=thread.reply_count,
        last_activity_at=thread.last_activity_at,
        author=_author(row),
    )


def recent_threads(viewer: User, limit: int = 10) -> list[ThreadSummary]:
    """The latest active threads in every space the viewer may read, for the front page."""
    statement = _join_author(
        select(Thread, Space.slug, Space.name, *_author_columns(viewer)), Thread.persona_id
    ).join(Space, Space.id == Thread.space_id)
    rows = db.session.execute(
        statement.where(policy.readable_spaces_clause(viewer), Thread.status == PostStatus.VISIBLE)
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(limit)
    )
    summaries = []
    for row in rows:
        summary = _summary(row)
        summary.space_slug, summary.space_name = row.slug, row.name
        summaries.append(summary)
    return summaries


# A thread's tree


@dataclass
class ThreadPage:
    thread: Thread
    first_post: PostView | None
    replies: list[PostView]  # top-level replies of this page, each with its branch
    page: int
    page_count: int
    can_reply: bool


def get_thread_or_404(viewer: User, space: Space, thread_id: int) -> Thread:
    """The thread when the viewer may read its space (already checked to be `space`)."""
    from flask import abort

    thread = db.session.get(Thread, thread_id)
    if thread is None or thread.space_id != space.id or thread.status == PostStatus.REMOVED:
        abort(404)
    if not policy.can(viewer, Action.READ_SPACE, space):
        abort(404 if space.is_hidden else 403)
    return thread


def _post_rows(viewer: User, *conditions):
    statement = _join_author(select(Post, Persona, *_author_columns(viewer)), Post.persona_id)
    return db.session.execute(statement.where(*conditions).order_by(Post.path)).all()


def _post_view(viewer: User, row, can_reply: bool) -> PostView:
    post = row.Post
    view = PostView(
        id=post.id,
        parent_id=post.parent_id,
        depth=post.depth,
        status=post.status,
        body_html=post.body_html,
        created_at=post.created_at,
        edited_at=post.edited_at,
        author=_author(row),
    )
    if not view.is_gone:
        view.can_reply = can_reply
        # The personas are in the identity map, so these checks run no query.
        view.can_edit = view.author.is_you and policy.can(viewer, Action.EDIT_POST, post)
        view.can_delete = view.author.is_you and policy.can(viewer, Action.DELETE_POST, post)
    return view


def _build_tree(viewer: User, rows, root_depth: int, can_reply: bool) -> list[PostView]:
    """Nest rows (ordered by path) under their parents, down to the depth cap."""
    views: dict[int, PostView] = {}
    roots = []
    for row in rows:
        post = row.Post
        parent = views.get(post.parent_id)
        if post.depth - root_depth > DEPTH_CAP:
            if parent is not None:
                parent.has_hidden_replies = True
            continue
        view = _post_view(viewer, row, can_reply)
        views[post.id] = view
        if parent is None:
            roots.append(view)
        else:
            parent.children.append(view)
    return roots


def thread_page(viewer: User, thread: Thread, page: int) -> ThreadPage:
    """The first post and one page of top-level replies, each with its branch."""
    can_reply = policy.can(viewer, Action.REPLY, thread)
    top_level = and_(Post.thread_id == thread.id, Post.depth == 1)
    top_count = db.session.scalar(select(func.count()).select_from(Post).where(top_level))
    page_count = max(1, -(-top_count // TOP_LEVEL_PER_PAGE))
    page = min(max(page, 1), page_count)
    paths = db.session.scalars(
        select(Post.path)
        .where(top_level)
        .order_by(Post.path)
        .limit(TOP_LEVEL_PER_PAGE)
        .offset((page - 1) * TOP_LEVEL_PER_PAGE)
    ).all()
    in_page = Post.depth == 0
    if paths:
        # Every branch of this page's top-level replies: paths from the first to past the last.
        in_page = (Post.depth == 0) | (
            (Post.path >= paths[0])
            & (Post.path < paths[-1] + SUBTREE_END)
            & (Post.depth <= DEPTH_CAP + 1)
        )
    rows = _post_rows(viewer, Post.thread_id == thread.id, in_page)
    tree = _build_tree(viewer, rows, root_depth=0, can_reply=can_reply)
    first = tree[0] if tree and tree[0].depth == 0 else None
    replies = first.children if first else []
    if first:
        first.children = []
    return ThreadPage(thread, first, replies, page, page_count, can_reply)


def branch(viewer: User, thread: Thread, post: Post) -> list[PostView]:
    """A post and its replies down to the depth cap, for "continue this thread"."""
    rows = _post_rows(
        viewer,
        Post.thread_id == thread.id,
        Post.path >= post.path,
        Post.path < post.path + SUBTREE_END,
        Post.depth <= post.depth + DEPTH_CAP + 1,
    )
    return _build_tree(
        viewer, rows, root_depth=post.depth, can_reply=policy.can(viewer, Action.REPLY, thread)
    )


def top_level_page_of(post: Post) -> int:
    """The page of the thread on which a post's top-level ancestor appears."""
    if post.depth == 0:
        return 1
    ancestor_path = post.path[: 2 * PATH_SEGMENT_WIDTH]
    before = db.session.scalar(
        select(func.count())
        .select_from(Post)
        .where(Post.thread_id == post.thread_id, Post.depth == 1, Post.path < ancestor_path)
    )
    return before // TOP_LEVEL_PER_PAGE + 1


# Profiles


@dataclass
class ProfilePost:
    id: int
    thread_id: int
    thread_title: str
    space_slug: str
    space_name: str
    body_html: str
    created_at: datetime


def named_posts(viewer: User, user: User, page: int) -> tuple[list[ProfilePost], int]:
    """The user's posts under their own name, in spaces the viewer may read; and the page count."""
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
    rows = db.session.execute(
        joined(
            select(
                Post.id,
                Post.thread_id,
                Post.body_html,
                Post.created_at,
                Thread.title,
                Space.slug,
                Space.name,
            )
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(PROFILE_POSTS_PER_PAGE)
        .offset((page - 1) * PROFILE_POSTS_PER_PAGE)
    )
    posts = [
        ProfilePost(
            row.id, row.thread_id, row.title, row.slug, row.name, row.body_html, row.created_at
        )
        for row in rows
    ]
    return posts, max(1, -(-total // PROFILE_POSTS_PER_PAGE))
