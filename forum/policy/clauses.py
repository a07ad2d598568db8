"""The read rules as SQL, for list pages; a test proves they agree with can() for every viewer."""

from sqlalchemy import ColumnElement, false, or_, select, true

from forum.models import Membership, MembershipStatus, Role, Space, User, Visibility
from forum.policy.rules import is_site_admin


def visible_spaces_clause(viewer: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the spaces the viewer may see (the SEE_SPACE rule)."""
    if is_site_admin(viewer):
        return true()
    listed = Space.visibility != Visibility.HIDDEN
    if not viewer.is_authenticated:
        return listed
    return or_(listed, Space.id.in_(_space_ids(viewer)))


def readable_spaces_clause(viewer: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the spaces whose threads the viewer may read (READ_SPACE)."""
    public = Space.visibility == Visibility.PUBLIC
    if not viewer.is_authenticated:
        return public
    return or_(public, Space.id.in_(_space_ids(viewer)))


def staff_spaces_clause(viewer: User, space_id_column) -> ColumnElement[bool]:
    """A clause true where the space in `space_id_column` is one the viewer runs."""
    if not viewer.is_authenticated:
        return false()
    return space_id_column.in_(_space_ids(viewer, staff=True))


def _space_ids(viewer: User, staff: bool = False):
    """The spaces where the viewer's membership grants access now (active, label held)."""
    label_ok = (
        or_(Space.required_label.is_(None), Space.required_label == viewer.label)
        if viewer.label
        else Space.required_label.is_(None)
    )
    conditions = [
        Membership.user_id == viewer.id,
        Membership.status == MembershipStatus.ACTIVE,
        label_ok,
    ]
    if staff:
        conditions.append(Membership.role.in_([Role.MODERATOR, Role.OWNER]))
    return (
        select(Membership.space_id).join(Space, Space.id == Membership.space_id).where(*conditions)
    )
