"""Sanctions on members from the roster: removing, banning and lifting a ban, each with a reason."""

from datetime import timedelta

import pytest

from forum.models import ActionKind, MembershipStatus, Role
from forum.models.types import utcnow
from tests.factories import membership_of as membership
from tests.support.log import last_log_entry, mod_log, reload_space
from tests.support.pages import csrf_token, forced_member_action, form_errors, member_action, text

# Removing


def test_moderator_removes_a_member_with_a_reason(staffed, sign_in):
    space = staffed("public")
    response = member_action(
        sign_in(space.moderator),
        space.space,
        membership(space.space, space.member),
        "remove",
        reason="Repeated personal attacks",
    )
    assert response.status_code == 302
    assert membership(space.space, space.member) is None
    assert reload_space(space.space).member_count == 2
    entry = last_log_entry(space.space)
    assert entry.action == ActionKind.MEMBER_REMOVED
    assert (entry.actor_id, entry.target_user_id) == (space.moderator.id, space.member.id)
    # The row is gone with the membership: the entry keeps the account the roster showed.
    assert entry.target_membership_id is None
    assert entry.public_reason == "Repeated personal attacks"


def test_removed_member_may_rejoin_an_open_space(staffed, sign_in):
    space = staffed("public")
    member_action(
        sign_in(space.moderator),
        space.space,
        membership(space.space, space.member),
        "remove",
        reason="Cooling off",
    )
    member = sign_in(space.member)
    response = member.submit(
        f"/s/{space.slug}", {"accept_rules": "y"}, action=f"/s/{space.slug}/join"
    )
    assert response.status_code == 302
    assert membership(space.space, space.member).status == MembershipStatus.ACTIVE


def test_removing_needs_a_reason(staffed, sign_in):
    space = staffed("members")
    target = membership(space.space, space.member)
    response = member_action(sign_in(space.moderator), space.space, target, "remove", reason="  ")
    assert response.status_code == 400
    assert "Please give a reason: the member is told it." in form_errors(text(response))
    assert membership(space.space, space.member) is not None
    assert mod_log(space.space)[-1].action != ActionKind.MEMBER_REMOVED


def test_a_refused_action_keeps_the_reason_typed(staffed, admin_client):
    space = staffed("members")
    target = membership(space.space, space.owner)
    response = member_action(
        admin_client, space.space, target, "ban", reason="Owner abandoned the space", duration="30"
    )
    assert response.status_code == 400
    page = text(response)
    assert "A space must keep at least one owner." in form_errors(page)
    assert 'value="Owner abandoned the space"' in page
    assert '<option selected value="30">' in page


@pytest.mark.parametrize("kind", ["remove", "ban"])
@pytest.mark.parametrize("target_role", ["owner", "moderator"])
def test_moderator_cannot_remove_or_ban_an_owner_or_another_moderator(
    staffed, sign_in, make_user, add_member, kind, target_role
):
    space = staffed("members")
    other = space.owner
    if target_role == "moderator":
        other = make_user("mo_second")
        add_member(space.space, other, Role.MODERATOR)
    moderator = sign_in(space.moderator)
    target = membership(space.space, other)
    assert f"/members/{target.id}/{kind}" not in text(moderator.get(f"/s/{space.slug}/members"))
    response = forced_member_action(moderator, space.space, target, kind, reason="Power grab")
    assert response.status_code == 403
    assert "You may not moderate this member." in text(response)
    assert membership(space.space, other).status == MembershipStatus.ACTIVE
    assert membership(space.space, other).role == Role(target_role)


@pytest.mark.parametrize("kind", ["remove", "ban"])
def test_nobody_removes_or_bans_themselves(staffed, sign_in, kind):
    space = staffed("members")
    target = membership(space.space, space.moderator)
    response = forced_member_action(
        sign_in(space.moderator), space.space, target, kind, reason="Me"
    )
    assert response.status_code == 403
    assert membership(space.space, space.moderator).status == MembershipStatus.ACTIVE


def test_site_admin_may_remove_an_owner_when_another_owner_remains(
    staffed, admin_client, add_member
):
    space = staffed("members")
    add_member(space.space, space.moderator, Role.OWNER)
    target = membership(space.space, space.owner)
    response = member_action(admin_client, space.space, target, "remove", reason="Left the org")
    assert response.status_code == 302
    assert membership(space.space, space.owner) is None


def test_plain_member_cannot_post_roster_actions(staffed, sign_in):
    space = staffed("members")
    target = membership(space.space, space.moderator)
    response = forced_member_action(sign_in(space.member), space.space, target, "ban", reason="x")
    assert response.status_code == 403
    assert membership(space.space, space.moderator).status == MembershipStatus.ACTIVE


def test_roster_actions_refuse_a_post_without_csrf_token(staffed, sign_in):
    space = staffed("members")
    target = membership(space.space, space.member)
    response = sign_in(space.owner).post(
        f"/s/{space.slug}/members/{target.id}/remove", data={"reason": "x"}
    )
    assert response.status_code == 400
    assert membership(space.space, space.member) is not None


