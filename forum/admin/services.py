"""Site admins' use cases: verified labels (the list, and who holds one) and creating spaces."""

from sqlalchemy import select

from forum import audit, labels, policy
from forum.errors import DomainError
from forum.extensions import db
from forum.models import ActionKind, Label, Membership, Role, Space, User
from forum.policy import Action
from forum.spaces.membership import admit, recount_members
from forum.spaces.settings import SpaceSettings, apply_values, check_slug, checked_values


class AdminError(DomainError):
    """A site administration use case refused; the message says why."""


def _require_admin(actor: User | None, action: Action) -> None:
    # actor None is the command line: the operator runs it on the server.
    if actor is not None:
        policy.require(actor, action)


def add_label(actor: User | None, name: str) -> Label:
    """Put a label on the list that accounts may hold and spaces may require."""
    _require_admin(actor, Action.MANAGE_USERS)
    label = labels.add_label(name)
    audit.record(actor, ActionKind.LABEL_ADDED, changes={"label": label.name})
    return label


def rename_label(actor: User | None, label_id: int, new_name: str) -> Label:
    """Rename a label; accounts holding it and spaces requiring it keep it under the new name."""
    _require_admin(actor, Action.MANAGE_USERS)
    label = db.session.get(Label, label_id)
    if label is None:
        raise AdminError("That label is not on the list.")
    old_name = labels.rename_label(label, new_name)
    if old_name != label.name:
        audit.record(actor, ActionKind.LABEL_RENAMED, changes={"from": old_name, "to": label.name})
    return label


def set_label(actor: User | None, user: User, label: str | None, note: str = "") -> None:
    """Grant a listed label to an account, or revoke it with None; the change is logged."""
    _require_admin(actor, Action.MANAGE_USERS)
    label = labels.resolve_label(label)
    if label == user.label:
        return
    previous = user.label
    user.label = label
    db.session.flush()
    kind = ActionKind.LABEL_GRANTED if label else ActionKind.LABEL_REVOKED
    audit.record(actor, kind, account=user, changes={"label": label or previous}, note=note)
    policy.forget()
    # Spaces that require the old or the new label count their members anew.
    affected = db.session.scalars(
        select(Space)
        .join(Membership, Membership.space_id == Space.id)
        .where(Membership.user_id == user.id, Space.required_label.in_([previous, label]))
    )
    for space in affected:
        recount_members(space)


def create_space(
    actor: User | None, slug: str, settings: SpaceSettings, owner: User | None = None
) -> Space:
    """Create a space (site admins, or the command line when actor is None)."""
    _require_admin(actor, Action.CREATE_SPACE)
    slug = check_slug(slug)
    values = checked_values(settings)
    space = Space(slug=slug, rules_version=1)
    apply_values(space, values)
    if owner is not None and not policy.holds_required_label(owner, space):
        # An owner without the label would hold a role that grants no access at all.
        raise AdminError(
            f"The owner must hold the label {space.required_label!r} that the space requires."
        )
    db.session.add(space)
    db.session.flush()
    if owner is not None:
        admit(owner, space, Role.OWNER)
    audit.record(actor, ActionKind.SPACE_CREATED, space=space, changes={"slug": space.slug})
    return space
