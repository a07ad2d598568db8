"""Reads for the site admin pages: accounts, recent label changes, every space."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, union
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import Space, User
from moderation.models import ActionKind, ModAction

ACCOUNTS_PER_PAGE = 50
RECENT_LABEL_CHANGES = 20


@dataclass(frozen=True)
class AccountPage:
    users: list[User]
    total: int
    page: int
    pages: int
    search: str

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def account_page(search: str = "", page: int = 1) -> AccountPage:
    """One page of accounts in username order, those starting with `search` (any case)."""
    search = search.strip()
    where = []
    if search:
        where.append(User.username_key.startswith(search.lower(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(User).where(*where))
    pages = max(1, -(-total // ACCOUNTS_PER_PAGE))
    page = min(max(page, 1), pages)
    users = db.session.scalars(
        select(User)
        .where(*where)
        .order_by(User.username_key)
        .limit(ACCOUNTS_PER_PAGE)
        .offset((page - 1) * ACCOUNTS_PER_PAGE)
    ).all()
    return AccountPage(list(users), total, page, pages, search)


@dataclass(frozen=True)
class LabelChange:
    at: datetime
    actor: str | None  # None: the command line
    target: str | None  # None: the account was deleted
    granted: bool
    label: str
    note: str


def recent_label_changes(limit: int = RECENT_LABEL_CHANGES) -> list[LabelChange]:
    """The latest grants and revocations of verified labels, newest first."""
    entries = db.session.scalars(
        select(ModAction)
        .where(ModAction.action.in_([ActionKind.LABEL_GRANTED, ActionKind.LABEL_REVOKED]))
        .options(joinedload(ModAction.actor), joinedload(ModAction.target_user))
        .order_by(ModAction.created_at.desc(), ModAction.id.desc())
        .limit(limit)
    ).all()
    return [
        LabelChange(
            at=entry.created_at,
            actor=entry.actor.username if entry.actor else None,
            target=entry.target_user.username if entry.target_user else None,
            granted=entry.action == ActionKind.LABEL_GRANTED,
            label=entry.detail.removeprefix("label: "),
            note=entry.private_note,
        )
        for entry in entries
    ]


def labels_in_use() -> list[str]:
    """Every label held by a user or required by a space, to suggest the exact spelling."""
    held = select(User.label.label("label")).where(User.label.is_not(None))
    required = select(Space.required_label.label("label")).where(Space.required_label.is_not(None))
    return sorted(db.session.scalars(union(held, required)))


def all_spaces() -> list[Space]:
    """Every space, hidden ones included, by name."""
    return list(db.session.scalars(select(Space).order_by(func.lower(Space.name), Space.id)))
