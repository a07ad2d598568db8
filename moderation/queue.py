"""Reads for the moderation queue: the header's count, the list at /mod and one item's page.

Each page runs a fixed number of queries whatever the number of items, flags or posts. A
moderator sees the items of the spaces they run; a site admin those of every space. What an
item page shows of the persona is its handle, its posts in that space and the decisions about
it: never the account behind it, nor its other spaces, nor who reported it.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Boolean, and_, bindparam, func, or_, select

from forum import policy
from forum.extensions import db
from forum.models import (
    Flag,
    FlagReason,
    ModAction,
    Persona,
    Post,
    PostStatus,
    QueueItem,
    QueueKind,
    QueueStatus,
    Resource,
    Space,
    Thread,
    User,
)
from forum.models.flag import FLAG_REASON_WORDS
from forum.models.types import utcnow
from forum.pagination import Page, paginate
from forum.policy import Action
from forum.policy import posts as post_rule
from forum.threads import queries as thread_queries

ITEMS_PER_PAGE = 25
EXCERPT_LENGTH = 200
HISTORY_LENGTH = 10


def _viewer_parameters(viewer: User) -> dict:
    return {**policy.viewer_parameters(viewer), "viewer_is_admin": policy.is_site_admin(viewer)}


def _in_viewers_queue():
    # Site admins see every space's items; staff those of the spaces they run.
    return or_(
        bindparam("viewer_is_admin", type_=Boolean),
        policy.staff_spaces_condition(True, QueueItem.space_id),
    )


# The header


def waiting_column():
    """The header's count of open items in the viewer's queue, with the viewer as parameters."""
    return (
        select(func.count())
        .select_from(QueueItem)
        .where(QueueItem.status == QueueStatus.OPEN, _in_viewers_queue())
        .scalar_subquery()
    )


def moderates_column():
    """SQL truth: the viewer may open the queue (the VIEW_QUEUE rule; a test proves they agree)."""
    return and_(
        bindparam("viewer_is_free", type_=Boolean),
        or_(bindparam("viewer_is_admin", type_=Boolean), policy.staff_somewhere_condition()),
    )


# The list


@dataclass(frozen=True)
class Filters:
    """The queue's filters from the URL, each checked against its choices."""

    space: str = ""  # a slug among the spaces the viewer moderates
    kind: str = ""  # a QueueKind
    reason: str = ""  # a FlagReason


KIND_WORDS = {
    QueueKind.FLAGGED: "Reported",
    QueueKind.HELD: "Held for review",
    QueueKind.APPEAL: "Appeal",
    QueueKind.REVIEW: "Review",
}


@dataclass
class QueueRow:
    id: int
    kind: QueueKind
    space_name: str
    space_slug: str
    created_at: datetime
    hidden: bool
    escalated: bool
    claimed_by_other: bool
    excerpt: str
    flags: list[tuple[str, int]] = field(default_factory=list)  # (reason in words, count)

    @property
    def flag_count(self) -> int:
        return sum(count for _, count in self.flags)


def moderated_spaces(viewer: User) -> list[tuple[str, str]]:
    """(slug, name) of every space whose items the viewer sees, for the space filter."""
    statement = select(Space.slug, Space.name).order_by(Space.name, Space.id)
    if not policy.is_site_admin(viewer):
        statement = statement.where(policy.staff_spaces_clause(viewer, Space.id))
    return [tuple(row) for row in db.session.execute(statement)]


@cache
def _queue_statement():
    excerpt = func.substr(Post.body_source, 1, EXCERPT_LENGTH + 1)
    return (
        select(
            QueueItem.id,
            QueueItem.kind,
            QueueItem.created_at,
            QueueItem.hidden,
            QueueItem.escalated,
            QueueItem.claimed_by_id,
            QueueItem.claimed_until,
            QueueItem.post_id,
            Space.name,
            Space.slug,
            excerpt.label("excerpt"),
        )
        .join(Space, Space.id == QueueItem.space_id)
        .outerjoin(Post, Post.id == QueueItem.post_id)
        .where(QueueItem.status == QueueStatus.OPEN, _in_viewers_queue())
        # Hidden by members' flags first, then oldest first.
        .order_by(QueueItem.hidden.desc(), QueueItem.created_at, QueueItem.id)
    )


def _filtered(statement, filters: Filters):
    if filters.space:
        statement = statement.where(Space.slug == filters.space)
    if filters.kind:
        statement = statement.where(QueueItem.kind == QueueKind(filters.kind))
    if filters.reason:
        statement = statement.where(
            select(Flag.id)
            .where(
                Flag.post_id == QueueItem.post_id,
                Flag.dismissed_at.is_(None),
                Flag.reason == FlagReason(filters.reason),
            )
            .exists()
        )
    return statement


