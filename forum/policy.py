"""The permission policy: the one answer to "may this viewer do this action on this object"."""

from enum import StrEnum

from flask import abort, g, has_app_context
from sqlalchemy import ColumnElement, or_, select, true

from forum.extensions import db
from forum.models import (
    Membership,
    MembershipStatus,
    Persona,
    Post,
    PostStatus,
    Role,
    Space,
    Thread,
    User,
    Visibility,
)
from forum.models.space import JoinPolicy


class Action(StrEnum):
    # Site
    CREATE_SPACE = "create_space"
    MANAGE_USERS = "manage_users"  # the admin pages: accounts and verified labels
    # A space (target: Space)
    SEE_SPACE = "see_space"  # know it exists: its name, description, rules, join control
    READ_SPACE = "read_space"  # its threads and posts
    JOIN_SPACE = "join_space"  # open spaces: join after accepting the rules
    REQUEST_TO_JOIN = "request_to_join"
    ACCEPT_INVITATION = "accept_invitation"
    LEAVE_SPACE = "leave_space"
    VIEW_MEMBERS = "view_members"  # the roster, by username
    REVIEW_REQUESTS = "review_requests"
    MANAGE_INVITATIONS = "manage_invitations"
    EDIT_SPACE_SETTINGS = "edit_space_settings"
    START_THREAD = "start_thread"
    # A member of a space (target: Membership)
    MODERATE_MEMBER = "moderate_member"  # remove, ban, unban
    CHANGE_ROLE = "change_role"  # promote, demote
    # A thread (target: Thread)
    REPLY = "reply"
    LOCK_THREAD = "lock_thread"  # lock and unlock
    PIN_THREAD = "pin_thread"  # pin and unpin
    # A post (target: Post)
    EDIT_POST = "edit_post"
    DELETE_POST = "delete_post"
    VIEW_REVISIONS = "view_revisions"


class PolicyError(Exception):
    """The viewer may not do this; the message says why, in words fit to show them."""


def can(viewer: User, action: Action, target: object = None) -> bool:
    """Answer whether the viewer may take the action on the target."""
    return RULES[action](viewer, target)


def require(viewer: User, action: Action, target: object = None) -> None:
    """Raise PolicyError unless the viewer may take the action on the target."""
    if not can(viewer, action, target):
        raise PolicyError(REFUSALS.get(action, "You may not do that."))


# Membership look-ups are cached per request: a page asks many rules about one space.


def membership_of(viewer: User, space: Space) -> Membership | None:
    """Return the viewer's membership row in the space, whatever its status, or None."""
    if not viewer.is_authenticated:
        return None
    cache = g.setdefault("memberships", {}) if has_app_context() else {}
    key = (viewer.id, space.id)
    if key not in cache:
        cache[key] = db.session.scalar(
            select(Membership).where(
                Membership.user_id == viewer.id, Membership.space_id == space.id
            )
        )
    return cache[key]


def forget_memberships() -> None:
    """Drop cached memberships after a service adds or deletes one."""
    if has_app_context():
        g.pop("memberships", None)


def holds_required_label(viewer: User, space: Space) -> bool:
    return space.required_label is None or (
        viewer.is_authenticated and viewer.label == space.required_label
    )


def active_membership(viewer: User, space: Space) -> Membership | None:
    """The viewer's membership when it grants access now: active, with any required label."""
    membership = membership_of(viewer, space)
    if membership is None or not membership.is_active:
        return None
    # Revoking a verified label takes away access to the spaces that require it.
    if not holds_required_label(viewer, space):
        return None
    return membership


def _is_admin(viewer: User) -> bool:
    return viewer.is_authenticated and viewer.is_admin


def _is_staff(viewer: User, space: Space) -> bool:
    membership = active_membership(viewer, space)
    return membership is not None and membership.is_staff


def _is_owner(viewer: User, space: Space) -> bool:
    membership = active_membership(viewer, space)
    return membership is not None and membership.role == Role.OWNER


# The rules, as guard clauses.


