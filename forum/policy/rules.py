"""The rules: for each action, guard clauses that return why the viewer may not, or None."""

from collections.abc import Callable

from sqlalchemy.orm.util import identity_key

from forum.extensions import db
from forum.models import (
    GONE_STATUSES,
    JoinPolicy,
    Membership,
    MembershipStatus,
    PersonaSanction,
    Post,
    PostStatus,
    Role,
    Space,
    Thread,
    User,
    Visibility,
)
from forum.policy import posts, refusals
from forum.policy.actions import Action
from forum.policy.refusals import Reason, Refusal
from forum.policy.viewer import (
    has_written_in,
    membership_of,
    owns_persona,
    unwrapped,
)


def check(viewer: User, action: Action, target: object = None) -> Reason | None:
    """Say why the viewer may not take the action on the target; None when they may."""
    return RULES[action](unwrapped(viewer), target)


def can(viewer: User, action: Action, target: object = None) -> bool:
    """Answer whether the viewer may take the action on the target."""
    return RULES[action](unwrapped(viewer), target) is None


def require(viewer: User, action: Action, target: object = None) -> None:
    """Raise Refusal, carrying its reason, unless the viewer may take the action."""
    reason = RULES[action](unwrapped(viewer), target)
    if reason is not None:
        raise Refusal(reason)


# Standing: who the viewer is in a space.


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
    # A ban decided on the member's persona takes the space away like a ban, until it lapses.
    if membership.sanction_now() == PersonaSanction.BANNED:
        return None
    return membership


def _persona_ban(membership: Membership | None) -> Reason | None:
    """The refusal of a ban decided on the member's persona, while it is in force."""
    if membership is not None and membership.sanction_now() == PersonaSanction.BANNED:
        return refusals.banned(membership.persona_sanction_until)
    return None


def _persona_mute(membership: Membership | None) -> Reason | None:
    """The refusal of a mute decided on the member's persona, while it is in force."""
    if membership is not None and membership.sanction_now() == PersonaSanction.MUTED:
        return refusals.muted(membership.persona_sanction_until)
    return None


def is_site_admin(viewer: User) -> bool:
    return viewer.is_authenticated and viewer.is_admin


def is_space_staff(viewer: User, space: Space) -> bool:
    """A moderator or owner of the space, with access to it now."""
    membership = active_membership(viewer, space)
    return membership is not None and membership.is_staff


def is_author(viewer: User, post: Post | Thread) -> bool:
    """Whether the viewer wrote the post (or started the thread), under any of their personas."""
    return owns_persona(viewer, post.persona_id)


def _loaded(model, row_id: int):
    # The session's identity map first: a page asks the policy this once per post, and the
    # row is nearly always loaded already; Session.get() costs more than the rest of the rule.
    found = db.session.identity_map.get(identity_key(model, row_id))
    return found if found is not None else db.session.get(model, row_id)


def _space_of(target: Thread | Post | Membership) -> Space:
    return _loaded(Space, target.space_id)


def _thread_of(post: Post) -> Thread:
    return _loaded(Thread, post.thread_id)


# Shared guards.


def _signed_in_and_free(viewer: User) -> Reason | None:
    if not viewer.is_authenticated:
        return refusals.SIGN_IN
    if viewer.is_suspended():
        return refusals.suspended(viewer.suspended_until)
    return None


def _unless_site_admin(viewer: User, _target=None) -> Reason | None:
    return None if is_site_admin(viewer) else refusals.NOT_ADMIN


def _takes_part_in(viewer: User, space: Space) -> Reason | None:
    """Signed in, not suspended, and an active member holding any required label, banned
    neither from the roster nor through a persona."""
    if reason := _signed_in_and_free(viewer):
        return reason
    membership = membership_of(viewer, space)
    if membership is not None and membership.status == MembershipStatus.BANNED:
        return refusals.banned(membership.banned_until)
    if membership is None or not membership.is_active:
        return refusals.NOT_A_MEMBER
    if reason := _persona_ban(membership):
        return reason
    if not holds_required_label(viewer, space):
        return refusals.label_required(space.required_label)
    return None


def _may_post_in(viewer: User, space: Space) -> Reason | None:
    """Taking part in the space, and not muted there."""
    if reason := _takes_part_in(viewer, space):
        return reason
    return _persona_mute(membership_of(viewer, space))


def _may_apply(viewer: User, space: Space) -> Reason | None:
    """Signed in, free, allowed to see the space, holding its label, and not in it yet."""
    if reason := _signed_in_and_free(viewer):
        return reason
    if reason := _see_space(viewer, space):
        return reason
    if not holds_required_label(viewer, space):
        return refusals.label_required(space.required_label)
    return _not_in_yet(membership_of(viewer, space))


