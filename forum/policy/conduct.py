"""The rules of conduct: reporting posts, watched words, the queue and deciding about posts."""

from collections.abc import Callable

from forum.models import Post, PostStatus, Space, User
from forum.policy import refusals
from forum.policy.actions import Action
from forum.policy.refusals import Reason
from forum.policy.rules import (
    _signed_in_and_free,
    _space_of,
    _staff_of_space,
    _staff_of_space_or_admin,
    _takes_part_in,
    _unless_site_admin,
    holds_required_label,
    is_author,
    is_site_admin,
)
from forum.policy.viewer import memberships_of


def _moderates_a_space(viewer: User, _target=None) -> Reason | None:
    """Site admins, and the active staff of at least one space (holding its label)."""
    if reason := _signed_in_and_free(viewer):
        return reason
    if is_site_admin(viewer):
        return None
    for membership in memberships_of(viewer).values():
        if membership.is_staff and holds_required_label(viewer, _space_of(membership)):
            return None
    return refusals.NOT_MODERATOR


def _flag_post(viewer: User, post: Post) -> Reason | None:
    # A muted member may still report: muting stops their posting, not their reading.
    if reason := _takes_part_in(viewer, _space_of(post)):
        return reason
    if is_author(viewer, post):
        return refusals.OWN_POST
    if post.status not in (PostStatus.VISIBLE, PostStatus.HIDDEN):
        return refusals.NOT_REPORTABLE
    return None


# Watched words.


def _manage_watched_words(viewer: User, space: Space | None) -> Reason | None:
    if space is None:  # the site-wide list
        return _unless_site_admin(viewer)
    return _staff_of_space(viewer, space)


def _staff_of_post_space_or_admin(viewer: User, post: Post) -> Reason | None:
    # Site admins decide about every space's posts: the queue is the one place they read a
    # closed space's posts, and only those in it.
    if reason := _signed_in_and_free(viewer):
        return reason
    return _staff_of_space_or_admin(viewer, _space_of(post))


CONDUCT_RULES: dict[Action, Callable[[User, object], Reason | None]] = {
    Action.MANAGE_WATCHED_WORDS: _manage_watched_words,
    Action.VIEW_QUEUE: _moderates_a_space,
    Action.FLAG_POST: _flag_post,
    Action.MODERATE_POST: _staff_of_post_space_or_admin,
}
