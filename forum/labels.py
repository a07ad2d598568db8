"""The list of verified labels that site admins keep: look-ups, adding and renaming.

Accounts hold and spaces require labels from this list only, chosen by name; a label typed
with other spacing or case ("police officer") finds the listed one ("Police officer").
"""

from sqlalchemy import select

from forum.errors import DomainError
from forum.extensions import db
from forum.models import Label
from forum.models.label import LABEL_MAX_LENGTH, LABEL_MIN_LENGTH, label_key


class LabelError(DomainError):
    """A label use case refused; the message says why."""


def all_labels() -> list[Label]:
    """Every label on the list, by name."""
    return list(db.session.scalars(select(Label).order_by(Label.name_key)))


def find_label(name: str) -> Label | None:
    """The listed label with this name, ignoring spacing and case, or None."""
    return db.session.scalar(select(Label).where(Label.name_key == label_key(name)))


def resolve_label(name: str | None) -> str | None:
    """The listed spelling of a label name; None or blank means no label."""
    if not (name or "").strip():
        return None
    label = find_label(_clean_name(name))
    if label is None:
        raise LabelError(
            f"There is no verified label called {' '.join(name.split())!r}. "
            "Site admins keep the list of labels."
        )
    return label.name


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not LABEL_MIN_LENGTH <= len(name) <= LABEL_MAX_LENGTH:
        raise LabelError(f"A label is {LABEL_MIN_LENGTH} to {LABEL_MAX_LENGTH} characters long.")
    if not all(character.isprintable() for character in name):
        raise LabelError("A label is plain text: letters, digits, spaces and punctuation.")
    return name


def add_label(name: str) -> Label:
    """Put a new label on the list (the caller checks who may; the admin service logs it)."""
    name = _clean_name(name)
    if find_label(name) is not None:
        raise LabelError(f"The label {find_label(name).name!r} is already on the list.")
    label = Label(name=name, name_key=label_key(name))
    db.session.add(label)
    db.session.flush()
    return label


def rename_label(label: Label, new_name: str) -> str:
    """Rename a label everywhere it is held or required; return the old name."""
    new_name = _clean_name(new_name)
    existing = find_label(new_name)
    if existing is not None and existing.id != label.id:
        raise LabelError(f"The label {existing.name!r} is already on the list.")
    old_name = label.name
    label.name = new_name
    label.name_key = label_key(new_name)
    db.session.flush()  # ON UPDATE CASCADE renames it on accounts and spaces...
    db.session.expire_all()  # ...in the database: rows already loaded read it afresh
    return old_name
