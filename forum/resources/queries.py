"""Reads for the library: a page of a space's resources the viewer may read, in two queries.

A resource is listed by READ_RESOURCE's rule as SQL (its thread's status, as a thread's title
is shown): held, hidden and removed ones to their contributor and the space's staff only,
deleted ones to nobody. Contributors come as Authors (forum.identity.authors), never accounts.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache

from sqlalchemy import Boolean, bindparam, func, select

from forum import policy
from forum.extensions import db
from forum.identity import authors
from forum.models import Resource, ResourceKind, Space, Thread, User
from forum.pagination import Page
from forum.policy import posts as post_rule

RESOURCES_PER_PAGE = 25


class Sort(StrEnum):
    NEWEST = "newest"
    TITLE = "title"


@dataclass(slots=True)
class LibraryEntry:
    public_id: str
    kind: str
    title: str
    status: str
    organisation: str | None
    licence: str | None
    version: str | None
    review_on: date | None
    link_url: str | None
    file_type: str | None
    file_size: int | None
    created_at: datetime
    thread_public_id: str
    reply_count: int
    author: authors.Author

    @property
    def has_file(self) -> bool:
        return self.file_type is not None


def _readable(signed_in: bool):
    is_staff = bindparam("viewer_is_staff", type_=Boolean)
    return post_rule.body_shown_clause(Thread.status, authors.is_viewer_clause(signed_in), is_staff)


@cache
def _library_statements(signed_in: bool, sort: Sort, by_kind: bool):
    """The count and the page of a space's library, for one shape of request."""
    conditions = [Resource.space_id == bindparam("space_id"), _readable(signed_in)]
    if by_kind:
        conditions.append(Resource.kind == bindparam("kind"))

    def joined(statement):
        statement = statement.join(Thread, Thread.id == Resource.thread_id)
        return authors.join_author(statement, Thread.persona_id).where(*conditions)

    count = joined(select(func.count()).select_from(Resource))
    order = (
        (func.lower(Thread.title), Resource.id)
        if sort == Sort.TITLE
        else (Resource.created_at.desc(), Resource.id.desc())
    )
    rows = (
        joined(
            select(
                Resource.public_id,
                Resource.kind,
                Resource.organisation,
                Resource.licence,
                Resource.version,
                Resource.review_on,
                Resource.link_url,
                Resource.file_type,
                Resource.file_size,
                Resource.created_at,
                Thread.title,
                Thread.status,
                Thread.public_id.label("thread_public_id"),
                Thread.reply_count,
                *authors.author_columns(signed_in),
            ).select_from(Resource)
        )
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return count, rows


def library(viewer: User, space: Space, page: int, sort: Sort, kind: ResourceKind | None) -> Page:
    """A page of the space's resources the viewer may read, filtered by type and sorted."""
    count, rows = _library_statements(viewer.is_authenticated, sort, kind is not None)
    parameters = {
        "space_id": space.id,
        "viewer_is_staff": policy.is_space_staff(viewer, space),
        **policy.viewer_parameters(viewer),
        **({"kind": kind} if kind is not None else {}),
    }
    total = db.session.scalar(count, parameters)
    number = Page.clamp(page, total, RESOURCES_PER_PAGE)
    found = db.session.execute(
        rows,
        {**parameters, "limit": RESOURCES_PER_PAGE, "offset": (number - 1) * RESOURCES_PER_PAGE},
    )
    entries = [
        LibraryEntry(
            public_id=row.public_id,
            kind=row.kind,
            title=row.title,
            status=row.status,
            organisation=row.organisation,
            licence=row.licence,
            version=row.version,
            review_on=row.review_on,
            link_url=row.link_url,
            file_type=row.file_type,
            file_size=row.file_size,
            created_at=row.created_at,
            thread_public_id=row.thread_public_id,
            reply_count=row.reply_count,
            author=authors.author(row),
        )
        for row in found
    ]
    return Page(entries, number, RESOURCES_PER_PAGE, total)
