"""The operator's texts on /about and /privacy: read for the pages, changed by a site admin."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from forum import audit, markup
from forum.extensions import db
from forum.models import ActionKind, SiteText, SiteTextName, User
from forum.models.types import utcnow
from forum.policy import Action, require

TEXT_MAX_LENGTH = 20_000


@dataclass(frozen=True)
class OperatorTexts:
    """What a page shows of the operator's words; html is sanitised, changed_at None if never."""

    html: dict[SiteTextName, str]
    changed_at: dict[SiteTextName, datetime]


def _rows() -> dict[SiteTextName, SiteText]:
    return {row.name: row for row in db.session.scalars(select(SiteText))}


def operator_texts() -> OperatorTexts:
    """Every text in one query."""
    rows = _rows()
    return OperatorTexts(
        html={name: row.html for name, row in rows.items()},
        changed_at={name: row.updated_at for name, row in rows.items()},
    )


def sources() -> dict[SiteTextName, str]:
    """The Markdown of each text, for the admin's form."""
    return {name: row.source for name, row in _rows().items()}


def save_texts(actor: User, new_sources: dict[SiteTextName, str]) -> list[SiteTextName]:
    """Store the texts that changed, each with one mod log entry that keeps the text it
    replaced, so the operator's promises never change without a dated trail; return them."""
    require(actor, Action.EDIT_SITE_TEXTS)
    rows = _rows()
    changed = []
    for name, source in new_sources.items():
        source = source.strip()
        row = rows.get(name)
        before = row.source if row else ""
        if source == before:
            continue
        if row is None:
            row = SiteText(name=name)
            db.session.add(row)
        row.source = source
        row.html = markup.render(source)
        row.updated_at = utcnow()
        row.updated_by = actor.id
        audit.record(actor, ActionKind.SITE_TEXT_CHANGED, changes={"text": name, "before": before})
        changed.append(name)
    db.session.flush()
    return changed
