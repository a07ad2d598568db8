"""Every way into a space and out of it: open join, request, invitation, labels, leaving, rules."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.admin.services import set_label
from forum.extensions import db
from forum.models import Membership, MembershipStatus, Role, Space
from forum.models.types import utcnow
from forum.policy import Action, can
from forum.spaces.invitations import create_invitation, revoke_invitation
from forum.spaces.membership import SpaceError, admit, decide_request
from forum.spaces.settings import update_space_settings
from moderation.services import ban_member
from tests.factories import PASSWORD, POLICE
from tests.factories import space_settings as settings
from tests.support.forms import read_forms


def membership(user, space):
    db.session.expire_all()
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.space_id == space.id)
    )


def form_on(client, page, action):
    """The form that posts to `action` on `page`, as loaded once (for double submits)."""
    html = client.get(page).get_data(as_text=True)
    return next(form for form in read_forms(html, page) if form.action == action)


def member_count(space):
    db.session.expire_all()
    return db.session.get(Space, space.id).member_count


@pytest.fixture
def owner(make_user):
    return make_user("owner_o", label=POLICE)


# Open spaces


def test_joining_an_open_space_needs_the_rules_accepted(member_client, member, make_space, owner):
    space = make_space("open", owner=owner, name="Open Space", rules="No **personal attacks**.")
    page = member_client.get("/s/open").get_data(as_text=True)
    assert "<strong>personal attacks</strong>" in page
    response = member_client.submit("/s/open", {}, action="/s/open/join")
    assert response.status_code == 400
    assert "tick the box to accept them" in response.get_data(as_text=True)
    assert membership(member, space) is None

    response = member_client.submit("/s/open", {"accept_rules": "y"}, action="/s/open/join")
    assert response.status_code == 302
    joined = membership(member, space)
    assert joined.status == MembershipStatus.ACTIVE
    assert joined.rules_version_accepted == space.rules_version
    assert member_count(space) == 2


def test_double_join_makes_one_membership(member_client, member, make_space, owner):
    space = make_space("open", owner=owner)
    form = form_on(member_client, "/s/open", "/s/open/join")
    for _ in range(2):
        member_client.post("/s/open/join", data=form.fields | {"accept_rules": "y"})
    count = db.session.scalar(
        select(func.count()).select_from(Membership).where(Membership.user_id == member.id)
    )
    assert count == 1
    assert member_count(space) == 2


def test_visitor_is_sent_to_sign_in_to_join(client, make_space, owner):
    make_space("open", owner=owner)
    page = client.get("/s/open").get_data(as_text=True)
    assert "/login?next=/s/open" in page
    token = csrf_token_on(client, "/login")
    response = client.post("/s/open/join", data={"csrf_token": token, "accept_rules": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def csrf_token_on(client, page):
    """A CSRF token from any form on the page, such as the sign-out button's."""
    html = client.get(page).get_data(as_text=True)
    return next(f.fields["csrf_token"] for f in read_forms(html, page) if "csrf_token" in f.fields)


def test_suspended_user_cannot_join(member_client, member, make_space, owner):
    space = make_space("open", owner=owner)
    member.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    page = member_client.get("/s/open").get_data(as_text=True)
    assert "Your account is suspended" in page
    assert 'action="/s/open/join"' not in page
    token = csrf_token_on(member_client, "/s/open")
    response = member_client.post("/s/open/join", data={"csrf_token": token, "accept_rules": "y"})
    assert response.status_code == 403
    assert "Your account is suspended" in response.get_data(as_text=True)
    assert membership(member, space) is None


# Requests


@pytest.fixture
def request_space(make_space, owner):
    return make_space(
        "circle", owner=owner, name="Circle", visibility="members", join_policy="request"
    )


def ask(client, note="I run a parents' group and would like to listen.", accept_rules="y"):
    data = {"note": note} | ({"accept_rules": accept_rules} if accept_rules else {})
    return client.submit("/s/circle", data, action="/s/circle/join")