def _create_space(viewer, _target) -> bool:
    return _is_admin(viewer)


def _see_space(viewer, space: Space) -> bool:
    if space.visibility != Visibility.HIDDEN:
        return True
    return _is_admin(viewer) or active_membership(viewer, space) is not None


def _read_space(viewer, space: Space) -> bool:
    if space.visibility == Visibility.PUBLIC:
        return True
    # Site admins manage closed spaces but do not read them unless they are members.
    return active_membership(viewer, space) is not None


def _may_apply(viewer, space: Space) -> bool:
    """Signed in, allowed to see the space, holding its label, and not yet in it."""
    if not viewer.is_authenticated or viewer.is_suspended():
        return False
    if not _see_space(viewer, space) or not holds_required_label(viewer, space):
        return False
    membership = membership_of(viewer, space)
    return membership is None or membership.may_apply_again


def _join_space(viewer, space: Space) -> bool:
    return space.join_policy == JoinPolicy.OPEN and _may_apply(viewer, space)


def _request_to_join(viewer, space: Space) -> bool:
    return space.join_policy == JoinPolicy.REQUEST and _may_apply(viewer, space)


def _accept_invitation(viewer, space: Space) -> bool:
    # Any join policy: moderators may invite people into open or request spaces too.
    if not viewer.is_authenticated or viewer.is_suspended():
        return False
    if not holds_required_label(viewer, space):
        return False
    membership = membership_of(viewer, space)
    return (
        membership is None
        or membership.may_apply_again
        or membership.status == MembershipStatus.PENDING
    )


def _leave_space(viewer, space: Space) -> bool:
    membership = membership_of(viewer, space)
    return membership is not None and membership.status in (
        MembershipStatus.ACTIVE,
        MembershipStatus.PENDING,
    )


def _space_staff(viewer, space: Space) -> bool:
    return _is_staff(viewer, space)


def _staff_or_admin(viewer, space: Space) -> bool:
    return _is_admin(viewer) or _is_staff(viewer, space)


def _moderate_member(viewer, target: Membership) -> bool:
    """Staff act on members ranked below them; owners are removed only by a site admin."""
    if viewer.is_authenticated and target.user_id == viewer.id:
        return False
    if _is_admin(viewer):
        return True
    mine = active_membership(viewer, target.space)
    return mine is not None and mine.is_staff and mine.role.rank > target.role.rank


def _change_role(viewer, target: Membership) -> bool:
    if viewer.is_authenticated and target.user_id == viewer.id:
        return False
    return _is_admin(viewer) or _is_owner(viewer, target.space)


def _start_thread(viewer, space: Space) -> bool:
    if not viewer.is_authenticated or viewer.is_suspended():
        return False
    return active_membership(viewer, space) is not None


def _space_of(target: Thread | Post) -> Space:
    # An identity-map hit when the page loaded the space already: no extra query.
    return db.session.get(Space, target.space_id)


def _reply(viewer, thread: Thread) -> bool:
    if thread.locked or thread.status != PostStatus.VISIBLE:
        return False
    return _start_thread(viewer, _space_of(thread))


def _thread_staff(viewer, thread: Thread) -> bool:
    return _is_staff(viewer, _space_of(thread))


def is_author(viewer: User, post: Post) -> bool:
    """Whether the viewer wrote the post, under any of their personas."""
    if not viewer.is_authenticated:
        return False
    return db.session.get(Persona, post.persona_id).user_id == viewer.id


def _edit_post(viewer, post: Post) -> bool:
    if post.status in (PostStatus.DELETED, PostStatus.REMOVED):
        return False
    thread = db.session.get(Thread, post.thread_id)
    if thread.locked or not is_author(viewer, post):
        return False
    return _start_thread(viewer, _space_of(post))


def _delete_post(viewer, post: Post) -> bool:
    if post.status in (PostStatus.DELETED, PostStatus.REMOVED):
        return False
    return is_author(viewer, post) and active_membership(viewer, _space_of(post)) is not None