def _not_in_yet(membership: Membership | None) -> Reason | None:
    if membership is None or membership.may_apply_again:
        return None
    if membership.sanction_now() == PersonaSanction.BANNED:
        return refusals.banned(membership.persona_sanction_until)
    if membership.status == MembershipStatus.BANNED:
        return refusals.banned(membership.banned_until)
    if membership.status == MembershipStatus.PENDING:
        return refusals.REQUEST_WAITING
    return refusals.ALREADY_MEMBER


def _staff_of_space(viewer: User, space: Space) -> Reason | None:
    return None if is_space_staff(viewer, space) else refusals.NOT_STAFF


def _staff_of_space_or_admin(viewer: User, space: Space) -> Reason | None:
    if is_site_admin(viewer) or is_space_staff(viewer, space):
        return None
    return refusals.NOT_STAFF


def _owner_of_space_or_admin(viewer: User, space: Space) -> Reason | None:
    if is_site_admin(viewer):
        return None
    mine = active_membership(viewer, space)
    return None if mine is not None and mine.role == Role.OWNER else refusals.OWNERS_LOOSEN


# Spaces.


def _see_space(viewer: User, space: Space) -> Reason | None:
    if space.visibility != Visibility.HIDDEN or is_site_admin(viewer):
        return None
    return None if active_membership(viewer, space) else refusals.NOT_FOUND


def _read_space(viewer: User, space: Space) -> Reason | None:
    if reason := _see_space(viewer, space):
        return reason
    if space.visibility == Visibility.PUBLIC:
        return None
    # Site admins manage closed spaces but do not read them unless they are members.
    return None if active_membership(viewer, space) else refusals.MEMBERS_ONLY


def _join_open_space(viewer: User, space: Space) -> Reason | None:
    if reason := _may_apply(viewer, space):
        return reason
    return None if space.join_policy == JoinPolicy.OPEN else refusals.NOT_OPEN


def _request_to_join(viewer: User, space: Space) -> Reason | None:
    if reason := _may_apply(viewer, space):
        return reason
    return None if space.join_policy == JoinPolicy.REQUEST else refusals.NOT_BY_REQUEST


def _accept_invitation(viewer: User, space: Space) -> Reason | None:
    # Any join policy (staff may invite people into open or request spaces too), and a hidden
    # space too: the link itself shows the space to the person holding it.
    if reason := _signed_in_and_free(viewer):
        return reason
    if not holds_required_label(viewer, space):
        return refusals.label_required(space.required_label)
    membership = membership_of(viewer, space)
    if membership is not None and membership.status == MembershipStatus.PENDING:
        return None  # an invitation settles a waiting request
    return _not_in_yet(membership)


def _accept_rules(viewer: User, space: Space) -> Reason | None:
    return None if active_membership(viewer, space) else refusals.NOT_A_MEMBER


def _leave_space(viewer: User, space: Space) -> Reason | None:
    membership = membership_of(viewer, space)
    if membership is None or membership.status not in (
        MembershipStatus.ACTIVE,
        MembershipStatus.PENDING,
    ):
        return refusals.NOT_A_MEMBER
    # Leaving deletes the membership, and with it a mute or ban: it stays until it ends.
    if membership.sanction_now() is not None:
        return refusals.sanction_stays(membership.persona_sanction_until)
    return None


def _start_thread(viewer: User, space: Space) -> Reason | None:
    return _may_post_in(viewer, space)


def _has_written_in(viewer: User, space: Space) -> Reason | None:
    # Whatever their standing now: the list holds only their own words.
    if not viewer.is_authenticated:
        return refusals.SIGN_IN
    return None if has_written_in(viewer, space) else refusals.NOT_FOUND


# Members.


def _outranks(viewer: User, target: Membership) -> Reason | None:
    """Staff act on members ranked below them; owners are removed only by a site admin."""
    if viewer.is_authenticated and target.user_id == viewer.id:
        return refusals.NOT_YOURSELF
    if is_site_admin(viewer):
        return None
    mine = active_membership(viewer, _space_of(target))
    if mine is None or not mine.is_staff or mine.role.rank <= Role(target.role).rank:
        return refusals.OUTRANKED
    return None


def _owner_of_space(viewer: User, target: Membership) -> Reason | None:
    if viewer.is_authenticated and target.user_id == viewer.id:
        return refusals.NOT_YOURSELF
    if is_site_admin(viewer):
        return None
    mine = active_membership(viewer, _space_of(target))
    return None if mine is not None and mine.role == Role.OWNER else refusals.NOT_OWNER


# Threads and posts.