def test_a_request_shows_the_rules_and_asks_to_accept_them(member_client, member, request_space):
    page = member_client.get("/s/circle").get_data(as_text=True)
    form = page[page.index('action="/s/circle/join"') :]
    assert "I have read the rules and accept them" in form[: form.index("</form>")]
    note = "I run a parents' group: may I listen?"
    response = ask(member_client, note=note, accept_rules=None)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please read the rules and tick the box to accept them." in page
    assert note.replace("'", "&#39;") in page
    assert membership(member, request_space) is None


def test_an_approved_request_keeps_the_rules_accepted_with_it(
    member_client, member, request_space, owner
):
    ask(member_client)
    decide_request(owner, request_space, membership(member, request_space).id, approve=True)
    db.session.commit()
    assert membership(member, request_space).has_accepted_current_rules(request_space)


def test_request_needs_a_note_and_keeps_what_was_typed(member_client, member, request_space):
    response = ask(member_client, note="   ")
    assert response.status_code == 400
    assert "Please say a few words" in response.get_data(as_text=True)
    long_note = "x" * 1001
    response = ask(member_client, note=long_note)
    assert response.status_code == 400
    assert long_note in response.get_data(as_text=True)
    assert membership(member, request_space) is None


def test_request_waits_for_a_moderator_and_reads_nothing_meanwhile(
    member_client, member, request_space
):
    assert ask(member_client).status_code == 302
    assert membership(member, request_space).status == MembershipStatus.PENDING
    page = member_client.get("/s/circle").get_data(as_text=True)
    assert "Your request to join is waiting for a moderator." in page
    assert "for its members only" in page
    assert not can(member, Action.READ_SPACE, request_space)


def test_double_submitted_request_stays_one_request(member_client, member, request_space):
    form = form_on(member_client, "/s/circle", "/s/circle/join")
    for note in ("I run a parents' group.", "I run a parents' group!"):
        data = form.fields | {"note": note, "accept_rules": "y"}
        response = member_client.post("/s/circle/join", data=data)
        assert response.status_code == 302
    assert membership(member, request_space).request_note == "I run a parents' group."


def test_approved_requester_becomes_a_member(member_client, member, request_space, owner):
    ask(member_client)
    decide_request(owner, request_space, membership(member, request_space).id, approve=True)
    db.session.commit()
    page = member_client.get("/s/circle").get_data(as_text=True)
    assert "You are a <strong>member</strong>" in page
    assert "for its members only" not in page
    assert member_count(request_space) == 2


def test_declined_requester_sees_the_reason_and_may_ask_again(
    member_client, member, request_space, owner
):
    ask(member_client)
    decide_request(
        owner,
        request_space,
        membership(member, request_space).id,
        approve=False,
        reason="This circle is for parents only.",
    )
    db.session.commit()
    page = member_client.get("/s/circle").get_data(as_text=True)
    assert "Your last request was declined" in page
    assert "This circle is for parents only." in page
    assert ask(member_client, note="I am a parent, sorry for not saying.").status_code == 302
    assert membership(member, request_space).status == MembershipStatus.PENDING


def test_requester_can_withdraw(member_client, member, request_space):
    ask(member_client)
    response = member_client.submit("/s/circle", {}, action="/s/circle/leave")
    assert response.status_code == 302
    assert membership(member, request_space) is None


# Labels


@pytest.fixture
def police_space(make_space, owner):
    return make_space(
        "police",
        owner=owner,
        name="Police Room",
        visibility="members",
        join_policy="request",
        required_label=POLICE,
    )


def test_user_without_the_label_can_neither_request_nor_join(member_client, member, police_space):
    page = member_client.get("/s/police").get_data(as_text=True)
    assert "holding the verified label “Police officer” can join" in page
    assert 'action="/s/police/join"' not in page
    token = csrf_token_on(member_client, "/s/police")
    data = {"csrf_token": token, "note": "let me in", "accept_rules": "y"}
    response = member_client.post("/s/police/join", data=data)
    assert response.status_code == 403
    assert "holding the verified label “Police officer” can join" in response.get_data(as_text=True)
    assert membership(member, police_space) is None


