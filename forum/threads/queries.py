"""Reads for thread pages, thread lists and profiles; each runs a fixed number of queries."""

# Templates get view objects (PostView, ThreadSummary) that carry a persona's handle and never
# the account behind it.
#
# These are the site's hottest paths, so they read plain columns rather than ORM entities
# (building an entity costs more than the rest of a row), build each statement once per shape
# with bound parameters (SQLAlchemy then reuses its compiled form and cache key), and give
# templates ready-made links (PostLinks) instead of one url_for() per link per post.

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property

from flask import url_for
from sqlalchemy import and_, bindparam, case, func, literal, or_, select

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


@dataclass(slots=True)
class Author:
    handle: str
    is_pseudonym: bool
    label: str | None  # a verified label, shown on named posts only
    is_you: bool  # the viewer's own post: marked without naming the account


@dataclass(slots=True)
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


def walk(roots: list[PostView]) -> list[tuple[bool, PostView]]:
    """Trees of posts, depth first: (True, post) where a post opens, (False, post) where it closes.

    Templates render a whole tree in one loop over these steps: a recursive macro call per post
    costs more than the post's markup.
    """
    steps: list[tuple[bool, PostView]] = []
    stack: list[tuple[bool, PostView]] = [(True, root) for root in reversed(roots)]
    while stack:
        opening, post = stack.pop()
        steps.append((opening, post))
        if opening:
            stack.append((False, post))
            stack.extend((True, child) for child in reversed(post.children))
    return steps


class PostTree(list):
    """Posts with their replies nested, and what a template needs to render them in one loop."""

    def __init__(self, roots: list[PostView], thread: Thread):
        super().__init__(roots)
        self.thread = thread

    @cached_property
    def steps(self) -> list[tuple[bool, PostView]]:
        return walk(self)

    @cached_property
    def links(self) -> "PostLinks":
        space = db.session.get(Space, self.thread.space_id)  # loaded by the view: no query
        return PostLinks(space.slug, self.thread.id)


class PostLinks:
    """The links every post of a page carries, made with one url_for() each per page.

    url_for() costs more than the rest of a post's markup, so each link is built once with a
    marker id, and each post's link is that URL with the post's id in the marker's place.
    """

    _MARK = 9_876_543_210  # an id no page shows, so it is found only where the id goes

    def __init__(self, slug: str, thread_id: int):
        self.permalink = self._pattern("threads.permalink")
        self.reply = self._pattern("threads.reply")
        self.edit = self._pattern("threads.edit")
        self.delete = self._pattern("threads.delete")
        self.revisions = self._pattern("threads.revisions")
        self.branch = self._pattern("threads.branch", slug=slug, thread_id=thread_id)

    @classmethod
    def _pattern(cls, endpoint: str, **values):
        head, mark, tail = url_for(endpoint, post_id=cls._MARK, **values).rpartition(str(cls._MARK))
        assert mark, f"{endpoint} has no post id in its URL"
        return f"{head}{{}}{tail}".format


def _label_for_named():
    # Only a named persona's account label is read; a pseudonym's account is never joined.
    return case((Persona.kind == PersonaKind.NAMED, User.label), else_=None)


def _author_columns(signed_in: bool):
    is_you = (Persona.user_id == bindparam("viewer_id")) if signed_in else literal(False)
    return (Persona.handle, Persona.kind, _label_for_named().label("label"), is_you.label("is_you"))


def _viewer(viewer: User) -> dict:
    """The bound parameters every statement built by _author_columns() takes."""
    return {"viewer_id": viewer.id} if viewer.is_authenticated else {}


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


def _page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


# Threads in a space


@dataclass(slots=True)
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


_SUMMARY_COLUMNS = (
    Thread.id,
    Thread.title,
    Thread.pinned,
    Thread.locked,
    Thread.content_warning,
    Thread.reply_count,
    Thread.last_activity_at,
)


def _summary(row) -> ThreadSummary:
    return ThreadSummary(
        id=row.id,
        title=row.title,
        pinned=row.pinned,
        locked=row.locked,
        content_warning=row.content_warning,
        reply_count=row.reply_count,
        last_activity_at=row.last_activity_at,
        author=_author(row),
    )


