"""Every use case asks the policy itself: called directly, past any view, by someone who may not,
it raises Refusal with its reason and changes nothing."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.admin import services as admin
from forum.extensions import db
from forum.models import Membership, Role, Space, Thread, User
from forum.policy import Refusal
from forum.spaces import invitations, membership, settings
from forum.threads import deletion
from forum.threads import services as posting
from moderation import services as moderation
from tests.factories import (
    add_member,
    ask_to_join,
    first_post,
    make_label,
    make_space,
    make_user,
    reply,
    space_settings,
    start_thread,
)


@dataclass
class Scene:
    space: Space  # members only, by request
    other: Space  # another space, where `stranger` is the owner
    owner: User
    moderator: User
    member: User
    stranger: User  # owns another space, is nobody here
    requester: User
    thread: Thread


@pytest.fixture
def scene(app) -> Scene:
    owner, moderator, member = make_user("own_s"), make_user("staff_s"), make_user("member_s")
    stranger, requester = make_user("stranger_s"), make_user("requester_s")
    space = make_space("closed", owner, "members")
    other = make_space("elsewhere", stranger, "public")
    add_member(space, moderator, Role.MODERATOR)
    add_member(space, member)
    ask_to_join(space, requester)
    thread = start_thread(member, space, title="Mine", body="Opening.")
    reply(member, first_post(thread), "A reply.")
    make_label("Researcher")
    return Scene(space, other, owner, moderator, member, stranger, requester, thread)


def row(space: Space, user: User) -> Membership:
    return db.session.scalar(
        select(Membership).where(Membership.space_id == space.id, Membership.user_id == user.id)
    )


def snapshot() -> dict:
    db.session.expire_all()
    return {
        table.name: sorted(map(tuple, db.session.execute(table.select()).all()), key=repr)
        for table in db.metadata.sorted_tables
    }


# (what is tried, reason code) -> a call of the use case by someone who may not.
CALLS = {
    "a stranger starts a thread": (
        "not_a_member",
        lambda s: posting.start_thread(s.stranger, s.space, title="Hi all", body="x", kind="named"),
    ),
    "a stranger replies": (
        "not_a_member",
        lambda s: posting.post_reply(s.stranger, first_post(s.thread), body="x", kind="named"),
    ),
    "another member edits a post": (
        "not_author",
        lambda s: posting.edit_post(s.moderator, first_post(s.thread), body="Rewritten."),
    ),
    "another member deletes a post": (
        "not_author",
        lambda s: deletion.delete_post(s.owner, first_post(s.thread)),
    ),
    "a member locks a thread": (
        "not_staff",
        lambda s: moderation.set_thread_locked(s.member, s.thread, True),
    ),
    "the staff of another space pin a thread": (
        "not_staff",
        lambda s: moderation.set_thread_pinned(s.stranger, s.thread, True),
    ),
    "a member bans a member": (
        "outranked",
        lambda s: moderation.ban_member(s.member, s.space, row(s.space, s.moderator).id, "x"),
    ),
    "a moderator removes the owner": (
        "outranked",
        lambda s: moderation.remove_member(s.moderator, s.space, row(s.space, s.owner).id, "x"),
    ),
    "a moderator lifts a ban on themselves": (
        "not_yourself",
        lambda s: moderation.unban_member(s.moderator, s.space, row(s.space, s.moderator).id, "x"),
    ),
    "a moderator changes a role": (
        "not_owner",
        lambda s: membership.change_role(
            s.moderator, s.space, row(s.space, s.member).id, Role.OWNER
        ),
    ),
    "a member decides a request": (
        "not_staff",
        lambda s: membership.decide_request(
            s.member, s.space, row(s.space, s.requester).id, approve=True
        ),
    ),
    "the staff of another space decide a request": (
        "not_staff",
        lambda s: membership.decide_request(
            s.stranger, s.space, row(s.space, s.requester).id, approve=True
        ),
    ),
    "a member makes an invitation": (
        "not_staff",
        lambda s: invitations.create_invitation(
            s.member, s.space, expires_in=timedelta(days=1), max_uses=1
        ),
    ),
    "a member changes the settings": (
        "not_staff",
        lambda s: settings.update_space_settings(
            s.member, s.space, space_settings("public", name="Taken over")
        ),
    ),
    "a stranger leaves a space they are not in": (
        "not_a_member",
        lambda s: membership.leave_space(s.stranger, s.space),
    ),
    "a stranger accepts the rules": (
        "not_a_member",
        lambda s: membership.accept_rules(s.stranger, s.space),
    ),
    "a stranger joins a space that takes requests": (
        "not_open",
        lambda s: membership.join_space(s.stranger, s.space, accepted_rules=True),
    ),
    "a member grants a label": (
        "not_admin",
        lambda s: admin.set_label(s.member, s.member, "Researcher", note="trust me"),
    ),
    "a member adds a label": ("not_admin", lambda s: admin.add_label(s.member, "Boss")),
    "a member creates a space": (
        "not_admin",
        lambda s: admin.create_space(s.member, "mine", space_settings("public"), owner=s.member),
    ),
}


@pytest.mark.parametrize("attempt", CALLS)
def test_a_use_case_refuses_whoever_the_policy_refuses(scene, attempt):
    code, call = CALLS[attempt]
    before = snapshot()
    with pytest.raises(Refusal) as refused:
        call(scene)
    assert refused.value.reason.code == code
    assert str(refused.value) == refused.value.reason.message  # words fit to show
    db.session.rollback()
    assert snapshot() == before


def test_a_label_required_by_a_space_is_asked_again_when_an_invitation_is_accepted(scene):
    make_label("Police officer")
    space = make_space("police", make_user("chief_s", label="Police officer"), "hidden",
                       required_label="Police officer")  # fmt: skip
    chief = db.session.scalar(select(User).where(User.username == "chief_s"))
    made = invitations.create_invitation(chief, space, expires_in=timedelta(days=1), max_uses=5)
    db.session.commit()
    before = snapshot()
    with pytest.raises(Refusal) as refused:
        invitations.accept_invitation(scene.member, space, made.token, accepted_rules=True)
    assert refused.value.reason.code == "label_required"
    db.session.rollback()
    assert snapshot() == before
