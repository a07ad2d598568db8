"""The members page: the roster for staff, and promoting and demoting members."""

import pytest

from forum.models import ActionKind, Role
from forum.models.types import utcnow
from tests.factories import membership_of as membership
from tests.support.log import last_log_entry
from tests.support.pages import forced_member_action, form_errors, member_action, text

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
    until = membership(space.space, space.member).banned_until.isoformat(timespec="minutes")
    assert f'until <time datetime="{until}"' in page  # to the minute, no finer
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
        # The account, the space, the viewer's memberships, one page of rows, their count, and
        # the header's count of waiting queue items.
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
    assert with_5 == with_60 == 6  # with the header's counts: waiting items, unread notifications


# Roles


def test_owner_promotes_a_member_to_moderator(staffed, sign_in):
    space = staffed("members")
    target = membership(space.space, space.member)
    response = member_action(sign_in(space.owner), space.space, target, "role", role="moderator")
    assert response.status_code == 302
    assert membership(space.space, space.member).role == Role.MODERATOR
    entry = last_log_entry(space.space)
    assert (entry.actor_id, entry.action, entry.target_membership_id) == (
        space.owner.id,
        ActionKind.ROLE_CHANGED,
        target.id,
    )
    assert entry.changes == {"from": "member", "to": "moderator"}


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
    assert response.status_code == 403
    assert "Only the space's owners may change roles." in text(response)
    assert membership(space.space, space.member).role == Role.MEMBER


def test_nobody_changes_their_own_role(staffed, sign_in):
    space = staffed("members")
    owner = sign_in(space.owner)
    mine = membership(space.space, space.owner)
    assert f"/members/{mine.id}/" not in text(owner.get(f"/s/{space.slug}/members"))
    response = forced_member_action(owner, space.space, mine, "role", role="member")
    assert response.status_code == 403
    assert membership(space.space, space.owner).role == Role.OWNER