def queue_page(viewer: User, filters: Filters, number: int) -> Page:
    """One page of the viewer's open items: three queries whatever the number of items."""
    statement = _filtered(_queue_statement(), filters).params(_viewer_parameters(viewer))
    page = paginate(statement, number, ITEMS_PER_PAGE, scalars=False)
    flags = _flag_counts([row.post_id for row in page.items if row.post_id is not None])
    now = utcnow()
    rows = [
        QueueRow(
            id=row.id,
            kind=row.kind,
            space_name=row.name,
            space_slug=row.slug,
            created_at=row.created_at,
            hidden=row.hidden,
            escalated=row.escalated,
            claimed_by_other=(
                row.claimed_by_id not in (None, viewer.id)
                and row.claimed_until is not None
                and row.claimed_until > now
            ),
            excerpt=_shortened(row.excerpt or ""),
            flags=flags.get(row.post_id, []),
        )
        for row in page.items
    ]
    return Page(rows, page.number, page.per_page, page.total)


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def _flag_counts(post_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """The standing flags of these posts, by reason: one query for a whole page."""
    if not post_ids:
        return {}
    rows = db.session.execute(
        select(Flag.post_id, Flag.reason, func.count())
        .where(Flag.post_id.in_(post_ids), Flag.dismissed_at.is_(None))
        .group_by(Flag.post_id, Flag.reason)
        .order_by(Flag.post_id, func.count().desc(), Flag.reason)
    )
    counts: dict[int, list[tuple[str, int]]] = {}
    for post_id, reason, count in rows:
        counts.setdefault(post_id, []).append((FLAG_REASON_WORDS[FlagReason(reason)], count))
    return counts


# One item


@dataclass
class HistoryPost:
    public_id: str
    status: PostStatus
    excerpt: str
    created_at: datetime


@dataclass
class ItemPage:
    item: QueueItem | None  # None: a post with no open item, decided from its thread
    post: Post
    thread: Thread
    space: Space
    persona: Persona
    parent: Post | None  # the post it replies to, when the viewer may read it
    parent_hidden: bool  # a reply whose parent the viewer may not read here
    flags: list[tuple[str, str]]  # (reason in words, note): never who, never when
    history: list[HistoryPost] | None  # None: not shown to this viewer (see below)
    decisions: list[ModAction]
    # The library resource the thread discusses: moderating its first post moderates it.
    resource: Resource | None


def item_page(viewer: User, post: Post, item: QueueItem | None = None) -> ItemPage:
    """What a moderator reads to decide: the post in context, its flags, its persona's record."""
    thread = db.session.get(Thread, post.thread_id)
    space = db.session.get(Space, post.space_id)
    persona = db.session.get(Persona, post.persona_id)
    parent = db.session.get(Post, post.parent_id) if post.parent_id is not None else None
    parent_readable = parent is not None and _reads_post(viewer, parent)
    # A site admin reads a closed space's posts only in the queue: the item's post, not the
    # persona's other posts nor the one it answers.
    reads_space = policy.can(viewer, Action.READ_SPACE, space)
    return ItemPage(
        resource=thread_queries.resource_of(thread),
        item=item,
        post=post,
        thread=thread,
        space=space,
        persona=persona,
        parent=parent if parent_readable else None,
        parent_hidden=parent is not None and not parent_readable,
        flags=_flags_of(post),
        history=_history(viewer, persona, post) if reads_space else None,
        decisions=_decisions_about(persona),
    )


def _reads_post(viewer: User, post: Post) -> bool:
    if not policy.can(viewer, Action.READ_POST, post):
        return False
    space = db.session.get(Space, post.space_id)
    return post_rule.shows_body(
        post.status,
        is_author=policy.is_author(viewer, post),
        is_staff=policy.is_space_staff(viewer, space),
    )


def _flags_of(post: Post) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Flag.reason, Flag.note)
        .where(Flag.post_id == post.id, Flag.dismissed_at.is_(None))
        .order_by(Flag.id)
    )
    return [(FLAG_REASON_WORDS[FlagReason(reason)], note) for reason, note in rows]


def _history(viewer: User, persona: Persona, post: Post) -> list[HistoryPost]:
    """The persona's latest posts in this space but this one, as staff may read them."""
    rows = db.session.execute(
        select(Post.public_id, Post.status, Post.body_source, Post.created_at)
        .where(Post.persona_id == persona.id, Post.id != post.id)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(HISTORY_LENGTH)
    )
    return [
        HistoryPost(public_id, status, _shortened(body or ""), created_at)
        for public_id, status, body, created_at in rows
    ]


def _decisions_about(persona: Persona) -> list[ModAction]:
    return list(
        db.session.scalars(
            select(ModAction)
            .where(ModAction.target_persona_id == persona.id)
            .order_by(ModAction.created_at.desc(), ModAction.id.desc())
            .limit(HISTORY_LENGTH)
        )
    )
