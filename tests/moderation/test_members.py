"""The members page: the roster for staff, and promoting, demoting, removing, banning, unbanning."""

from datetime import timedelta

import pytest

from forum.models import MembershipStatus, Role
from forum.models.types import utcnow
from moderation.models import ActionKind
from tests.moderation.conftest import (
    forced_member_action,
    form_errors,
    last_log_entry,
    member_action,
    membership,
    mod_log,
    reload_space,
    text,
)

# Who may open the roster


@pytest.mark.parametrize("kind", ["public", "members", "hidden"])
@pytest.mark.parametrize("viewer", ["owner", "moderator"])
def test_space_staff_see_the_roster(staffed, sign_in, kind, viewer):
    space = staffed(kind)
    response = sign_in(getattr(space, viewer)).get(f"/s/{space.slug}/members")
    assert response.status_code == 200
    for user in (space.owner, space.moderator, space.member):
        assert user.username in text(response)


def test_site_admin_sees_the_roster_without_being_a_member(staffed, admin_client):
    space = staffed("hidden")
    assert admin_client.get(f"/s/{space.slug}/members").status_code == 200


def test_plain_member_of_a_listed_space_is_refused_the_roster(staffed, sign_in):
    space = staffed("members")
    assert sign_in(space.member).get(f"/s/{space.slug}/members").status_code == 403


def test_plain_member_of_a_hidden_space_gets_404_for_the_roster(staffed, sign_in):
    space = staffed("hidden")
    assert sign_in(space.member).get(f"/s/{space.slug}/members").status_code == 404


def test_hidden_space_roster_is_404_for_a_non_member(staffed, member_client):
    space = staffed("hidden")
    response = member_client.get(f"/s/{space.slug}/members")
    assert response.status_code == 404
    assert space.space.name not in text(response)


def test_visitor_is_sent_to_sign_in(staffed, client):
    space = staffed("public")
    response = client.get(f"/s/{space.slug}/members")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_staff_tabs_link_to_the_staff_pages(staffed, sign_in):
    space = staffed("members")
    page = text(sign_in(space.owner).get(f"/s/{space.slug}"))
    for path in ("members", "requests", "invites", "settings"):
        assert f'href="/s/{space.slug}/{path}"' in page


def test_plain_member_sees_no_staff_tabs(staffed, sign_in):
    space = staffed("members")
    page = text(sign_in(space.member).get(f"/s/{space.slug}"))
    assert f"/s/{space.slug}/members" not in page


# What the roster shows


def test_roster_shows_role_status_join_date_and_verified_label(
    staffed, sign_in, practitioner, add_member
):
    space = staffed("members")
    add_member(space.space, practitioner)
    page = text(sign_in(space.owner).get(f"/s/{space.slug}/members"))
    assert "officer_olu" in page
    assert "Verified Police officer" in page
    assert "Moderator" in page
    assert f"{utcnow():%d %b %Y}" in page
    assert "4 people" in page


def test_roster_shows_a_ban_with_its_end_and_reason(staffed, sign_in):
    space = staffed("members")
    moderator = sign_in(space.moderator)
    target = membership(space.space, space.member)
    member_action(moderator, space.space, target, "ban", reason="Posted addresses", duration="30")
    page = text(moderator.get(f"/s/{space.slug}/members"))
    assert "Banned" in page
    assert (
        f'until <time datetime="{membership(space.space, space.member).banned_until.isoformat()}'
        in page
    )
    assert "Posted addresses" in page


def test_non_public_space_roster_is_not_stored_in_caches(staffed, sign_in):
    space = staffed("members")
    response = sign_in(space.owner).get(f"/s/{space.slug}/members")
    assert response.headers["Cache-Control"] == "no-store"


def test_roster_is_paginated_by_fifty(staffed, sign_in, make_user, add_member):
    space = staffed("members")
    for number in range(60):
        add_member(space.space, make_user(f"zz_person{number:02}"))
    owner = sign_in(space.owner)
    first = text(owner.get(f"/s/{space.slug}/members"))
    second = text(owner.get(f"/s/{space.slug}/members?page=2"))
    assert "63 people" in first
    assert "Page 1 of 2" in first
    assert "zz_person46" in first and "zz_person47" not in first
    assert "zz_person47" in second and "zz_person59" in second


