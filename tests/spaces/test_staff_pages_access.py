"""Closed means closed: no staff page or action tells an outsider that a hidden space exists."""

import pytest

from tests.factories import membership_of as membership
from tests.support.pages import csrf_token, text

PAGES = ["members", "members?page=2", "requests", "invites", "settings"]
ACTIONS = [
    "members/{m}/role",
    "members/{m}/remove",
    "members/{m}/ban",
    "members/{m}/unban",
    "requests/{m}",
    "invites",
    "invites/1/revoke",
    "settings",
]


@pytest.fixture
def hidden(staffed):
    return staffed("hidden", name="Whistleblowers Anonymous")


@pytest.fixture
def outsider(sign_in, make_space, make_user, add_member):
    """Signed in, and staff of another space, but not in the hidden one."""
    user = make_user("olga_outsider")
    make_space("elsewhere", user, "members")
    return sign_in(user)


def test_hidden_space_staff_pages_are_404_without_its_name_for_outsiders(hidden, outsider):
    for page in PAGES:
        response = outsider.get(f"/s/{hidden.slug}/{page}")
        assert response.status_code == 404, page
        assert "Whistleblowers Anonymous" not in text(response), page


def test_hidden_space_staff_actions_are_404_without_its_name_for_outsiders(hidden, outsider):
    target = membership(hidden.space, hidden.member)
    token = csrf_token(outsider, "/")
    for action in ACTIONS:
        response = outsider.post(
            f"/s/{hidden.slug}/{action.format(m=target.id)}",
            data={"csrf_token": token, "reason": "x", "role": "owner", "decision": "approve"},
        )
        assert response.status_code == 404, action
        assert "Whistleblowers Anonymous" not in text(response), action
    assert membership(hidden.space, hidden.member).role == "member"


def test_hidden_space_staff_pages_and_actions_are_404_for_its_plain_members(hidden, sign_in):
    member = sign_in(hidden.member)
    target = membership(hidden.space, hidden.moderator)
    token = csrf_token(member, "/")
    for page in PAGES:
        assert member.get(f"/s/{hidden.slug}/{page}").status_code == 404, page
    for action in ACTIONS:
        response = member.post(
            f"/s/{hidden.slug}/{action.format(m=target.id)}",
            data={"csrf_token": token, "reason": "x", "role": "owner"},
        )
        assert response.status_code == 404, action


def test_visitors_are_sent_to_sign_in_and_learn_nothing(hidden, client):
    for page in PAGES:
        response = client.get(f"/s/{hidden.slug}/{page}", follow_redirects=True)
        assert response.request.path == "/login", page
        assert "Whistleblowers Anonymous" not in text(response), page


def test_a_space_that_does_not_exist_answers_like_a_hidden_one(outsider):
    for page in PAGES:
        assert outsider.get(f"/s/no-such-space/{page}").status_code == 404, page


def test_a_listed_space_staff_pages_are_403_for_its_plain_members(staffed, sign_in):
    space = staffed("members")
    member = sign_in(space.member)
    for page in PAGES:
        assert member.get(f"/s/{space.slug}/{page}").status_code == 403, page
