"""Join requests: staff read them oldest first and approve or decline each, with a reason."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from forum.extensions import db
from forum.models import ActionKind, Membership, MembershipStatus, Role, User
from tests.factories import membership_of as membership
from tests.support.log import last_log_entry, mod_log
from tests.support.pages import csrf_token, form_errors, text


def decide(client, space, request, decision: str, reason: str = "", **kwargs):
    """Press Approve or Decline on one request of the requests page."""
    return client.submit(
        f"/s/{space.slug}/requests",
        {f"r{request.id}-reason": reason, f"r{request.id}-decision": decision},
        action=f"/s/{space.slug}/requests/{request.id}",
        **kwargs,
    )


@pytest.fixture
def requester(make_user):
    return make_user("rosa_requester")


# Who may open the page


@pytest.mark.parametrize("viewer", ["owner", "moderator"])
def test_space_staff_see_the_requests(staffed, sign_in, viewer):
    space = staffed("members")
    response = sign_in(getattr(space, viewer)).get(f"/s/{space.slug}/requests")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_plain_member_is_refused_the_requests(staffed, sign_in):
    space = staffed("members")
    assert sign_in(space.member).get(f"/s/{space.slug}/requests").status_code == 403


def test_site_admin_who_is_not_staff_is_refused_the_requests(staffed, admin_client):
    # The policy keeps deciding who joins with the space's own staff.
    space = staffed("members")
    assert admin_client.get(f"/s/{space.slug}/requests").status_code == 403


def test_hidden_space_requests_are_404_for_members_and_non_members(staffed, sign_in, member_client):
    space = staffed("hidden")
    assert sign_in(space.member).get(f"/s/{space.slug}/requests").status_code == 404
    response = member_client.get(f"/s/{space.slug}/requests")
    assert response.status_code == 404
    assert space.space.name not in text(response)


def test_visitor_is_sent_to_sign_in(staffed, client):
    space = staffed("members")
    response = client.get(f"/s/{space.slug}/requests")
    assert response.headers["Location"].startswith("/login?next=")


# The list


def test_requests_show_username_label_note_and_date_oldest_first(
    staffed, sign_in, make_user, practitioner, ask_to_join
):
    space = staffed("members")
    first = ask_to_join(space.space, make_user("first_asker"), "I volunteer at a shelter.")
    ask_to_join(space.space, practitioner, "Community liaison for the borough.")
    asked_at = first.requested_at - timedelta(days=2)
    db.session.execute(
        update(Membership).where(Membership.id == first.id).values(requested_at=asked_at)
    )
    db.session.commit()
    page = text(sign_in(space.moderator).get(f"/s/{space.slug}/requests"))
    assert page.index("first_asker") < page.index("officer_olu")
    assert "Verified Police officer" in page
    assert "I volunteer at a shelter." in page
    assert "Community liaison for the borough." in page
    assert f"{asked_at:%d %b %Y, %H:%M}</time> UTC" in page  # to the minute, no finer


def test_no_requests_says_so(staffed, sign_in):
    space = staffed("members")
    assert "No requests are waiting." in text(sign_in(space.owner).get(f"/s/{space.slug}/requests"))


# Deciding


def test_approving_a_request_makes_a_member_and_is_logged(staffed, sign_in, requester, ask_to_join):
    space = staffed("members")
    request = ask_to_join(space.space, requester)
    response = decide(
        sign_in(space.moderator), space.space, request, "approve", follow_redirects=True
    )
    assert "rosa_requester is now a member." in text(response)
    assert "No requests are waiting." in text(response)
    admitted = membership(space.space, requester)
    assert (admitted.status, admitted.role) == (MembershipStatus.ACTIVE, Role.MEMBER)
    assert admitted.rules_version_accepted == space.space.rules_version
    entry = last_log_entry(space.space)
    assert (entry.action, entry.actor_id, entry.target_user_id) == (
        ActionKind.REQUEST_APPROVED,
        space.moderator.id,
        requester.id,
    )
    assert sign_in(requester).get(f"/s/{space.slug}").status_code == 200


def test_declining_with_a_reason_tells_the_requester(staffed, sign_in, requester, ask_to_join):
    space = staffed("members")
    request = ask_to_join(space.space, requester)
    response = decide(
        sign_in(space.owner), space.space, request, "decline", reason="Practitioners only for now"
    )
    assert response.status_code == 302
    assert membership(space.space, requester).status == MembershipStatus.DECLINED
    entry = last_log_entry(space.space)
    assert (entry.action, entry.actor_id, entry.public_reason) == (
        ActionKind.REQUEST_DECLINED,
        space.owner.id,
        "Practitioners only for now",
    )
    page = text(sign_in(requester).get(f"/s/{space.slug}"))
    assert "Your last request was declined" in page
    assert "Practitioners only for now" in page


def test_double_submit_of_approve_gives_a_clear_message(staffed, sign_in, requester, ask_to_join):
    space = staffed("members")
    request = ask_to_join(space.space, requester)
    moderator = sign_in(space.moderator)
    page = moderator.get(f"/s/{space.slug}/requests")
    token = (
        page.get_data(as_text=True)
        .split(f'name="r{request.id}-csrf_token" type="hidden" value="')[1]
        .split('"')[0]
    )
    data = {f"r{request.id}-csrf_token": token, f"r{request.id}-decision": "approve"}
    path = f"/s/{space.slug}/requests/{request.id}?page=1"

    assert moderator.post(path, data=data).status_code == 302
    again = moderator.post(path, data=data)
    assert again.status_code == 400
    assert "That request has already been decided." in form_errors(text(again))
    assert "No requests are waiting." in text(again)
    assert [e.action for e in mod_log(space.space)].count(ActionKind.REQUEST_APPROVED) == 1


def test_second_moderator_deciding_the_same_request_is_told_it_is_decided(
    staffed, sign_in, requester, ask_to_join
):
    space = staffed("members")
    request = ask_to_join(space.space, requester)
    owner, moderator = sign_in(space.owner), sign_in(space.moderator)
    owners_page = owner.get(f"/s/{space.slug}/requests").get_data(as_text=True)
    decide(moderator, space.space, request, "approve")

    token = owners_page.split(f'name="r{request.id}-csrf_token" type="hidden" value="')[1].split(
        '"'
    )[0]
    late = owner.post(
        f"/s/{space.slug}/requests/{request.id}",
        data={f"r{request.id}-csrf_token": token, f"r{request.id}-decision": "decline"},
    )
    assert late.status_code == 400
    assert "That request has already been decided." in text(late)
    assert membership(space.space, requester).status == MembershipStatus.ACTIVE


def test_a_withdrawn_request_cannot_be_decided(staffed, sign_in, requester, ask_to_join):
    space = staffed("members")
    request_id = ask_to_join(space.space, requester).id
    owner = sign_in(space.owner)
    owners_page = owner.get(f"/s/{space.slug}/requests").get_data(as_text=True)
    sign_in(requester).submit(f"/s/{space.slug}", {}, action=f"/s/{space.slug}/leave")
    assert membership(space.space, requester) is None

    token = owners_page.split(f'name="r{request_id}-csrf_token" type="hidden" value="')[1].split(
        '"'
    )[0]
    late = owner.post(
        f"/s/{space.slug}/requests/{request_id}",
        data={f"r{request_id}-csrf_token": token, f"r{request_id}-decision": "approve"},
    )
    assert late.status_code == 400
    assert "may have withdrawn it" in text(late)


def test_a_too_long_reason_is_refused_and_kept(staffed, sign_in, requester, ask_to_join):
    space = staffed("members")
    request = ask_to_join(space.space, requester)
    reason = "Not yet. " * 60
    response = decide(sign_in(space.owner), space.space, request, "decline", reason=reason)
    assert response.status_code == 400
    assert "Please keep the reason under 500 characters." in text(response)
    assert reason.strip() in text(response)
    assert membership(space.space, requester).status == MembershipStatus.PENDING


def test_approving_someone_who_lost_the_required_label_is_refused(
    make_space, make_user, sign_in, practitioner, ask_to_join
):
    owner = make_user("inspector_ida", label="Police officer")
    space = make_space("officers", owner, "members", required_label="Police officer")
    request = ask_to_join(space, practitioner)
    db.session.get(User, practitioner.id).label = None
    db.session.commit()
    response = decide(sign_in(owner), space, request, "approve")
    assert response.status_code == 400
    assert "no longer holds the label" in text(response)
    assert membership(space, practitioner).status == MembershipStatus.PENDING
    assert membership(space, practitioner).decided_at is None


def test_plain_member_cannot_decide_requests(staffed, sign_in, requester, ask_to_join):
    space = staffed("members")
    request = ask_to_join(space.space, requester)
    member = sign_in(space.member)
    response = member.post(
        f"/s/{space.slug}/requests/{request.id}",
        data={"csrf_token": csrf_token(member), f"r{request.id}-decision": "approve"},
    )
    assert response.status_code == 403
    assert membership(space.space, requester).status == MembershipStatus.PENDING