def test_roster_runs_the_same_number_of_queries_for_5_and_60_members(
    staffed, sign_in, make_user, add_member, count_queries
):
    space = staffed("members")
    add_member(space.space, make_user("early_bird"))
    add_member(space.space, make_user("early_owl"))
    owner = sign_in(space.owner)
    roster = f"/s/{space.slug}/members"

    def queries_for_roster(rows: int) -> int:
        # The account, the space, the viewer's membership, one page of rows, and their count.
        with count_queries() as counter:
            page = owner.get(roster)
        assert page.status_code == 200
        assert text(page).count("<tr>") == 1 + rows
        return counter.count

    with_5 = queries_for_roster(rows=5)
    for number in range(55):
        add_member(
            space.space,
            make_user(f"late_{number:02}"),
            Role.MODERATOR if number % 9 == 0 else Role.MEMBER,
        )
    with_60 = queries_for_roster(rows=50)
    assert with_5 == with_60 == 5


# Roles


def test_owner_promotes_a_member_to_moderator(staffed, sign_in):
    space = staffed("members")
    target = membership(space.space, space.member)
    response = member_action(sign_in(space.owner), space.space, target, "role", role="moderator")
    assert response.status_code == 302
    assert membership(space.space, space.member).role == Role.MODERATOR
    entry = last_log_entry(space.space)
    assert (entry.actor_id, entry.action, entry.target_user_id) == (
        space.owner.id,
        ActionKind.ROLE_CHANGED,
        space.member.id,
    )
    assert entry.detail == "member → moderator"


def test_owner_makes_a_moderator_a_second_owner_then_demotes_them(staffed, sign_in):
    space = staffed("members")
    owner = sign_in(space.owner)
    target = membership(space.space, space.moderator)
    member_action(owner, space.space, target, "role", role="owner")
    assert membership(space.space, space.moderator).role == Role.OWNER
    member_action(owner, space.space, target, "role", role="member")
    assert membership(space.space, space.moderator).role == Role.MEMBER


def test_the_last_owner_cannot_be_demoted(staffed, admin_client):
    space = staffed("members")
    target = membership(space.space, space.owner)
    response = member_action(admin_client, space.space, target, "role", role="moderator")
    assert response.status_code == 400
    assert "A space must keep at least one owner." in form_errors(text(response))
    assert membership(space.space, space.owner).role == Role.OWNER


def test_moderators_get_no_role_controls_and_cannot_change_roles(staffed, sign_in):
    space = staffed("members")
    moderator = sign_in(space.moderator)
    target = membership(space.space, space.member)
    assert f'action="/s/{space.slug}/members/{target.id}/role' not in text(
        moderator.get(f"/s/{space.slug}/members")
    )
    response = forced_member_action(moderator, space.space, target, "role", role="owner")
    assert response.status_code == 400
    assert "Only the space's owners may change roles." in text(response)
    assert membership(space.space, space.member).role == Role.MEMBER


def test_nobody_changes_their_own_role(staffed, sign_in):
    space = staffed("members")
    owner = sign_in(space.owner)
    mine = membership(space.space, space.owner)
    assert f"/members/{mine.id}/" not in text(owner.get(f"/s/{space.slug}/members"))
    response = forced_member_action(owner, space.space, mine, "role", role="member")
    assert response.status_code == 400
    assert membership(space.space, space.owner).role == Role.OWNER


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
    assert "<details open>" in page


@pytest.mark.parametrize("kind", ["remove", "ban"])
@pytest.mark.parametrize("target_role", ["owner", "moderator"])
def test_moderator_cannot_remove_or_ban_an_owner_or_another_moderator(
    staffed, sign_in, make_user, add_member, kind, target_role
):
    space = staffed("members")
    other = space.owner
    if target_role == "moderator":
        other = make_user("mo_second_moderator")
        add_member(space.space, other, Role.MODERATOR)
    moderator = sign_in(space.moderator)
    target = membership(space.space, other)
    assert f"/members/{target.id}/{kind}" not in text(moderator.get(f"/s/{space.slug}/members"))
    response = forced_member_action(moderator, space.space, target, kind, reason="Power grab")
    assert response.status_code == 400
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
    assert response.status_code == 400
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
        f"/s/{space.slug}/members/{target.id}/remove", data={f"m{target.id}-remove-reason": "x"}
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
    assert last_log_entry(space.space).detail == "without end"


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
        data={"csrf_token": member_csrf(member), "accept_rules": "y"},
    )
    assert rejoin.status_code == 400
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


def member_csrf(client) -> str:
    from tests.moderation.conftest import csrf_token

    return csrf_token(client, "/")


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
