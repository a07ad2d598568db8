"""CSRF: every form carries a token and every state change without one is refused."""

import pytest

from tests.factories import PASSWORD


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/register", {"username": "newcomer", "password": PASSWORD, "confirm": PASSWORD}),
        ("/login", {"username": "member_mo", "password": PASSWORD}),
        ("/recover", {"username": "member_mo", "recovery_code": "x", "password": PASSWORD}),
    ],
)
def test_anonymous_forms_refuse_a_post_without_token(client, member, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "This form had expired or came from another site" in response.get_data(as_text=True)
    assert "Sign out" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/logout", "/settings/password", "/settings/email", "/settings/recovery-code"]
)
def test_signed_in_actions_refuse_a_post_without_token(member_client, member, path):
    response = member_client.post(path, data={"email-email": "attacker@example.org"})
    assert response.status_code == 400
    assert "Sign out" in member_client.get("/").get_data(as_text=True)


def test_a_token_from_another_session_is_refused(app, member, member_client):
    attacker = app.test_client()
    page = attacker.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = member_client.post(
        "/settings/email", data={"email-csrf_token": token, "email-email": "x@example.org"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/login", "/register", "/recover"])
def test_anonymous_form_pages_carry_a_token(client, path):
    assert 'name="csrf_token"' in client.get(path).get_data(as_text=True)


def test_settings_forms_each_carry_a_token(member_client):
    page = member_client.get("/settings").get_data(as_text=True)
    for prefix in ("password-", "email-", "recovery-"):
        assert f'name="{prefix}csrf_token"' in page
