"""The policy, table by table: every Action for every kind of viewer."""

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from forum.extensions import db
from forum.models import Membership
from forum.models.types import utcnow
from forum.policy import RULES, Action, can
from tests.events.test_event_rules import EVENT_ACTIONS
from tests.policy.test_resource_rules import RESOURCE_ACTIONS
from tests.policy.test_trail_rules import TRAIL_ACTIONS
from tests.support.access import VIEWERS  # noqa: F401  (the viewers of the access world)

# These tests commit nothing: they share one world, and what each changes is rolled back.
pytestmark = pytest.mark.shared_world

ALL = set(VIEWERS)
STAFF = {"owner", "moderator"}

# (action, kind of space) -> the viewers who may take the action.
SPACE_TABLE = {
    (Action.SEE_SPACE, "public"): ALL,
    (Action.SEE_SPACE, "hidden"): {"owner", "moderator", "member", "admin"},
    (Action.READ_SPACE, "public"): ALL,
    (Action.READ_SPACE, "members"): {"owner", "moderator", "member"},
    (Action.READ_SPACE, "labelled"): {"owner", "moderator", "member"},
    (Action.JOIN_SPACE, "public"): {"outsider", "unlabelled", "pending", "admin"},
    (Action.JOIN_SPACE, "members"): set(),
    (Action.REQUEST_TO_JOIN, "members"): {"outsider", "unlabelled", "admin"},
    (Action.REQUEST_TO_JOIN, "labelled"): {"outsider"},
    (Action.REQUEST_TO_JOIN, "hidden"): set(),
    (Action.ACCEPT_INVITATION, "hidden"): {"outsider", "unlabelled", "pending", "admin"},
    (Action.ACCEPT_INVITATION, "labelled"): {"outsider", "pending"},
    (Action.LEAVE_SPACE, "members"): {"owner", "moderator", "member", "pending"},
    (Action.LEAVE_SPACE, "hidden"): {"owner", "moderator", "member"},
    (Action.VIEW_MEMBERS, "members"): STAFF | {"admin"},
    (Action.VIEW_MEMBERS, "hidden"): STAFF | {"admin"},
    (Action.REVIEW_REQUESTS, "members"): STAFF,
    (Action.MANAGE_INVITATIONS, "hidden"): STAFF,
    (Action.EDIT_SPACE_SETTINGS, "labelled"): STAFF | {"admin"},
    (Action.LOOSEN_SPACE_SETTINGS, "hidden"): {"owner", "admin"},
    (Action.LOOSEN_SPACE_SETTINGS, "labelled"): {"owner", "admin"},
    (Action.CANCEL_LOOSENING, "members"): {"owner", "admin"},
    (Action.START_THREAD, "public"): {"owner", "moderator", "member"},
    (Action.START_THREAD, "labelled"): {"owner", "moderator", "member"},
    # Members by default (the space's resource_contributors setting: tests/resources).
    (Action.ADD_RESOURCE, "public"): {"owner", "moderator", "member"},
    (Action.ADD_RESOURCE, "hidden"): {"owner", "moderator", "member"},
    # Nobody has written in the hidden space: its own-posts list is nobody's (authors, past
    # members among them, are in tests/threads/test_own_words.py).
    (Action.LIST_OWN_POSTS, "hidden"): set(),
    (Action.ACCEPT_RULES, "members"): {"owner", "moderator", "member"},
    (Action.ACCEPT_RULES, "labelled"): {"owner", "moderator", "member"},
    (Action.MARK_SPACE_READ, "public"): {"owner", "moderator", "member"},
    (Action.MARK_SPACE_READ, "hidden"): {"owner", "moderator", "member"},
    (Action.CREATE_SPACE, None): {"admin"},
    (Action.MANAGE_USERS, None): {"admin"},
    (Action.EDIT_SITE_TEXTS, None): {"admin"},
    (Action.MANAGE_WATCHED_WORDS, "members"): STAFF,
    (Action.MANAGE_WATCHED_WORDS, "labelled"): STAFF,
    (Action.MANAGE_WATCHED_WORDS, None): {"admin"},
    # Staff of any space (here: of all of them) and site admins; members are refused.
    (Action.VIEW_QUEUE, None): STAFF | {"admin"},
    (Action.REQUEST_REVEAL, None): {"admin"},
    (Action.READ_MODLOG, "public"): ALL,
    (Action.READ_MODLOG, "members"): {"owner", "moderator", "member"},
    (Action.READ_MODLOG, "hidden"): {"owner", "moderator", "member"},
    (Action.READ_MODLOG_NOTES, "public"): STAFF,
    (Action.READ_MODLOG_NOTES, "members"): STAFF,
}

# (action, role of the member acted on) -> the viewers who may act on them.
MEMBER_TABLE = {
    (Action.MODERATE_MEMBER, "member"): STAFF | {"admin"},
    (Action.MODERATE_MEMBER, "moderator"): {"owner", "admin"},
    (Action.MODERATE_MEMBER, "owner"): {"admin"},
    (Action.CHANGE_ROLE, "member"): {"owner", "admin"},
    (Action.CHANGE_ROLE, "moderator"): {"owner", "admin"},
    (Action.CHANGE_ROLE, "owner"): {"admin"},
}


