"""Searching: the posts a viewer may read that match some words, best first, a page at a time.

What may be found is decided inside the statement, by the policy's own SQL clauses: only a
visible post in a visible thread, in a space the viewer may read now. No held, declined, hidden,
removed or deleted post is ever found, not even by its author or the space's staff (their own
pages show them those), so a result never depends on who wrote it. Three statements a search,
whatever the data: the spaces to filter by, the (bounded) count, and the page with its snippets.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import ColumnElement, func, select

from forum import policy
from forum.accounts.rules import username_key
from forum.extensions import db
from forum.identity import authors
from forum.markup import highlighted
from forum.models import Persona, PersonaKind, Post, PostStatus, Resource, Space, Thread, User
from forum.pagination import Page
from forum.search.backends import backend_for, words_of

RESULTS_PER_PAGE = 20
# Counting, and ranking, every match of a common word costs time in proportion to the matches
# (bm25 and ts_rank score each one): past this many, the page says "more than", offers the pages
# up to it, and shows the newest first, which the engine reads in order and stops early.
MOST_COUNTED = 1_000


@dataclass(frozen=True)
class Criteria:
    """What to search for: the words, and the filters (a space, an author, dates)."""

    text: str
    space_id: int | None = None
    author: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def words(self) -> list[str]:
        return words_of(self.text)


@dataclass(slots=True)
class Result:
    post_public_id: str
    thread_public_id: str
    space_slug: str
    space_name: str
    title: Markup
    snippet: Markup
    content_warning: str | None
    created_at: datetime
    is_first: bool
    author: authors.Author
    resource_kind: str | None  # the thread's first post summarises a library resource of this kind


@dataclass(frozen=True)
class Results:
    page: Page
    more_than_counted: bool  # there are more matches than MOST_COUNTED: the newest come first


@dataclass(frozen=True)
class SearchableSpace:
    id: int
    slug: str
    name: str


def searchable_spaces(viewer: User) -> list[SearchableSpace]:
    """Every space the viewer may read, by name, for the space filter."""
    rows = db.session.execute(
        select(Space.id, Space.slug, Space.name)
        .where(policy.readable_spaces_clause(viewer))
        .order_by(Space.name, Space.slug)
    )
    return [SearchableSpace(row.id, row.slug, row.name) for row in rows]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _author_personas(criteria: Criteria):
    """The personas an author filter means: a handle within the chosen space, or else a username,
    which names only that account's named personas: never one of its pseudonyms."""
    if criteria.space_id is not None:
        return select(Persona.id).where(
            Persona.space_id == criteria.space_id,
            func.lower(Persona.handle) == criteria.author.lower(),
        )
    return (
        select(Persona.id)
        .join(User, User.id == Persona.user_id)
        .where(
            Persona.kind == PersonaKind.NAMED, User.username_key == username_key(criteria.author)
        )
    )


def _filters(backend, criteria: Criteria) -> list[ColumnElement[bool]]:
    found = []
    if criteria.space_id is not None:
        found.append(backend.in_space(Post.space_id, criteria.space_id))
    if criteria.author:
        found.append(Post.persona_id.in_(_author_personas(criteria)))
    if criteria.since is not None:
        found.append(Post.created_at >= _start_of(criteria.since))
    if criteria.until is not None:
        found.append(Post.created_at < _start_of(criteria.until + timedelta(days=1)))
    return found


def search(viewer: User, criteria: Criteria, page: int) -> Results:
    """One page of the posts the viewer may read that hold every word, best match first."""
    backend = backend_for(db.engine.dialect.name)
    match = backend.match()
    parameters = {"terms": backend.terms(criteria.words), **policy.viewer_parameters(viewer)}

    def matching(*columns):
        return (
            select(*columns)
            .select_from(match.source)
            .join(Post, Post.id == match.post_id)
            .join(Thread, Thread.id == Post.thread_id)
            .join(Space, Space.id == Post.space_id)
            .where(
                match.condition,
                Post.status == PostStatus.VISIBLE,
                Thread.status == PostStatus.VISIBLE,
                policy.readable_spaces_clause(viewer),
                *_filters(backend, criteria),
            )
        )

    counted = matching(match.post_id).limit(MOST_COUNTED + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(counted), parameters)
    number = Page.clamp(page, min(total, MOST_COUNTED), RESULTS_PER_PAGE)

    more_than_counted = total > MOST_COUNTED
    if more_than_counted:
        # The post id alone, so the engine reads its matches in that order and stops early.
        score, best_first = match.post_id.label("score"), True
        order = [match.post_id.desc()]
    else:
        score, best_first = match.score.label("score"), match.best_first
        order = [score.desc() if best_first else score.asc(), match.post_id.desc()]
    ranked = (
        matching(match.post_id.label("post_id"), score)
        .order_by(*order)
        .limit(RESULTS_PER_PAGE)
        .offset((number - 1) * RESULTS_PER_PAGE)
        .subquery("ranked")
    )
    rows = _page_rows(backend, ranked, best_first, viewer, parameters)
    return Results(
        Page(rows, number, RESULTS_PER_PAGE, min(total, MOST_COUNTED)), more_than_counted
    )


def _page_rows(backend, ranked, best_first: bool, viewer: User, parameters: dict) -> list[Result]:
    """The ranked page's posts, with their snippets: made for these posts alone."""
    statement = (
        select(ranked.c.post_id)
        .join(Post, Post.id == ranked.c.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Space, Space.id == Post.space_id)
        .outerjoin(Resource, Resource.thread_id == Thread.id)
    )
    statement, title, snippet = backend.highlight(statement, ranked.c.post_id)
    statement = authors.join_author(
        statement.add_columns(
            Post.public_id,
            Thread.public_id.label("thread_public_id"),
            Space.slug,
            Space.name,
            title.label("title"),
            snippet.label("snippet"),
            Post.content_warning,
            Post.created_at,
            Post.parent_id,
            Resource.kind.label("resource_kind"),
            *authors.author_columns(viewer.is_authenticated),
        ),
        Post.persona_id,
    )
    order = ranked.c.score.desc() if best_first else ranked.c.score.asc()
    found = db.session.execute(statement.order_by(order, ranked.c.post_id.desc()), parameters)
    return [
        Result(
            post_public_id=row.public_id,
            thread_public_id=row.thread_public_id,
            space_slug=row.slug,
            space_name=row.name,
            title=highlighted(row.title or ""),
            snippet=highlighted(row.snippet or ""),
            content_warning=row.content_warning,
            created_at=row.created_at,
            is_first=row.parent_id is None,
            author=authors.author(row),
            resource_kind=row.resource_kind if row.parent_id is None else None,
        )
        for row in found
    ]
