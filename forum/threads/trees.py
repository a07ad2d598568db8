"""Reads for a thread's pages: its header, its tree of posts page by page, and one branch.

A page runs a fixed number of queries whatever its number of posts. Posts are read as plain
columns (building an ORM entity costs more than the rest of a row), through the post read rule
in SQL: a post the viewer may not see is not selected, and a body they may not read never
leaves the database. Templates get PostView objects and ready-made links (PostLinks).
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property

from flask import url_for
from sqlalchemy import Boolean, and_, bindparam, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from forum import policy
from forum.extensions import db
from forum.identity import authors
from forum.models import GONE_STATUSES, Persona, Post, PostStatus, Space, Thread, User
from forum.models.post import PATH_SEGMENT_WIDTH, SUBTREE_END
from forum.pagination import Page
from forum.policy import Action
from forum.policy import posts as post_rule

TOP_LEVEL_PER_PAGE = 25
# Deeper branches than this many levels below the page's root continue on a page of their own.
DEPTH_CAP = 8


@dataclass(frozen=True)
class ThreadHeader:
    """What every page of a thread shows of it, as this viewer may read it."""

    id: int
    public_id: str
    title: str | None  # None: the first post is gone for this viewer, and its title with it
    status: str
    content_warning: str | None
    pinned: bool
    locked: bool
    reply_count: int


def thread_header(viewer: User, thread: Thread, space: Space) -> ThreadHeader:
    """The thread's header for the viewer, by the same read rule as its first post."""
    shown = post_rule.shows_body(
        thread.status,
        is_author=policy.is_author(viewer, thread),
        is_staff=policy.is_space_staff(viewer, space),
    )
    return ThreadHeader(
        id=thread.id,
        public_id=thread.public_id,
        title=thread.title if shown else None,
        status=thread.status,
        content_warning=thread.content_warning if shown else None,
        pinned=thread.pinned,
        locked=thread.locked,
        reply_count=thread.reply_count,
    )


@dataclass(slots=True)
class PostView:
    id: int
    public_id: str  # what pages show: links, anchors
    parent_id: int | None
    depth: int
    status: str
    shows_body: bool  # False: a placeholder stands in for the post, its author and its text
    body_html: str
    content_warning: str | None
    created_at: datetime
    edited_at: datetime | None
    author: authors.Author
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False
    children: list["PostView"] = field(default_factory=list)
    # Replies below the depth cap: "continue this thread" links to them.
    has_hidden_replies: bool = False
    # The public id of the post this replies to, read for the root of a branch page alone.
    parent_public_id: str | None = None

    @property
    def is_gone(self) -> bool:
        return self.status in GONE_STATUSES


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
        return PostLinks(space.slug, self.thread.public_id)


class PostLinks:
    """The links every post of a page carries, made with one url_for() each per page.

    url_for() costs more than the rest of a post's markup, so each link is built once with a
    marker id, and each post's link is that URL with the post's id in the marker's place.
    """

    _MARK = "markmarkmark"  # a well-formed public id; the last one in a URL is the post's

    def __init__(self, slug: str, thread_public_id: str):
        self.permalink = self._pattern("threads.permalink")
        self.reply = self._pattern("threads.reply")
        self.edit = self._pattern("threads.edit")
        self.delete = self._pattern("threads.delete")
        self.revisions = self._pattern("threads.revisions")
        self.branch = self._pattern("threads.branch", slug=slug, thread_public_id=thread_public_id)

    @classmethod
    def _pattern(cls, endpoint: str, **values):
        url = url_for(endpoint, post_public_id=cls._MARK, **values)
        head, mark, tail = url.rpartition(cls._MARK)
        assert mark, f"{endpoint} has no post id in its URL"
        return f"{head}{{}}{tail}".format


@dataclass
class ThreadPage:
    thread: Thread
    first_post: PostView | None
    replies: PostTree  # top-level replies of this page, each with its branch
    pages: Page  # where this page is among the pages of top-level replies
    can_reply: bool


def _viewer_bounds(viewer: User, thread: Thread) -> dict:
    space = db.session.get(Space, thread.space_id)  # loaded by the view: no query
    return {
        "thread_id": thread.id,
        "viewer_is_staff": policy.is_space_staff(viewer, space),
        **policy.viewer_parameters(viewer),
    }


def _listed_posts(signed_in: bool):
    return post_rule.listed_clause(
        Post.status,
        authors.is_viewer_clause(signed_in),
        bindparam("viewer_is_staff", type_=Boolean),
    )


def _in_subtree():
    # [first, end): a post's subtree, or the branches of a page's top-level replies.
    return and_(
        Post.path >= bindparam("first_path"),
        Post.path < bindparam("end_path"),
        Post.depth <= bindparam("max_depth"),
    )


def _parent_public_id():
    # Read for a branch page's root, whose "the post this replies to" link is not on the page.
    parent = aliased(Post)
    of_parent = select(parent.public_id).where(parent.id == Post.parent_id).scalar_subquery()
    is_root = Post.path == bindparam("first_path")
    return case((is_root, of_parent), else_=literal(None)).label("parent_public_id")