def test_labelled_user_can_request(sign_in, make_user, police_space):
    officer = make_user("officer_x", label=POLICE)
    client = sign_in(officer)
    data = {"note": "Neighbourhood team.", "accept_rules": "y"}
    response = client.submit("/s/police", data, action="/s/police/join")
    assert response.status_code == 302
    assert membership(officer, police_space).status == MembershipStatus.PENDING


def test_revoking_the_label_takes_away_access(sign_in, make_user, police_space, admin):
    officer = make_user("officer_x", label=POLICE)
    admit(officer, police_space)
    db.session.commit()
    client = sign_in(officer)
    assert "for its members only" not in client.get("/s/police").get_data(as_text=True)

    set_label(admin, officer, None, note="left the force")
    db.session.commit()
    assert not can(officer, Action.READ_SPACE, police_space)
    assert "for its members only" in client.get("/s/police").get_data(as_text=True)


def test_approving_a_request_checks_the_label_again(sign_in, make_user, police_space, owner, admin):
    officer = make_user("officer_x", label=POLICE)
    data = {"note": "Hello.", "accept_rules": "y"}
    sign_in(officer).submit("/s/police", data, action="/s/police/join")
    set_label(admin, officer, None)
    db.session.commit()
    with pytest.raises(SpaceError, match="no longer holds the label"):
        decide_request(owner, police_space, membership(officer, police_space).id, approve=True)


# Invitations


@pytest.fixture
def hidden_space(make_space, owner):
    return make_space(
        "leads",
        owner=owner,
        name="Leads Only",
        visibility="hidden",
        join_policy="invite",
        rules="Keep it in the room.",
    )


def invite(space, owner, **kwargs):
    values = {"expires_in": timedelta(days=7), "max_uses": 1} | kwargs
    made = create_invitation(owner, space, **values)
    db.session.commit()
    return f"/s/{space.slug}/invite/{made.token}", made.invitation


def accept(client, link, **data):
    return client.submit(link, {"accept_rules": "y"} | data)


def test_invitation_lets_a_signed_in_user_into_a_hidden_space(
    member_client, member, hidden_space, owner
):
    assert member_client.get("/s/leads").status_code == 404
    link, _ = invite(hidden_space, owner)
    page = member_client.get(link).get_data(as_text=True)
    assert "You are invited to <bdi>Leads Only</bdi>" in page
    assert "Keep it in the room." in page
    response = accept(member_client, link)
    assert response.status_code == 302
    assert member_client.get("/s/leads").status_code == 200
    assert membership(member, hidden_space).rules_version_accepted == 1


def test_invitation_needs_the_rules_accepted(member_client, member, hidden_space, owner):
    link, _ = invite(hidden_space, owner)
    response = member_client.submit(link, {})
    assert response.status_code == 400
    assert membership(member, hidden_space) is None


def test_new_user_registers_and_lands_back_on_the_invitation(app, hidden_space, owner):
    link, _ = invite(hidden_space, owner)
    client = app.test_client()
    page = client.get(link).get_data(as_text=True)
    assert f"/register?next={link}" in page
    response = client.submit(
        f"/register?next={link}",
        {"username": "newcomer", "password": PASSWORD, "confirm": PASSWORD, "email": ""},
        follow_redirects=True,
    )
    # The recovery-code page continues to the invitation.
    assert f'href="{link}"' in response.get_data(as_text=True)
    assert accept(client, link).status_code == 302
    assert client.get("/s/leads").status_code == 200


def test_single_use_invitation_is_used_up(sign_in, make_user, hidden_space, owner):
    link, _ = invite(hidden_space, owner, max_uses=1)
    assert accept(sign_in(make_user("first_one")), link).status_code == 302
    second = sign_in(make_user("second_one"))
    response = second.get(link)
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "used as many times as it allows" in page
    assert "Leads Only" not in page  # a dead link names no hidden space
    assert second.get("/s/leads").status_code == 404