# (action, state of a thread by "member" in the public space) -> who may take the action.
AUTHOR_AND_STAFF = STAFF | {"member"}
THREAD_TABLE = {
    (Action.READ_THREAD, "open"): ALL,
    (Action.READ_THREAD, "pending"): AUTHOR_AND_STAFF,
    (Action.READ_THREAD, "removed"): ALL,  # listed, with a placeholder for others
    (Action.READ_POST, "open"): ALL,
    (Action.READ_POST, "pending"): AUTHOR_AND_STAFF,
    (Action.READ_POST, "deleted"): ALL,
    (Action.REPLY, "open"): {"owner", "moderator", "member"},
    (Action.REPLY, "deleted"): {"owner", "moderator", "member"},  # its replies stay open
    (Action.REPLY, "removed"): set(),
    (Action.REPLY, "locked"): set(),
    (Action.LOCK_THREAD, "open"): STAFF,
    (Action.PIN_THREAD, "open"): STAFF,
    (Action.EDIT_POST, "open"): {"member"},
    (Action.EDIT_POST, "locked"): set(),
    (Action.DELETE_POST, "open"): {"member"},
    (Action.DELETE_POST, "deleted"): set(),
    (Action.VIEW_REVISIONS, "open"): STAFF | {"member"},
    (Action.VIEW_REVISIONS, "removed"): STAFF | {"member"},
    (Action.VIEW_REVISIONS, "deleted"): set(),
    # Reported by anyone who may post there but its author; a post hidden by reports still
    # takes more; one waiting, removed or deleted takes none.
    (Action.FLAG_POST, "open"): STAFF,
    (Action.FLAG_POST, "hidden"): STAFF,
    (Action.FLAG_POST, "locked"): STAFF,
    (Action.FLAG_POST, "pending"): set(),
    (Action.FLAG_POST, "removed"): set(),
    (Action.FLAG_POST, "deleted"): set(),
    # Site admins decide about posts of every space: the queue is where they read them.
    (Action.MODERATE_POST, "open"): STAFF | {"admin"},
    (Action.MODERATE_POST, "pending"): STAFF | {"admin"},
    (Action.MODERATE_POST, "removed"): STAFF | {"admin"},
}


def viewer_user(access_world, viewer):
    return AnonymousUserMixin() if viewer == "visitor" else access_world.users[viewer]


def test_every_action_is_in_a_table():
    tested = {action for table in (SPACE_TABLE, MEMBER_TABLE, THREAD_TABLE) for action, _ in table}
    tested |= TRAIL_ACTIONS  # their targets are log entries, notifications, appeals, reveals
    tested |= RESOURCE_ACTIONS  # their targets are resources
    tested |= EVENT_ACTIONS  # tests/events/test_event_rules.py, on events of every space
    assert tested == set(RULES) == set(Action)


@pytest.mark.parametrize(("action", "kind"), SPACE_TABLE)
def test_space_actions(access_world, action, kind):
    target = access_world.spaces[kind] if kind else None
    allowed = {v for v in VIEWERS if can(viewer_user(access_world, v), action, target)}
    assert allowed == SPACE_TABLE[(action, kind)]


@pytest.mark.parametrize(("action", "role"), MEMBER_TABLE)
def test_actions_on_members(access_world, action, role):
    space = access_world.spaces["members"]
    target = db.session.scalar(
        select(Membership).where(
            Membership.space_id == space.id, Membership.user_id == access_world.users[role].id
        )
    )
    target.space = space
    allowed = {v for v in VIEWERS if can(viewer_user(access_world, v), action, target)}
    assert allowed == MEMBER_TABLE[(action, role)]


def test_a_lapsed_ban_lets_the_person_join_again(access_world):
    space = access_world.spaces["public"]
    banned = access_world.users["banned"]
    assert not can(banned, Action.JOIN_SPACE, space)
    membership = db.session.scalar(
        select(Membership).where(Membership.space_id == space.id, Membership.user_id == banned.id)
    )
    membership.banned_until = utcnow() + timedelta(hours=1)
    assert not can(banned, Action.JOIN_SPACE, space)
    membership.banned_until = utcnow() - timedelta(seconds=1)
    assert can(banned, Action.JOIN_SPACE, space)
    assert not can(banned, Action.READ_SPACE, access_world.spaces["members"])


def test_suspended_account_may_not_join_request_or_accept(access_world):
    outsider = access_world.users["outsider"]
    outsider.suspended_until = utcnow() + timedelta(days=1)
    assert not can(outsider, Action.JOIN_SPACE, access_world.spaces["public"])
    assert not can(outsider, Action.REQUEST_TO_JOIN, access_world.spaces["members"])
    assert not can(outsider, Action.ACCEPT_INVITATION, access_world.spaces["hidden"])


@pytest.mark.parametrize(("action", "state"), THREAD_TABLE)
def test_actions_on_threads_and_posts(access_world, action, state):
    from forum.models import Post, PostStatus
    from forum.threads.services import start_thread

    thread = start_thread(
        access_world.users["member"],
        access_world.spaces["public"],
        title="A thread",
        body="Hello.",
        kind="pseudonym",
    )
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    thread.locked = state == "locked"
    if state in ("deleted", "pending", "removed", "hidden"):
        post.status = thread.status = PostStatus(state)
    thread_actions = (Action.READ_THREAD, Action.REPLY, Action.LOCK_THREAD, Action.PIN_THREAD)
    target = thread if action in thread_actions else post
    allowed = {v for v in VIEWERS if can(viewer_user(access_world, v), action, target)}
    assert allowed == THREAD_TABLE[(action, state)]