def _view_revisions(viewer, post: Post) -> bool:
    return is_author(viewer, post) or _is_staff(viewer, _space_of(post))


RULES = {
    Action.CREATE_SPACE: _create_space,
    Action.MANAGE_USERS: _create_space,
    Action.SEE_SPACE: _see_space,
    Action.READ_SPACE: _read_space,
    Action.JOIN_SPACE: _join_space,
    Action.REQUEST_TO_JOIN: _request_to_join,
    Action.ACCEPT_INVITATION: _accept_invitation,
    Action.LEAVE_SPACE: _leave_space,
    Action.VIEW_MEMBERS: _staff_or_admin,
    Action.REVIEW_REQUESTS: _space_staff,
    Action.MANAGE_INVITATIONS: _space_staff,
    Action.EDIT_SPACE_SETTINGS: _staff_or_admin,
    Action.MODERATE_MEMBER: _moderate_member,
    Action.CHANGE_ROLE: _change_role,
    Action.START_THREAD: _start_thread,
    Action.REPLY: _reply,
    Action.LOCK_THREAD: _thread_staff,
    Action.PIN_THREAD: _thread_staff,
    Action.EDIT_POST: _edit_post,
    Action.DELETE_POST: _delete_post,
    Action.VIEW_REVISIONS: _view_revisions,
}

REFUSALS = {
    Action.JOIN_SPACE: "You cannot join this space.",
    Action.REQUEST_TO_JOIN: "You cannot ask to join this space.",
    Action.ACCEPT_INVITATION: "You cannot accept this invitation.",
    Action.LEAVE_SPACE: "You are not a member of this space.",
    Action.MODERATE_MEMBER: "You may not moderate this member.",
    Action.CHANGE_ROLE: "Only the space's owners may change roles.",
    Action.START_THREAD: "Only members of this space can start threads. Join it first.",
    Action.REPLY: "You cannot reply here.",
    Action.EDIT_POST: "You cannot edit this post.",
    Action.DELETE_POST: "You cannot delete this post.",
}


# Loaders: load and authorise in one call. What the viewer may not know exists is a 404.


def get_space_or_404(viewer: User, slug: str, action: Action = Action.SEE_SPACE) -> Space:
    """Return the space when the viewer may see it and take the action, else answer 404/403."""
    space = db.session.scalar(select(Space).where(Space.slug == slug))
    if space is None or not can(viewer, Action.SEE_SPACE, space):
        abort(404)
    if action != Action.SEE_SPACE and not can(viewer, action, space):
        # A hidden space's staff pages stay 404 to members; listed spaces may admit to existing.
        abort(404 if space.is_hidden else 403)
    return space


# The same rules as SQL, for list pages: a test proves they agree with can().


def visible_spaces_clause(viewer: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the spaces the viewer may see (the SEE_SPACE rule)."""
    if _is_admin(viewer):
        return true()
    listed = Space.visibility != Visibility.HIDDEN
    if not viewer.is_authenticated:
        return listed
    return or_(listed, Space.id.in_(_active_space_ids(viewer)))


def readable_spaces_clause(viewer: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the spaces whose threads the viewer may read (READ_SPACE)."""
    public = Space.visibility == Visibility.PUBLIC
    if not viewer.is_authenticated:
        return public
    return or_(public, Space.id.in_(_active_space_ids(viewer)))


def _active_space_ids(viewer: User):
    label_ok = (
        or_(Space.required_label.is_(None), Space.required_label == viewer.label)
        if viewer.label
        else Space.required_label.is_(None)
    )
    return (
        select(Membership.space_id)
        .join(Space, Space.id == Membership.space_id)
        .where(
            Membership.user_id == viewer.id,
            Membership.status == MembershipStatus.ACTIVE,
            label_ok,
        )
    )


def init_app(app) -> None:
    """Let templates ask the same policy: `can(Action.READ_SPACE, space)`."""
    from flask_login import current_user

    def template_can(action: Action, target: object = None) -> bool:
        return can(current_user, action, target)

    app.jinja_env.globals.update(can=template_can, Action=Action)