def _listed_in_space():
    return and_(Thread.space_id == bindparam("space_id"), Thread.status == PostStatus.VISIBLE)


@cache
def _space_thread_count():
    return select(func.count()).select_from(Thread).where(_listed_in_space())


@cache
def _space_threads_statement(signed_in: bool):
    statement = _join_author(
        select(*_SUMMARY_COLUMNS, *_author_columns(signed_in)), Thread.persona_id
    )
    return (
        statement.where(_listed_in_space())
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def space_threads(viewer: User, space: Space, page: int) -> tuple[list[ThreadSummary], int]:
    """A page of the space's threads, pinned first, then by last activity; and the page count."""
    total = db.session.scalar(_space_thread_count(), {"space_id": space.id})
    rows = db.session.execute(
        _space_threads_statement(viewer.is_authenticated),
        {
            "space_id": space.id,
            "limit": THREADS_PER_PAGE,
            "offset": (page - 1) * THREADS_PER_PAGE,
            **_viewer(viewer),
        },
    )
    threads = [_summary(row) for row in rows]
    return threads, _page_count(total, THREADS_PER_PAGE)


@cache
def _recent_threads_statement(signed_in: bool):
    # The viewer's readable spaces are added per request (the policy's clause).
    return (
        _join_author(
            select(*_SUMMARY_COLUMNS, Space.slug, Space.name, *_author_columns(signed_in)),
            Thread.persona_id,
        )
        .join(Space, Space.id == Thread.space_id)
        .where(Thread.status == PostStatus.VISIBLE)
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(bindparam("limit"))
    )


def recent_threads(viewer: User, limit: int = 10) -> list[ThreadSummary]:
    """The latest active threads in every space the viewer may read, for the front page."""
    statement = _recent_threads_statement(viewer.is_authenticated).where(
        policy.readable_spaces_clause(viewer)
    )
    rows = db.session.execute(statement, {"limit": limit, **_viewer(viewer)})
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
    replies: PostTree  # top-level replies of this page, each with its branch
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


_POST_COLUMNS = (
    Post.id,
    Post.parent_id,
    Post.persona_id,
    Post.path,
    Post.depth,
    Post.status,
    Post.body_html,
    Post.created_at,
    Post.edited_at,
)


def _in_subtree():
    # [first, end): a post's subtree, or the branches of a page's top-level replies.
    return and_(
        Post.path >= bindparam("first_path"),
        Post.path < bindparam("end_path"),
        Post.depth <= bindparam("max_depth"),
    )


@cache
def _post_rows_statement(signed_in: bool, shape: str):
    """Posts of a thread in path order: the first post alone ("first"), the first post and the
    branches of a page's top-level replies ("page"), or one post's branch ("branch")."""
    statement = _join_author(select(*_POST_COLUMNS, *_author_columns(signed_in)), Post.persona_id)
    in_thread = Post.thread_id == bindparam("thread_id")
    if shape == "first":
        condition = Post.depth == 0
    elif shape == "page":
        condition = or_(Post.depth == 0, _in_subtree())
    else:
        condition = _in_subtree()
    return statement.where(in_thread, condition).order_by(Post.path)


def _post_rows(viewer: User, thread: Thread, shape: str, **bounds):
    statement = _post_rows_statement(viewer.is_authenticated, shape)
    return db.session.execute(
        statement, {"thread_id": thread.id, **bounds, **_viewer(viewer)}
    ).all()


def _own_personas(viewer: User, thread: Thread) -> list[Persona]:
    """The viewer's personas in the thread's space, so the policy's authorship checks on their
    posts find them in the session instead of querying once per post."""
    if not viewer.is_authenticated:
        return []
    return db.session.scalars(
        select(Persona).where(Persona.space_id == thread.space_id, Persona.user_id == viewer.id)
    ).all()


def _as_post(row, thread: Thread) -> Post:
    """A detached Post with the row's values, for the policy's checks on the viewer's own posts
    (the page reads plain columns; the policy reads a post's attributes)."""
    return Post(
        id=row.id,
        thread_id=thread.id,
        space_id=thread.space_id,
        parent_id=row.parent_id,
        persona_id=row.persona_id,
        path=row.path,
        depth=row.depth,
        body_html=row.body_html,
        status=row.status,
        created_at=row.created_at,
        edited_at=row.edited_at,
    )


def _build_tree(
    viewer: User, thread: Thread, rows, root_depth: int, can_reply: bool
) -> list[PostView]:
    """Nest rows (ordered by path) under their parents, down to the depth cap."""
    views: dict[int, PostView] = {}
    roots = []
    gone = (PostStatus.DELETED, PostStatus.REMOVED)
    cap = root_depth + DEPTH_CAP
    for row in rows:
        parent = views.get(row.parent_id)
        if row.depth > cap:
            if parent is not None:
                parent.has_hidden_replies = True
            continue
        author = _author(row)
        view = PostView(
            row.id,
            row.parent_id,
            row.depth,
            row.status,
            row.body_html,
            row.created_at,
            row.edited_at,
            author,
        )
        if row.status not in gone:
            view.can_reply = can_reply
            if author.is_you:
                post = _as_post(row, thread)
                view.can_edit = policy.can(viewer, Action.EDIT_POST, post)
                view.can_delete = policy.can(viewer, Action.DELETE_POST, post)
        views[row.id] = view
        if parent is None:
            roots.append(view)
        else:
            parent.children.append(view)
    return roots


@cache
def _top_level_count():
    return (
        select(func.count())
        .select_from(Post)
        .where(Post.thread_id == bindparam("thread_id"), Post.depth == 1)
    )


@cache
def _top_level_paths():
    return (
        select(Post.path)
        .where(Post.thread_id == bindparam("thread_id"), Post.depth == 1)
        .order_by(Post.path)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def thread_page(viewer: User, thread: Thread, page: int) -> ThreadPage:
    """The first post and one page of top-level replies, each with its branch."""
    can_reply = policy.can(viewer, Action.REPLY, thread)
    top_count = db.session.scalar(_top_level_count(), {"thread_id": thread.id})
    page_count = _page_count(top_count, TOP_LEVEL_PER_PAGE)
    page = min(max(page, 1), page_count)
    paths = db.session.scalars(
        _top_level_paths(),
        {
            "thread_id": thread.id,
            "limit": TOP_LEVEL_PER_PAGE,
            "offset": (page - 1) * TOP_LEVEL_PER_PAGE,
        },
    ).all()
    personas = _own_personas(viewer, thread)  # noqa: F841 (held while the policy runs)
    if paths:
        # Every branch of this page's top-level replies: paths from the first to past the last.
        rows = _post_rows(
            viewer,
            thread,
            "page",
            first_path=paths[0],
            end_path=paths[-1] + SUBTREE_END,
            max_depth=DEPTH_CAP + 1,
        )
    else:
        rows = _post_rows(viewer, thread, "first")
    tree = _build_tree(viewer, thread, rows, root_depth=0, can_reply=can_reply)
    first = tree[0] if tree and tree[0].depth == 0 else None
    replies = first.children if first else []
    if first:
        first.children = []
    return ThreadPage(thread, first, PostTree(replies, thread), page, page_count, can_reply)


def branch(viewer: User, thread: Thread, post: Post) -> PostTree:
    """A post and its replies down to the depth cap, for "continue this thread"."""
    can_reply = policy.can(viewer, Action.REPLY, thread)
    personas = _own_personas(viewer, thread)  # noqa: F841 (held while the policy runs)
    rows = _post_rows(
        viewer,
        thread,
        "branch",
        first_path=post.path,
        end_path=post.path + SUBTREE_END,
        max_depth=post.depth + DEPTH_CAP + 1,
    )
    roots = _build_tree(viewer, thread, rows, root_depth=post.depth, can_reply=can_reply)
    return PostTree(roots, thread)


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
