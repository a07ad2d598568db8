"""Reads for the site admin pages: accounts, recent label changes, the labels, every space."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import ActionKind, Label, ModAction, Space, User
from forum.pagination import Page, paginate

ACCOUNTS_PER_PAGE = 50
RECENT_LABEL_CHANGES = 20
SEARCH_MAX_LENGTH = 30


def account_page(search: str = "", page: int = 1) -> Page:
    """One page of accounts in username order, those starting with `search` (any case); an
    account its owner deleted is no longer one."""
    statement = select(User).where(User.deleted_at.is_(None)).order_by(User.username_key)
    if search:
        statement = statement.where(User.username_key.startswith(search.lower(), autoescape=True))
    return paginate(statement, page, ACCOUNTS_PER_PAGE)


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
            label=entry.changes.get("label", ""),
            note=entry.private_note,
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class LabelInUse:
    label: Label
    holders: int
    spaces: int


def labels_with_use() -> list[LabelInUse]:
    """Every listed label with how many accounts hold it and how many spaces require it."""
    holders = (
        select(func.count()).where(User.label == Label.name).correlate(Label).scalar_subquery()
    )
    spaces = (
        select(func.count())
        .where(Space.required_label == Label.name)
        .correlate(Label)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Label, holders, spaces).order_by(Label.name_key))
    return [LabelInUse(label, held, required) for label, held, required in rows]


def all_spaces() -> list[Space]:
    """Every space, hidden ones included, by name."""
    return list(db.session.scalars(select(Space).order_by(func.lower(Space.name), Space.id)))