@cache
def _post_rows_statement(signed_in: bool, shape: str):
    """Posts of a thread in path order: the first post alone ("first"), the first post and the
    branches of a page's top-level replies ("page"), or one post's branch ("branch")."""
    shown = post_rule.body_shown_clause(
        Post.status,
        authors.is_viewer_clause(signed_in),
        bindparam("viewer_is_staff", type_=Boolean),
    )
    columns = (
        Post.id,
        Post.public_id,
        Post.thread_id,
        Post.space_id,
        Post.parent_id,
        Post.persona_id,
        Post.path,
        Post.depth,
        Post.status,
        shown.label("shows_body"),
        case((shown, Post.body_html), else_=literal("")).label("body_html"),
        case((shown, Post.content_warning), else_=literal(None)).label("content_warning"),
        Post.created_at,
        Post.edited_at,
        _parent_public_id() if shape == "branch" else literal(None).label("parent_public_id"),
    )
    statement = authors.join_author(
        select(*columns, *authors.author_columns(signed_in)), Post.persona_id
    )
    if shape == "first":
        condition = Post.depth == 0
    elif shape == "page":
        condition = or_(Post.depth == 0, _in_subtree())
    else:
        condition = _in_subtree()
    in_thread = Post.thread_id == bindparam("thread_id")
    return statement.where(in_thread, condition, _listed_posts(signed_in)).order_by(Post.path)


def _post_rows(viewer: User, thread: Thread, shape: str, **bounds):
    statement = _post_rows_statement(viewer.is_authenticated, shape)
    return db.session.execute(statement, {**_viewer_bounds(viewer, thread), **bounds}).all()


def _build_tree(viewer: User, rows, root_depth: int, can_reply: bool) -> list[PostView]:
    """Nest rows (ordered by path) under their parents, down to the depth cap."""
    views: dict[int, PostView] = {}
    roots = []
    cap = root_depth + DEPTH_CAP
    for row in rows:
        parent = views.get(row.parent_id)
        if parent is None and row.depth != root_depth:
            continue  # below a post this viewer does not see
        if row.depth > cap:
            parent.has_hidden_replies = True
            continue
        view = PostView(
            row.id,
            row.public_id,
            row.parent_id,
            row.depth,
            row.status,
            row.shows_body,
            row.body_html,
            row.content_warning,
            row.created_at,
            row.edited_at,
            authors.author(row),
            parent_public_id=row.parent_public_id,
        )
        if row.status not in GONE_STATUSES:
            view.can_reply = can_reply and row.status == PostStatus.VISIBLE
            if view.author.is_you:
                # The row has what the policy reads of a post: status, persona, thread, space.
                view.can_edit = policy.can(viewer, Action.EDIT_POST, row)
                view.can_delete = policy.can(viewer, Action.DELETE_POST, row)
        views[row.id] = view
        if parent is None:
            roots.append(view)
        else:
            parent.children.append(view)
    return roots


@cache
def _top_level_statements(signed_in: bool):
    """The count and one page of paths of a thread's top-level replies the viewer sees."""
    top_level = and_(
        Post.thread_id == bindparam("thread_id"), Post.depth == 1, _listed_posts(signed_in)
    )
    count = (
        select(func.count())
        .select_from(Post)
        .join(Persona, Persona.id == Post.persona_id)
        .where(top_level)
    )
    paths = (
        select(Post.path)
        .join(Persona, Persona.id == Post.persona_id)
        .where(top_level)
        .order_by(Post.path)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return count, paths


def thread_page(viewer: User, thread: Thread, page: int) -> ThreadPage:
    """The first post and one page of top-level replies, each with its branch."""
    can_reply = policy.can(viewer, Action.REPLY, thread)
    count, paths_statement = _top_level_statements(viewer.is_authenticated)
    bounds = _viewer_bounds(viewer, thread)
    total = db.session.scalar(count, bounds)
    number = Page.clamp(page, total, TOP_LEVEL_PER_PAGE)
    paths = db.session.scalars(
        paths_statement,
        {**bounds, "limit": TOP_LEVEL_PER_PAGE, "offset": (number - 1) * TOP_LEVEL_PER_PAGE},
    ).all()
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
    tree = _build_tree(viewer, rows, root_depth=0, can_reply=can_reply)
    first = tree[0] if tree else None
    replies = first.children if first else []
    if first:
        first.children = []
    replies_tree = PostTree(replies, thread)
    pages = Page(replies_tree, number, TOP_LEVEL_PER_PAGE, total)
    return ThreadPage(thread, first, replies_tree, pages, can_reply)


def branch(viewer: User, thread: Thread, post: Post) -> PostTree:
    """A post and its replies down to the depth cap, for "continue this thread"."""
    can_reply = policy.can(viewer, Action.REPLY, thread)
    rows = _post_rows(
        viewer,
        thread,
        "branch",
        first_path=post.path,
        end_path=post.path + SUBTREE_END,
        max_depth=post.depth + DEPTH_CAP + 1,
    )
    roots = _build_tree(viewer, rows, root_depth=post.depth, can_reply=can_reply)
    return PostTree(roots, thread)


def first_post(thread: Thread) -> Post:
    """The post that opened the thread."""
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))


def parent_public_id(post: Post) -> str:
    """The public id of the post this one replies to."""
    return db.session.scalar(select(Post.public_id).where(Post.id == post.parent_id))


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
