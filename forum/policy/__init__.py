"""The permission policy: the one answer to "may this viewer do this action on this object".

- `actions`: every Action; `rules`: one guard-clause rule per action, returning why not;
- `refusals`: the reasons, in words fit to show, and the Refusal that require() raises;
- `viewer`: the viewer's memberships and personas, read once per request;
- `loaders`: get_space_or_404 and friends, which load and authorise in one call;
- `trail`: the rules of the mod log, notifications, appeals and the reveal;
- `events`: the rules of events: organising, registering, and who is told the place;
- `posts`, `clauses`: the read rules for posts and spaces as SQL, for list pages.
"""

from flask import Flask
from flask_login import current_user

from forum.policy.actions import Action
from forum.policy.clauses import (
    member_spaces_condition,
    readable_spaces_clause,
    readable_spaces_condition,
    readers_condition,
    staff_somewhere_condition,
    staff_spaces_clause,
    staff_spaces_condition,
    viewer_parameters,
    visible_spaces_clause,
    visible_spaces_condition,
)
from forum.policy.events import event_space, is_organiser
from forum.policy.loaders import (
    get_event_or_404,
    get_post_or_404,
    get_resource_or_404,
    get_space_or_404,
    get_thread_or_404,
)
from forum.policy.refusals import Reason, Refusal
from forum.policy.rules import (
    RULES,
    active_membership,
    can,
    check,
    holds_required_label,
    is_author,
    is_site_admin,
    is_space_staff,
    require,
)
from forum.policy.trail import APPEALABLE
from forum.policy.viewer import (
    forget,
    has_pseudonym_in,
    membership_of,
    memberships_of,
    own_handle,
    registration_status,
    unwrapped,
)

__all__ = [
    "APPEALABLE",
    "RULES",
    "Action",
    "Reason",
    "Refusal",
    "active_membership",
    "can",
    "check",
    "event_space",
    "forget",
    "get_event_or_404",
    "get_post_or_404",
    "get_resource_or_404",
    "get_space_or_404",
    "get_thread_or_404",
    "has_pseudonym_in",
    "holds_required_label",
    "init_app",
    "is_author",
    "is_organiser",
    "is_site_admin",
    "is_space_staff",
    "member_spaces_condition",
    "membership_of",
    "memberships_of",
    "own_handle",
    "readable_spaces_clause",
    "readable_spaces_condition",
    "readers_condition",
    "registration_status",
    "require",
    "staff_spaces_clause",
    "staff_somewhere_condition",
    "staff_spaces_condition",
    "unwrapped",
    "viewer_parameters",
    "visible_spaces_clause",
    "visible_spaces_condition",
]


def init_app(app: Flask) -> None:
    """Let templates ask the same policy: `can(Action.READ_SPACE, space)`, and why not:
    `refusal(Action.JOIN_SPACE, space).message`."""

    def template_can(action: Action, target: object = None) -> bool:
        return can(current_user, action, target)

    def template_refusal(action: Action, target: object = None) -> Reason | None:
        return check(current_user, action, target)

    app.jinja_env.globals.update(can=template_can, refusal=template_refusal, Action=Action)