# Banning and unbanning


def test_moderator_bans_a_member_for_seven_days(staffed, sign_in):
    space = staffed("members")
    target = membership(space.space, space.member)
    response = member_action(
        sign_in(space.moderator), space.space, target, "ban", reason="Doxxing", duration="7"
    )
    assert response.status_code == 302
    banned = membership(space.space, space.member)
    assert banned.status == MembershipStatus.BANNED
    assert abs(banned.banned_until - (utcnow() + timedelta(days=7))) < timedelta(minutes=1)
    assert banned.decision_reason == "Doxxing"
    assert reload_space(space.space).member_count == 2
    entry = last_log_entry(space.space)
    assert entry.action == ActionKind.MEMBER_BANNED
    assert (entry.actor_id, entry.target_user_id, entry.public_reason) == (
        space.moderator.id,
        space.member.id,
        "Doxxing",
    )


def test_a_permanent_ban_has_no_end(staffed, sign_in):
    space = staffed("members")
    target = membership(space.space, space.member)
    member_action(
        sign_in(space.owner), space.space, target, "ban", reason="Threats", duration="permanent"
    )
    banned = membership(space.space, space.member)
    assert banned.status == MembershipStatus.BANNED
    assert banned.banned_until is None
    assert last_log_entry(space.space).changes == {"until": None}


def test_banning_needs_a_reason(staffed, sign_in):
    space = staffed("members")
    target = membership(space.space, space.member)
    response = member_action(
        sign_in(space.owner), space.space, target, "ban", reason="", duration="1"
    )
    assert response.status_code == 400
    assert "Please give a reason" in form_errors(text(response))
    assert membership(space.space, space.member).status == MembershipStatus.ACTIVE


def test_banned_member_cannot_rejoin_until_unbanned(staffed, sign_in):
    space = staffed("public")
    moderator = sign_in(space.moderator)
    target = membership(space.space, space.member)
    member_action(moderator, space.space, target, "ban", reason="Spam", duration="1")

    member = sign_in(space.member)
    page = text(member.get(f"/s/{space.slug}"))
    assert "You are banned from this space" in page
    assert f'action="/s/{space.slug}/join"' not in page
    rejoin = member.post(
        f"/s/{space.slug}/join",
        data={"csrf_token": csrf_token(member), "accept_rules": "y"},
    )
    assert rejoin.status_code == 403
    assert membership(space.space, space.member).status == MembershipStatus.BANNED

    response = member_action(moderator, space.space, target, "unban", reason="Apologised")
    assert response.status_code == 302
    unbanned = membership(space.space, space.member)
    assert unbanned.status == MembershipStatus.ACTIVE
    assert unbanned.banned_until is None
    assert reload_space(space.space).member_count == 3
    entry = last_log_entry(space.space)
    assert (entry.action, entry.actor_id, entry.public_reason) == (
        ActionKind.MEMBER_UNBANNED,
        space.moderator.id,
        "Apologised",
    )


def test_unbanning_needs_a_reason(staffed, sign_in):
    space = staffed("members")
    moderator = sign_in(space.moderator)
    target = membership(space.space, space.member)
    member_action(moderator, space.space, target, "ban", reason="Spam", duration="1")
    response = member_action(moderator, space.space, target, "unban", reason="")
    assert response.status_code == 400
    assert "Please give a reason" in form_errors(text(response))
    assert membership(space.space, space.member).status == MembershipStatus.BANNED


def test_removing_a_banned_member_is_refused_so_the_ban_stays(staffed, sign_in):
    space = staffed("members")
    moderator = sign_in(space.moderator)
    target = membership(space.space, space.member)
    member_action(moderator, space.space, target, "ban", reason="Spam", duration="permanent")
    assert f"/members/{target.id}/remove" not in text(moderator.get(f"/s/{space.slug}/members"))
    response = forced_member_action(moderator, space.space, target, "remove", reason="Tidy up")
    assert response.status_code == 400
    assert "That member is banned." in text(response)
    assert membership(space.space, space.member).status == MembershipStatus.BANNED


def test_banning_twice_says_the_member_is_already_banned(staffed, sign_in):
    space = staffed("members")
    moderator = sign_in(space.moderator)
    target = membership(space.space, space.member)
    member_action(moderator, space.space, target, "ban", reason="Spam", duration="1")
    response = forced_member_action(
        moderator, space.space, target, "ban", reason="Spam", duration="1"
    )
    assert response.status_code == 400
    assert "That member is already banned." in text(response)
    assert [e.action for e in mod_log(space.space)].count(ActionKind.MEMBER_BANNED) == 1


def test_the_last_owner_cannot_be_banned_even_by_a_site_admin(staffed, admin_client):
    space = staffed("members")
    target = membership(space.space, space.owner)
    response = member_action(admin_client, space.space, target, "ban", reason="x", duration="1")
    assert response.status_code == 400
    assert membership(space.space, space.owner).role == Role.OWNER
