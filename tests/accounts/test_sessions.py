"""Signing in and out: one generic error, rate limits, CSRF on sign-out, cookie flags."""

from datetime import timedelta

import pytest

from forum import create_app
from forum.extensions import db
from forum.models.types import utcnow
from tests.conftest import settings_for_tests
from tests.factories import PASSWORD
from tests.support.client import Client

GENERIC_ERROR = "Incorrect username or password."


def sign_in(client, username, password=PASSWORD, page="/login", **kwargs):
    return client.submit(page, {"username": username, "password": password}, **kwargs)


def test_sign_in_with_the_right_password_names_the_account(client, member):
    response = sign_in(client, "member_mo", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Welcome back, member_mo." in page
    assert "Sign out" in page


def test_sign_in_ignores_the_case_of_the_username(client, member):
    assert sign_in(client, "MEMBER_MO").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"),
    [("member_mo", "wrong password here"), ("nobody_here", PASSWORD), ("nobody_here", "x" * 12)],
)
def test_every_sign_in_failure_gets_the_same_message(client, member, username, password):
    response = sign_in(client, username, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert GENERIC_ERROR in page
    assert "Sign out" not in page
    assert f'value="{username}"' in page  # the typed username is kept


def test_suspended_account_is_told_until_when(client, member):
    member.suspended_until = utcnow() + timedelta(days=2)
    db.session.commit()
    page = sign_in(client, "member_mo").get_data(as_text=True)
    assert "This account is suspended until" in page
    assert "Sign out" not in page


def test_sign_in_returns_to_the_page_that_asked_for_it(client, member):
    response = client.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fsettings"
    response = sign_in(client, "member_mo", page="/login?next=%2Fsettings")
    assert response.headers["Location"] == "/settings"


def test_sign_in_never_redirects_off_site(client, member):
    response = sign_in(client, "member_mo", page="/login?next=https%3A%2F%2Fevil.example%2F")
    assert response.headers["Location"] == "/"


def test_sign_in_is_limited_per_username(app, member):
    for n in range(5):
        # Different addresses, so only the per-username budget applies.
        client = app.test_client()
        environ = {"REMOTE_ADDR": f"10.0.0.{n + 1}"}
        response = client.submit(
            "/login", {"username": "member_mo", "password": "bad guess 1"}, environ_base=environ
        )
        assert response.status_code == 200
    client = app.test_client()
    response = client.submit(
        "/login",
        {"username": "member_mo", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 61  # a one-minute window, rounded up
    page = response.get_data(as_text=True)
    assert "Each username may be tried 5 times a minute. Try again in" in page
    assert "you can still sign in from a browser you have signed in with before" in page
    assert 'value="member_mo"' in page


def test_sign_in_is_limited_per_address(client):
    for n in range(10):
        assert sign_in(client, f"someone{n}", "bad guess 1").status_code == 200
    response = sign_in(client, "someone_else", "bad guess 1")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_rate_limits_can_be_switched_off_from_the_environment(app, database_uri, monkeypatch):
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    settings = settings_for_tests(database_uri)
    del settings["RATELIMIT_ENABLED"]
    unlimited = create_app(settings)
    unlimited.test_client_class = Client
    client = unlimited.test_client()
    for _ in range(12):
        assert sign_in(client, "someone", "bad guess 1").status_code == 200


def test_sign_out_is_a_post_with_csrf(member_client):
    assert member_client.get("/logout").status_code == 405
    assert member_client.post("/logout").status_code == 400  # no CSRF token
    assert "Sign out" in member_client.get("/").get_data(as_text=True)
    response = member_client.submit("/", {}, action="/logout", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You are signed out." in page
    assert "Sign out" not in page
    assert member_client.get("/settings").status_code == 302


def session_cookie(response) -> str:
    cookies = response.headers.getlist("Set-Cookie")
    return next(c for c in cookies if c.startswith("safe_spaces_session="))


def test_session_cookie_is_httponly_and_samesite_lax(client, member):
    cookie = session_cookie(sign_in(client, "member_mo"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(app, client, member):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "Secure" in session_cookie(sign_in(client, "member_mo"))


def test_signed_in_pages_are_private(member_client):
    assert member_client.get("/").headers["Cache-Control"] == "private, no-cache"
