"""The library's rules: who adds resources to a space, reads one (and its file), and edits it."""

from collections.abc import Callable

from forum.extensions import db
from forum.models import GONE_STATUSES, Contributors, Resource, Space, Thread, User
from forum.policy import posts, refusals
from forum.policy.actions import Action
from forum.policy.refusals import Reason
from forum.policy.rules import (
    _may_post_in,
    _read_space,
    _space_of,
    is_author,
    is_space_staff,
)

STAFF_CONTRIBUTE = Reason(
    "staff_contribute", "In this space, only its moderators and owners add resources."
)
NOT_CONTRIBUTOR = Reason("not_contributor", "Only the resource's contributor can change it.")


def _thread_of(resource: Resource) -> Thread:
    # An identity-map hit when the page loaded the thread already: no extra query.
    return db.session.get(Thread, resource.thread_id)


def _add_resource(viewer: User, space: Space) -> Reason | None:
    if reason := _may_post_in(viewer, space):
        return reason
    if space.resource_contributors == Contributors.MODERATORS and not is_space_staff(viewer, space):
        return STAFF_CONTRIBUTE
    return None


def _read_resource(viewer: User, resource: Resource) -> Reason | None:
    """The space's read rule, then its thread's: a resource held, hidden or removed is there
    for its contributor and the space's staff only, and a deleted one for nobody."""
    space = _space_of(resource)
    if reason := _read_space(viewer, space):
        return reason
    thread = _thread_of(resource)
    shown = posts.shows_body(
        thread.status,
        is_author=is_author(viewer, thread),
        is_staff=is_space_staff(viewer, space),
    )
    return None if shown else refusals.NOT_FOUND


def _edit_resource(viewer: User, resource: Resource) -> Reason | None:
    thread = _thread_of(resource)
    if thread.status in GONE_STATUSES:
        return refusals.POST_GONE
    if thread.locked:
        return refusals.LOCKED
    if not is_author(viewer, thread):
        return NOT_CONTRIBUTOR
    return _may_post_in(viewer, _space_of(resource))


RESOURCE_RULES: dict[Action, Callable[[User, object], Reason | None]] = {
    Action.ADD_RESOURCE: _add_resource,
    Action.READ_RESOURCE: _read_resource,
    Action.EDIT_RESOURCE: _edit_resource,
}
