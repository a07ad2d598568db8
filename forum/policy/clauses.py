"""The read rules as SQL, for list pages; a test proves they agree with can() for every viewer.

Each clause is built once per shape, with the viewer's id and label as bound parameters
(`viewer_parameters()`), so a page's statement is built and compiled once, not per request.
"""

from functools import cache

from sqlalchemy import ColumnElement, and_, bindparam, false, or_, select, true

from forum.models import (
    Membership,
    MembershipStatus,
    PersonaSanction,
    Role,
    Space,
    User,
    Visibility,
)
from forum.models.types import UTCDateTime, utcnow
from forum.policy.rules import is_site_admin


def viewer_parameters(viewer: User) -> dict:
    """The bound parameters of the clauses below (and of identity.authors' columns)."""
    if not viewer.is_authenticated:
        return {}
    # The time decides whether a persona ban has lapsed (Membership.sanction_now()).
    return {"viewer_id": viewer.id, "viewer_label": viewer.label, "now": utcnow()}


def _not_persona_banned():
    return or_(
        Membership.persona_sanction.is_(None),
        Membership.persona_sanction != PersonaSanction.BANNED,
        and_(
            Membership.persona_sanction_until.is_not(None),
            Membership.persona_sanction_until <= bindparam("now", type_=UTCDateTime),
        ),
    )


def _grants_access(user_id, label) -> list[ColumnElement[bool]]:
    """A membership of the account `user_id` that grants access now (active, label held)."""
    return [
        Membership.user_id == user_id,
        Membership.status == MembershipStatus.ACTIVE,
        # NULL when the account holds no label: only spaces that require none.
        or_(Space.required_label.is_(None), Space.required_label == label),
        _not_persona_banned(),
    ]


@cache
def _space_ids(staff: bool = False):
    """The spaces where the viewer's membership grants access now (active, label held)."""
    conditions = _grants_access(bindparam("viewer_id"), bindparam("viewer_label"))
    if staff:
        # Two comparisons, not IN: an IN list is expanded into the SQL on every execution.
        conditions.append(or_(Membership.role == Role.MODERATOR, Membership.role == Role.OWNER))
    return (
        select(Membership.space_id).join(Space, Space.id == Membership.space_id).where(*conditions)
    )


def _viewers_space_ids(viewer: User, staff: bool = False):
    """_space_ids() with this viewer's id and label bound in."""
    return _space_ids(staff).params(viewer_parameters(viewer))


def _listed_or_member_of(ids) -> ColumnElement[bool]:
    return or_(Space.visibility != Visibility.HIDDEN, Space.id.in_(ids))


def _public_or_member_of(ids) -> ColumnElement[bool]:
    return or_(Space.visibility == Visibility.PUBLIC, Space.id.in_(ids))


def visible_spaces_clause(viewer: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the spaces the viewer may see (the SEE_SPACE rule)."""
    if is_site_admin(viewer):
        return true()
    if not viewer.is_authenticated:
        return Space.visibility != Visibility.HIDDEN
    return _listed_or_member_of(_viewers_space_ids(viewer))


def readable_spaces_condition(signed_in: bool) -> ColumnElement[bool]:
    """The READ_SPACE rule as SQL, with the viewer's id and label left as parameters."""
    if not signed_in:
        return Space.visibility == Visibility.PUBLIC
    return _public_or_member_of(_space_ids())


def staff_spaces_condition(signed_in: bool, space_id_column) -> ColumnElement[bool]:
    """True where `space_id_column` is a space the viewer runs, with the viewer as parameters."""
    return space_id_column.in_(_space_ids(staff=True)) if signed_in else false()


def member_spaces_condition(space_id_column) -> ColumnElement[bool]:
    """True where `space_id_column` is a space whose membership grants the viewer access now
    (their read positions count there), with the viewer as parameters."""
    return space_id_column.in_(_space_ids())


def staff_somewhere_condition() -> ColumnElement[bool]:
    """SQL truth: the viewer runs at least one space (the VIEW_QUEUE rule, but for site admins),
    with the viewer as parameters."""
    return _space_ids(staff=True).exists()


def readable_spaces_clause(viewer: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the spaces whose threads the viewer may read (READ_SPACE)."""
    if not viewer.is_authenticated:
        return Space.visibility == Visibility.PUBLIC
    return _public_or_member_of(_viewers_space_ids(viewer))


def staff_spaces_clause(viewer: User, space_id_column) -> ColumnElement[bool]:
    """A clause true where the space in `space_id_column` is one the viewer runs."""
    if not viewer.is_authenticated:
        return false()
    return space_id_column.in_(_viewers_space_ids(viewer, staff=True))


def readers_condition(space: Space, staff: bool = False) -> ColumnElement[bool]:
    """SQL truth, per row of `users`: that account may read the space now (READ_SPACE), or
    with `staff` runs it; for telling many people at once. The time binds as `now`."""
    if space.visibility == Visibility.PUBLIC and not staff:
        return true()
    conditions = _grants_access(User.id, User.label)
    if staff:
        conditions.append(Membership.role.in_([Role.MODERATOR, Role.OWNER]))
    return (
        select(Membership.id)
        .join(Space, Space.id == Membership.space_id)
        .where(Membership.space_id == space.id, *conditions)
        .exists()
    )
