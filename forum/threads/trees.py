"""Reads for a thread's pages: its tree of posts page by page, and one branch.

A page runs a fixed number of queries whatever its number of posts. Posts are read as plain
columns (building an ORM entity costs more than the rest of a row), through the post read rule
in SQL: a post the viewer may not see is not selected, and a body they may not read never
leaves the database. Templates get PostView objects and ready-made links (PostLinks).
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property

from sqlalchemy import Boolean, and_, bindparam, case, func, literal, select
from sqlalchemy.orm import aliased

from forum import policy
from forum.extensions import db
from forum.identity import authors
from forum.models import GONE_STATUSES, Persona, Post, PostStatus, Space, Thread, User
from forum.models.post import PATH_SEGMENT_WIDTH, SUBTREE_END
from forum.pagination import Page
from forum.policy import Action
from forum.policy import posts as post_rule
from forum.threads import reading
from forum.url_patterns import url_pattern

# A page reads at most this many replies, in depth-first order, whatever the shape of the tree
# (5,000 replies to one post, a chain as deep as replies go, 5,000 top-level replies). It also
# shows the post they answer and, when it starts inside a branch, the replies that lead to its
# first one, so it never holds more than POSTS_PER_PAGE + DEPTH_CAP posts.
POSTS_PER_PAGE = 100
# Deeper branches than this many levels below the page's root continue on a page of their own.
DEPTH_CAP = 8


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
    can_flag: bool = False
    can_moderate: bool = False  # "Moderate": staff of the space, and site admins
    # A moderator's public reason for a removal, where the viewer reads the body.
    decision_reason: str | None = None
    children: list["PostView"] = field(default_factory=list)
    # Replies below the depth cap: "continue this thread" links to them.
    has_hidden_replies: bool = False
    # Shown again above a page that starts inside its branch, so the page reads in context.
    is_context: bool = False
    # The public id of the post this replies to, read with the posts above a page alone.
    parent_public_id: str | None = None
    is_new: bool = False  # written since the viewer's read position (forum/threads/reading.py)

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

    def __init__(self, roots: list[PostView], thread: Thread, pages: Page | None = None, read=None):
        super().__init__(roots)
        self.thread = thread
        self.pages = pages  # where this page is among the pages of the tree's replies
        self.read: reading.ReadState | None = read  # what is new to the viewer here

    @cached_property
    def steps(self) -> list[tuple[bool, PostView]]:
        return walk(self)

    @cached_property
    def links(self) -> "PostLinks":
        space = db.session.get(Space, self.thread.space_id)  # loaded by the view: no query
        return PostLinks(space.slug, self.thread.public_id)


class PostLinks:
    """The links every post of a page carries, made with one url_for() each per page
    (forum/url_patterns.py): each is a function of the post's public id."""

    def __init__(self, slug: str, thread_public_id: str):
        post = "post_public_id"
        self.permalink = url_pattern("threads.permalink", post)
        self.reply = url_pattern("threads.reply", post)
        self.edit = url_pattern("threads.edit", post)
        self.delete = url_pattern("threads.delete", post)
        self.revisions = url_pattern("threads.revisions", post)
        self.flag = url_pattern("moderation.flag_post", post)
        self.moderate = url_pattern("moderation.moderate_post", post)
        self.branch = url_pattern(
            "threads.branch", post, slug=slug, thread_public_id=thread_public_id
        )


@dataclass
class ThreadPage:
    thread: Thread
    first_post: PostView | None
    replies: PostTree  # this page's replies, nested, each under the post it answers
    pages: Page  # where this page is among the pages of the thread's replies
    can_reply: bool
    read: reading.ReadState | None = None  # what is new to the viewer on this page


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


def _replies_of_root():
    # The replies a page is cut from: those of the root's subtree (the whole thread, or one
    # post's branch), down to the depth cap, in [after_path, end_path).
    return and_(
        Post.thread_id == bindparam("thread_id"),
        Post.path > bindparam("after_path"),
        Post.path < bindparam("end_path"),
        Post.depth > bindparam("root_depth"),
        Post.depth <= bindparam("max_depth"),
    )