def test_multi_use_invitation_counts_its_uses(sign_in, make_user, hidden_space, owner):
    link, invitation = invite(hidden_space, owner, max_uses=3)
    for name in ("one_a", "two_b", "three_c"):
        assert accept(sign_in(make_user(name)), link).status_code == 302
    db.session.refresh(invitation)
    assert invitation.use_count == 3
    assert sign_in(make_user("four_d")).get(link).status_code == 410


def test_expired_invitation_is_refused(member_client, member, hidden_space, owner):
    link, invitation = invite(hidden_space, owner)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = member_client.get(link)
    assert response.status_code == 410
    assert "This invitation has expired." in response.get_data(as_text=True)
    token = csrf_token_on(member_client, link)
    response = member_client.post(link, data={"csrf_token": token, "accept_rules": "y"})
    assert response.status_code == 410
    assert "This invitation has expired." in response.get_data(as_text=True)
    assert membership(member, hidden_space) is None


def test_revoked_invitation_is_refused(member_client, member, hidden_space, owner):
    link, invitation = invite(hidden_space, owner)
    page = member_client.get(link).get_data(as_text=True)  # the form was loaded before revoking
    revoke_invitation(owner, hidden_space, invitation.id)
    db.session.commit()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = member_client.post(link, data={"csrf_token": token, "accept_rules": "y"})
    assert response.status_code == 410
    assert "withdrawn" in response.get_data(as_text=True)
    assert membership(member, hidden_space) is None


@pytest.mark.parametrize("path", ["/s/leads/invite/not-a-token", "/s/other/invite/{token}"])
def test_unknown_or_mismatched_token_is_404(member_client, hidden_space, owner, make_space, path):
    make_space("other", owner=owner)
    link, _ = invite(hidden_space, owner)
    token = link.rsplit("/", 1)[1]
    response = member_client.get(path.format(token=token))
    assert response.status_code == 404
    assert "Leads Only" not in response.get_data(as_text=True)


def test_invitation_enforces_the_required_label(member_client, member, make_space, owner):
    space = make_space(
        "police-leads",
        owner=owner,
        name="Police Leads",
        visibility="hidden",
        join_policy="invite",
        required_label=POLICE,
    )
    link, _ = invite(space, owner)
    page = member_client.get(link).get_data(as_text=True)
    assert "holding the verified label “Police officer” can join" in page
    token = csrf_token_on(member_client, link)
    response = member_client.post(link, data={"csrf_token": token, "accept_rules": "y"})
    assert response.status_code == 403
    assert membership(member, space) is None


def test_banned_member_cannot_come_back_through_an_invitation(
    sign_in, make_user, hidden_space, owner
):
    person = make_user("troublemaker")
    banned = admit(person, hidden_space)
    ban_member(owner, hidden_space, banned.id, "Shared screenshots outside.")
    db.session.commit()
    link, _ = invite(hidden_space, owner)
    client = sign_in(person)
    assert "You cannot accept this invitation" in client.get(link).get_data(as_text=True)
    token = csrf_token_on(client, link)
    response = client.post(link, data={"csrf_token": token, "accept_rules": "y"})
    assert response.status_code == 403
    assert "You are banned from this space" in response.get_data(as_text=True)
    assert membership(person, hidden_space).status == MembershipStatus.BANNED


def test_double_submitted_acceptance_uses_the_invitation_once(
    member_client, member, hidden_space, owner
):
    link, invitation = invite(hidden_space, owner, max_uses=5)
    form = form_on(member_client, link, link)
    for _ in range(2):
        member_client.post(link, data=form.fields | {"accept_rules": "y"})
    db.session.refresh(invitation)
    assert invitation.use_count == 1


