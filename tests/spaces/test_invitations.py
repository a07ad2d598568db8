"""Invitations: staff make expiring, counted links, see each link once, and withdraw them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.config import Config
from forum.extensions import db
from forum.models import ActionKind, Invitation, MembershipStatus
from forum.models.types import utcnow
from tests.factories import membership_of as membership
from tests.support.log import last_log_entry
from tests.support.pages import csrf_token, form_errors, text

# Links are built from the configured site address (the tests keep the default).
SITE_URL = Config.SITE_URL


def make_invitation(client, space, follow_redirects=True, **fields):
    """Fill the invitation form on the invitations page and send it."""
    data = {"expires_in": "7d", "uses": "1", "note": ""} | fields
    return client.submit(
        f"/s/{space.slug}/invites",
        data,
        action=f"/s/{space.slug}/invites",
        follow_redirects=follow_redirects,
    )


def shown_link(html: str) -> str | None:
    """The one-time invitation link on the page, or None."""
    found = re.search(r'id="invitation-link"[^>]*>\s*<code[^>]*>([^<]+)</code>', html)
    return found.group(1) if found else None


def invitations(space) -> list[Invitation]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Invitation).where(Invitation.space_id == space.id).order_by(Invitation.id)
        )
    )


def accept(client, link: str):
    path = link.removeprefix(SITE_URL)
    return client.submit(path, {"accept_rules": "y"}, action=path)


# Who may open the page


@pytest.mark.parametrize("viewer", ["owner", "moderator"])
def test_space_staff_see_the_invitations(staffed, sign_in, viewer):
    space = staffed("hidden")
    assert sign_in(getattr(space, viewer)).get(f"/s/{space.slug}/invites").status_code == 200


def test_plain_member_is_refused_the_invitations(staffed, sign_in):
    space = staffed("members")
    assert sign_in(space.member).get(f"/s/{space.slug}/invites").status_code == 403


def test_hidden_space_invitations_are_404_to_members_and_non_members(
    staffed, sign_in, member_client
):
    space = staffed("hidden")
    assert sign_in(space.member).get(f"/s/{space.slug}/invites").status_code == 404
    response = member_client.get(f"/s/{space.slug}/invites")
    assert response.status_code == 404
    assert space.space.name not in text(response)


def test_site_admin_who_is_not_staff_is_refused_the_invitations(staffed, admin_client):
    space = staffed("members")
    assert admin_client.get(f"/s/{space.slug}/invites").status_code == 403


def test_visitor_is_sent_to_sign_in(staffed, client):
    space = staffed("public")
    response = client.get(f"/s/{space.slug}/invites")
    assert response.headers["Location"].startswith("/login?next=")


def test_invitations_page_is_never_cached_even_for_a_public_space(staffed, sign_in):
    space = staffed("public")
    response = sign_in(space.owner).get(f"/s/{space.slug}/invites")
    assert response.headers["Cache-Control"] == "no-store"


# Making a link


def test_new_link_is_shown_once_and_not_again_on_reload(staffed, sign_in):
    space = staffed("hidden")
    moderator = sign_in(space.moderator)
    response = make_invitation(moderator, space.space, note="For the new safeguarding lead")
    page = text(response)
    link = shown_link(page)
    assert link is not None
    assert link.startswith(f"{SITE_URL}/s/{space.slug}/invite/")
    assert "this is the only time you will see it" in page
    assert response.headers["Cache-Control"] == "no-store"

    reloaded = text(moderator.get(f"/s/{space.slug}/invites"))
    assert shown_link(reloaded) is None
    assert link.rsplit("/", 1)[1] not in reloaded
    assert "For the new safeguarding lead" in reloaded


def test_new_link_is_not_shown_on_another_space_invitations_page(
    staffed, make_space, sign_in, add_member
):
    space = staffed("hidden")
    other = make_space("other-circle", space.moderator, "members")
    moderator = sign_in(space.moderator)
    make_invitation(moderator, space.space, follow_redirects=False)
    assert shown_link(text(moderator.get(f"/s/{other.slug}/invites"))) is None
    assert shown_link(text(moderator.get(f"/s/{space.slug}/invites"))) is not None


def test_the_link_lets_someone_join_and_the_creation_is_logged(staffed, sign_in, member):
    space = staffed("hidden")
    link = shown_link(
        text(make_invitation(sign_in(space.owner), space.space, expires_in="1d", uses="5"))
    )
    invitation = invitations(space.space)[0]
    assert invitation.max_uses == 5
    assert abs(invitation.expires_at - (utcnow() + timedelta(days=1))) < timedelta(minutes=1)
    assert invitation.created_by_id == space.owner.id
    entry = last_log_entry(space.space)
    assert (entry.action, entry.actor_id) == (ActionKind.INVITATION_CREATED, space.owner.id)

    assert accept(sign_in(member), link).status_code == 302
    assert membership(space.space, member).status == MembershipStatus.ACTIVE


def test_another_number_of_uses(staffed, sign_in):
    space = staffed("hidden")
    make_invitation(sign_in(space.owner), space.space, uses="other", other_uses="12")
    assert invitations(space.space)[0].max_uses == 12


def test_another_number_of_uses_must_be_given_and_the_note_is_kept(staffed, sign_in):
    space = staffed("hidden")
    response = make_invitation(
        sign_in(space.owner), space.space, uses="other", note="Borough team", follow_redirects=False
    )
    assert response.status_code == 400
    assert "Please give the number of uses." in form_errors(text(response))
    assert 'value="Borough team"' in text(response)
    assert invitations(space.space) == []


def test_too_many_uses_is_refused_by_the_service_and_the_note_is_kept(staffed, sign_in):
    space = staffed("hidden")
    response = make_invitation(
        sign_in(space.owner),
        space.space,
        uses="other",
        other_uses="5000",
        note="Whole county",
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "between 1 and 1000 times" in form_errors(text(response))
    assert 'value="Whole county"' in text(response)
    assert 'value="5000"' in text(response)


def test_plain_member_cannot_make_invitations(staffed, sign_in):
    space = staffed("members")
    member = sign_in(space.member)
    data = {"expires_in": "1d", "uses": "1", "csrf_token": csrf_token(member)}
    response = member.post(f"/s/{space.slug}/invites", data=data)
    assert response.status_code == 403
    assert invitations(space.space) == []


# The list and its states


def test_list_shows_note_creator_dates_uses_and_state(staffed, sign_in):
    space = staffed("hidden")
    moderator = sign_in(space.moderator)
    make_invitation(moderator, space.space, uses="25", note="Youth workers")
    page = text(moderator.get(f"/s/{space.slug}/invites"))
    assert "Youth workers" in page
    assert "max_mod" in page
    assert "0 of 25" in page
    assert "Live" in page
    assert "Withdraw" in page


def test_withdrawing_a_link_stops_it_working_and_is_logged(staffed, sign_in, member):
    space = staffed("hidden")
    owner = sign_in(space.owner)
    link = shown_link(text(make_invitation(owner, space.space)))
    invitation = invitations(space.space)[0]
    response = owner.submit(
        f"/s/{space.slug}/invites",
        {},
        action=f"/s/{space.slug}/invites/{invitation.id}/revoke",
        follow_redirects=True,
    )
    page = text(response)
    assert "The invitation is withdrawn" in page
    assert "Withdrawn" in page
    assert f"/invites/{invitation.id}/revoke" not in page
    entry = last_log_entry(space.space)
    assert (entry.action, entry.actor_id) == (ActionKind.INVITATION_REVOKED, space.owner.id)

    refused = sign_in(member).get(link.removeprefix(SITE_URL))
    assert refused.status_code == 410
    assert "withdrawn" in text(refused)
    assert membership(space.space, member) is None


def test_expired_link_is_shown_expired_and_refused(staffed, sign_in, member):
    space = staffed("hidden")
    owner = sign_in(space.owner)
    link = shown_link(text(make_invitation(owner, space.space, expires_in="1h")))
    db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    page = text(owner.get(f"/s/{space.slug}/invites"))
    assert "Expired" in page
    assert "/revoke" not in page

    refused = sign_in(member).get(link.removeprefix(SITE_URL))
    assert refused.status_code == 410
    assert "This invitation has expired." in text(refused)


def test_used_up_link_is_shown_used_up_and_refused(staffed, sign_in, make_user):
    space = staffed("hidden")
    owner = sign_in(space.owner)
    link = shown_link(text(make_invitation(owner, space.space, uses="1")))
    first, second = make_user("first_in"), make_user("second_in")
    assert accept(sign_in(first), link).status_code == 302

    page = text(owner.get(f"/s/{space.slug}/invites"))
    assert "1 of 1" in page
    assert "Used up" in page
    refused = sign_in(second).get(link.removeprefix(SITE_URL))
    assert refused.status_code == 410
    assert "used as many times as it allows" in text(refused)
    assert membership(space.space, second) is None


def test_withdrawing_needs_a_csrf_token(staffed, sign_in):
    space = staffed("hidden")
    owner = sign_in(space.owner)
    make_invitation(owner, space.space)
    invitation = invitations(space.space)[0]
    response = owner.post(f"/s/{space.slug}/invites/{invitation.id}/revoke")
    assert response.status_code == 400
    assert invitations(space.space)[0].revoked_at is None


def test_an_invitation_of_another_space_cannot_be_withdrawn_here(staffed, make_space, sign_in):
    space = staffed("hidden")
    other = make_space("other-circle", space.owner, "hidden")
    owner = sign_in(space.owner)
    make_invitation(owner, other)
    invitation = invitations(other)[0]
    response = owner.submit(
        f"/s/{other.slug}/invites",
        {},
        action=f"/s/{other.slug}/invites/{invitation.id}/revoke",
    )
    assert response.status_code == 302  # sanity: the form exists on its own space's page
    db.session.execute(update(Invitation).values(revoked_at=None))
    db.session.commit()
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(owner.get("/"))).group(1)
    response = owner.post(
        f"/s/{space.slug}/invites/{invitation.id}/revoke",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "That invitation does not exist." in text(response)
    assert invitations(other)[0].revoked_at is None