def _has_listed_replies(signed_in: bool):
    """SQL truth: the post has a reply the viewer sees (found through the parent_id index)."""
    child, child_persona = aliased(Post), aliased(Persona)
    return (
        select(literal(1))
        .select_from(child)
        .join(child_persona, child_persona.id == child.persona_id)
        .where(
            child.parent_id == Post.id,
            post_rule.listed_clause(
                child.status,
                (child_persona.user_id == bindparam("viewer_id")) if signed_in else literal(False),
                bindparam("viewer_is_staff", type_=Boolean),
            ),
        )
        .exists()
    )


def _parent_public_id():
    # Read for the posts above a page (a branch page's root among them), whose "the post this
    # replies to" link is not on the page.
    parent = aliased(Post)
    return (
        select(parent.public_id)
        .where(parent.id == Post.parent_id)
        .scalar_subquery()
        .label("parent_public_id")
    )


@cache
def _post_rows_statement(signed_in: bool, shape: str):
    """Posts of a thread in path order: the first post ("first"), given paths ("context"), or
    one page of a root's replies ("replies", LIMIT and OFFSET bound)."""
    shown = post_rule.body_shown_clause(
        Post.status,
        authors.is_viewer_clause(signed_in),
        bindparam("viewer_is_staff", type_=Boolean),
    )
    at_cap = Post.depth == bindparam("max_depth")
    columns = (  # in the order _build_tree() unpacks them, the author's last
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
        case((shown, Post.decision_reason), else_=literal(None)).label("decision_reason"),
        Post.created_at,
        Post.edited_at,
        case((at_cap, _has_listed_replies(signed_in)), else_=literal(False)).label("has_more"),
        _parent_public_id() if shape == "context" else literal(None).label("parent_public_id"),
    )
    statement = authors.join_author(
        select(*columns, *authors.author_columns(signed_in)), Post.persona_id
    ).where(_listed_posts(signed_in))
    in_thread = Post.thread_id == bindparam("thread_id")
    if shape == "first":
        return statement.where(in_thread, Post.depth == 0)
    if shape == "context":
        paths = bindparam("context_paths", expanding=True)
        return statement.where(in_thread, Post.path.in_(paths)).order_by(Post.path)
    return (
        statement.where(_replies_of_root())
        .order_by(Post.path)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@cache
def _count_statement(signed_in: bool):
    """How many replies of a root's subtree, in [after_path, end_path), the viewer sees; and a
    signed-in viewer's read position in the thread."""
    return (
        select(func.count(), *([reading.position_column()] if signed_in else []))
        .select_from(Post)
        .join(Persona, Persona.id == Post.persona_id)
        .where(_replies_of_root(), _listed_posts(signed_in))
    )


def _build_tree(viewer: User, rows, root_depth: int, can_reply: bool):
    """Nest rows (ordered by path) under their parents: the roots, and every post nested, in
    reading order (path order is depth first)."""
    viewer = policy.unwrapped(viewer)  # asked once per post: no proxy look-up each time
    signed_in = viewer.is_authenticated
    views: dict[int, PostView] = {}
    roots = []
    # The rule reads only the post's space, the same for every row of the page: asked once.
    can_moderate = bool(rows) and policy.can(viewer, Action.MODERATE_POST, rows[0])
    # Reporting another's post reads the space and the post's status: asked once per status.
    can_flag: dict[PostStatus, bool] = {}
    for row in rows:
        # Unpacked by position, in _post_rows_statement()'s order: a look-up by name on a row
        # costs more than building the post's view.
        (
            id_, public_id, _, _, parent_id, _, _, depth, status, shows_body, body_html,
            content_warning, decision_reason, created_at, edited_at, has_more, parent_public_id,
            handle, kind, label, is_you,
        ) = row  # fmt: skip
        parent = views.get(parent_id)
        if parent is None and depth != root_depth:
            continue  # below a post this viewer does not see
        author = authors.author_of(handle, kind, label, is_you)
        view = PostView(
            id_, public_id, parent_id, depth, status, shows_body, body_html, content_warning,
            created_at, edited_at, author, decision_reason=decision_reason,
            has_hidden_replies=bool(has_more), parent_public_id=parent_public_id,
        )  # fmt: skip
        if status not in GONE_STATUSES:
            view.can_moderate = can_moderate
            view.can_reply = can_reply and status == PostStatus.VISIBLE
            if author.is_you:
                # The row has what the policy reads of a post: status, persona, thread, space.
                view.can_edit = policy.can(viewer, Action.EDIT_POST, row)
                view.can_delete = policy.can(viewer, Action.DELETE_POST, row)
            elif shows_body and signed_in:
                if status not in can_flag:
                    can_flag[status] = policy.can(viewer, Action.FLAG_POST, row)
                view.can_flag = can_flag[status]
        views[id_] = view
        if parent is None:
            roots.append(view)
        else:
            parent.children.append(view)
    return roots, list(views.values())


def _ancestor_paths(path: str, below_depth: int) -> list[str]:
    """The paths of a post's ancestors deeper than `below_depth` - 1 (a path is its ancestors')."""
    depth = len(path) // PATH_SEGMENT_WIDTH - 1
    return [path[: (level + 1) * PATH_SEGMENT_WIDTH] for level in range(below_depth, depth)]


def _page_rows(viewer: User, thread: Thread, root: Post | None, page: int):
    """One page of the replies below `root` (None: the whole thread) with the posts above its
    first reply, and the page's number and total; three statements whatever the tree."""
    signed_in = viewer.is_authenticated
    root_path, root_depth = (root.path, root.depth) if root is not None else ("", 0)
    bounds = {
        **_viewer_bounds(viewer, thread),
        "after_path": root_path,
        "end_path": root_path + SUBTREE_END,
        "root_depth": root_depth,
        "max_depth": root_depth + DEPTH_CAP,
    }
    total, *read_at = db.session.execute(_count_statement(signed_in), bounds).one()
    number = Page.clamp(page, total, POSTS_PER_PAGE)
    replies = db.session.execute(
        _post_rows_statement(signed_in, "replies"),
        {**bounds, "limit": POSTS_PER_PAGE, "offset": (number - 1) * POSTS_PER_PAGE},
    ).all()
    if replies:
        paths = _ancestor_paths(replies[0].path, root_depth)
        context = db.session.execute(
            _post_rows_statement(signed_in, "context"), {**bounds, "context_paths": paths}
        ).all()
    elif root is not None:
        context = db.session.execute(
            _post_rows_statement(signed_in, "context"), {**bounds, "context_paths": [root_path]}
        ).all()
    else:
        context = db.session.execute(_post_rows_statement(signed_in, "first"), bounds).all()
    return context, replies, number, total, (read_at or [None])[0]


def _tree_page(viewer: User, thread: Thread, root: Post | None, page: int):
    """The page's posts nested under its root, the replies above its first one marked as
    context; with the page's place among the pages, and whether the viewer may reply."""
    context, replies, number, total, read_at = _page_rows(viewer, thread, root, page)
    can_reply = policy.can(viewer, Action.REPLY, thread)
    root_depth = root.depth if root is not None else 0
    roots, shown = _build_tree(viewer, [*context, *replies], root_depth, can_reply)
    context_ids = {row.id for row in context if row.depth > root_depth}
    for post in shown:
        post.is_context = post.id in context_ids
    read = reading.mark_new(viewer, thread, shown, read_at)
    return roots, Page([], number, POSTS_PER_PAGE, total), can_reply, read


def thread_page(viewer: User, thread: Thread, page: int) -> ThreadPage:
    """The first post and one page of replies, nested under the posts they answer."""
    roots, pages, can_reply, read = _tree_page(viewer, thread, None, page)
    first = roots[0] if roots else None
    replies = first.children if first else []
    if first:
        first.children = []
    return ThreadPage(thread, first, PostTree(replies, thread, pages), pages, can_reply, read)


def branch(viewer: User, thread: Thread, post: Post, page: int = 1) -> PostTree:
    """A post and one page of its replies down to the depth cap, for "continue this thread"."""
    roots, pages, _, read = _tree_page(viewer, thread, post, page)
    return PostTree(roots, thread, pages, read)


def page_of(viewer: User, thread: Thread, post: Post, root_path: str, root_depth: int) -> int:
    """The page, among those of the replies below the root (path and depth), showing a post."""
    if post.depth == root_depth:
        return 1
    before = db.session.scalar(
        _count_statement(viewer.is_authenticated),
        {
            **_viewer_bounds(viewer, thread),
            "after_path": root_path,
            "end_path": post.path,
            "root_depth": root_depth,
            "max_depth": root_depth + DEPTH_CAP,
        },
    )
    return before // POSTS_PER_PAGE + 1


def first_post(thread: Thread) -> Post:
    """The post that opened the thread."""
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))


def parent_public_id(post: Post) -> str:
    """The public id of the post this one replies to."""
    return db.session.scalar(select(Post.public_id).where(Post.id == post.parent_id))