def test_invitation_pages_are_never_cached(member_client, hidden_space, owner):
    link, _ = invite(hidden_space, owner)
    assert member_client.get(link).headers["Cache-Control"] == "no-store"


# Leaving and ownership


def test_member_leaves_and_the_count_drops(member_client, member, make_space, owner):
    space = make_space("open", owner=owner)
    admit(member, space)
    db.session.commit()
    assert member_count(space) == 2
    response = member_client.submit("/s/open", {}, action="/s/open/leave", follow_redirects=True)
    assert "You have left" in response.get_data(as_text=True)
    assert membership(member, space) is None
    assert member_count(space) == 1


def test_the_last_owner_cannot_leave(sign_in, owner, make_space):
    space = make_space("open", owner=owner)
    client = sign_in(owner)
    response = client.submit("/s/open", {}, action="/s/open/leave", follow_redirects=True)
    assert "A space must keep at least one owner." in response.get_data(as_text=True)
    assert membership(owner, space).role == Role.OWNER


def test_an_owner_may_leave_when_another_owner_remains(sign_in, owner, make_user, make_space):
    space = make_space("open", owner=owner)
    admit(make_user("co_owner"), space, Role.OWNER)
    db.session.commit()
    sign_in(owner).submit("/s/open", {}, action="/s/open/leave")
    assert membership(owner, space) is None


def test_leaving_a_hidden_space_returns_home(sign_in, member, hidden_space):
    admit(member, hidden_space)
    db.session.commit()
    client = sign_in(member)
    response = client.submit("/s/leads", {}, action="/s/leads/leave")
    assert response.headers["Location"] == "/"
    assert client.get("/s/leads").status_code == 404


# Rules versions


def test_changed_rules_must_be_accepted_again(sign_in, member, make_space, owner):
    space = make_space("open", owner=owner, rules="Be kind.")
    admit(member, space)
    db.session.commit()
    client = sign_in(member)
    assert "The rules have changed" not in client.get("/s/open").get_data(as_text=True)

    update_space_settings(owner, space, settings(name="A space", rules="Be kind. No doxxing."))
    db.session.commit()
    assert space.rules_version == 2
    page = client.get("/s/open").get_data(as_text=True)
    assert "The rules have changed since you joined." in page
    assert not membership(member, space).has_accepted_current_rules(space)

    client.submit("/s/open", {}, action="/s/open/rules/accept")
    assert membership(member, space).has_accepted_current_rules(space)
    assert "The rules have changed" not in client.get("/s/open").get_data(as_text=True)


def test_settings_change_without_rules_change_keeps_the_version(member, make_space, owner):
    space = make_space("open", owner=owner, rules="Be kind.")
    update_space_settings(owner, space, settings(name="Renamed", rules="Be kind."))
    assert space.rules_version == 1


# The space page


def test_space_page_counts_verified_roles_for_readers(sign_in, make_user, make_space, owner):
    space = make_space("mixed", owner=owner)
    for n in range(3):
        admit(make_user(f"officer{n}", label=POLICE), space)
    admit(make_user("researcher1", label="Researcher"), space)
    db.session.commit()
    page = sign_in(make_user("reader")).get("/s/mixed").get_data(as_text=True)
    assert "Police officer (4)" in page  # the owner holds the label too
    assert "Researcher (1)" in page


def test_members_only_space_shows_description_rules_and_count_not_presence(
    client, make_user, make_space, owner
):
    space = make_space(
        "closed",
        owner=owner,
        name="Closed Room",
        description="About closed things.",
        visibility="members",
        join_policy="request",
        rules="Rule one.",
    )
    admit(make_user("officer9", label=POLICE), space)
    db.session.commit()
    page = client.get("/s/closed").get_data(as_text=True)
    assert "About closed things." in page
    assert "Rule one." in page
    assert "2 members" in page
    assert "verified Police officer" not in page


def test_unknown_space_is_404(client):
    assert client.get("/s/no-such-space").status_code == 404
