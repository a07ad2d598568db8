"""Pagination: one page type, one parser of page numbers, one way to page a query."""

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from forum.extensions import db

# Far past any real list, and small enough that an offset never overflows a database integer.
MAX_PAGE_NUMBER = 100_000


def page_number(argument: str = "page") -> int:
    """The page the request asks for: a whole number from 1, anything else is page 1."""
    raw = request.args.get(argument, "")
    if not raw.isascii() or not raw.isdigit():
        return 1
    return min(max(int(raw), 1), MAX_PAGE_NUMBER)


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, where it is, and how many pages there are."""

    items: list[Any]
    number: int
    per_page: int
    total: int

    @classmethod
    def clamp(cls, number: int, total: int, per_page: int) -> int:
        """The page number within the pages that exist: past the end is the last page."""
        return min(max(number, 1), page_count(total, per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def prev_num(self) -> int:
        return self.number - 1

    @property
    def next_num(self) -> int:
        return self.number + 1

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def paginate(statement: Select, number: int, per_page: int, *, scalars: bool = True) -> Page:
    """Run a select for one page: a count, then the page's rows (entities when `scalars`)."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    number = Page.clamp(number, total, per_page)
    paged = statement.limit(per_page).offset((number - 1) * per_page)
    rows = db.session.scalars(paged) if scalars else db.session.execute(paged)
    return Page(list(rows.all()), number, per_page, total)