def _read_thread(viewer: User, thread: Thread) -> Reason | None:
    space = _space_of(thread)
    if reason := _read_space(viewer, space):
        return reason
    listed = posts.is_listed(
        thread.status, is_author=is_author(viewer, thread), is_staff=is_space_staff(viewer, space)
    )
    return None if listed else refusals.NOT_FOUND


def _reply(viewer: User, thread: Thread) -> Reason | None:
    if thread.locked:
        return refusals.LOCKED
    if thread.status not in (PostStatus.VISIBLE, PostStatus.DELETED):
        return refusals.POST_GONE
    return _may_post_in(viewer, _space_of(thread))


def _staff_of_thread_space(viewer: User, thread: Thread) -> Reason | None:
    return _staff_of_space(viewer, _space_of(thread))


def _read_post(viewer: User, post: Post) -> Reason | None:
    if reason := _read_thread(viewer, _thread_of(post)):
        return reason
    listed = posts.is_listed(
        post.status,
        is_author=is_author(viewer, post),
        is_staff=is_space_staff(viewer, _space_of(post)),
    )
    return None if listed else refusals.NOT_FOUND


def _edit_own_post(viewer: User, post: Post) -> Reason | None:
    if post.status in GONE_STATUSES:
        return refusals.POST_GONE
    if _thread_of(post).locked:
        return refusals.LOCKED
    if not is_author(viewer, post):
        return refusals.NOT_AUTHOR
    return _may_post_in(viewer, _space_of(post))


def _delete_own_post(viewer: User, post: Post) -> Reason | None:
    if post.status in GONE_STATUSES:
        return refusals.POST_GONE
    # Not a member any more, removed, banned or suspended: their words are still theirs.
    return None if is_author(viewer, post) else refusals.NOT_AUTHOR


def _revisions_of_undeleted_post(viewer: User, post: Post) -> Reason | None:
    # A deleted post's earlier text is gone with it, for its author and staff alike.
    if post.status == PostStatus.DELETED:
        return refusals.POST_GONE
    if is_author(viewer, post) or is_space_staff(viewer, _space_of(post)):
        return None
    return refusals.NOT_AUTHOR


RULES: dict[Action, Callable[[User, object], Reason | None]] = {
    Action.CREATE_SPACE: _unless_site_admin,
    Action.MANAGE_USERS: _unless_site_admin,
    Action.EDIT_SITE_TEXTS: _unless_site_admin,
    Action.SEE_SPACE: _see_space,
    Action.READ_SPACE: _read_space,
    Action.JOIN_SPACE: _join_open_space,
    Action.REQUEST_TO_JOIN: _request_to_join,
    Action.ACCEPT_INVITATION: _accept_invitation,
    Action.ACCEPT_RULES: _accept_rules,
    Action.MARK_SPACE_READ: _accept_rules,  # the same: a member's own bookkeeping
    Action.LEAVE_SPACE: _leave_space,
    Action.VIEW_MEMBERS: _staff_of_space_or_admin,
    Action.REVIEW_REQUESTS: _staff_of_space,
    Action.MANAGE_INVITATIONS: _staff_of_space,
    Action.EDIT_SPACE_SETTINGS: _staff_of_space_or_admin,
    Action.LOOSEN_SPACE_SETTINGS: _owner_of_space_or_admin,
    Action.CANCEL_LOOSENING: _owner_of_space_or_admin,
    Action.START_THREAD: _start_thread,
    Action.LIST_OWN_POSTS: _has_written_in,
    Action.MODERATE_MEMBER: _outranks,
    Action.CHANGE_ROLE: _owner_of_space,
    Action.READ_THREAD: _read_thread,
    Action.REPLY: _reply,
    Action.LOCK_THREAD: _staff_of_thread_space,
    Action.PIN_THREAD: _staff_of_thread_space,
    Action.READ_POST: _read_post,
    Action.EDIT_POST: _edit_own_post,
    Action.DELETE_POST: _delete_own_post,
    Action.VIEW_REVISIONS: _revisions_of_undeleted_post,
}

# The rules of conduct (reports, watched words, the queue), of the trail (the mod log,
# notifications, appeals, the reveal) and of events live in modules of their own, which build
# on the standing above: imported last, once everything they use is defined.
from forum.policy.conduct import CONDUCT_RULES  # noqa: E402
from forum.policy.events import EVENT_RULES  # noqa: E402
from forum.policy.resources import RESOURCE_RULES  # noqa: E402
from forum.policy.trail import TRAIL_RULES  # noqa: E402

RULES.update(CONDUCT_RULES)
RULES.update(TRAIL_RULES)
RULES.update(RESOURCE_RULES)
RULES.update(EVENT_RULES)
