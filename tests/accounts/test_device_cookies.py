"""Device cookies: guessing a password locks out guessers, never the owner's own browser."""

import base64
import json

import pytest

from tests.accounts.test_recovery import recover
from tests.factories import PASSWORD
from tests.support.pages import recovery_code, text

DEVICE = "safe_spaces_device"
LOCKED_OUT = "Each username may be tried 5 times a minute. Try again in"


def attempt(client, password, username="member_mo", address="192.0.2.1"):
    return client.submit(
        "/login",
        {"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def spend_the_username_budget(app, username="member_mo"):
    """An attacker guesses from many addresses until only the username's budget stops them."""
    for n in range(6):
        guess = attempt(app.test_client(), "a wrong guess", username, f"10.9.0.{n}")
        if guess.status_code == 429:
            return
    raise AssertionError("the username's budget never ran out")


def owners_browser(app, username="member_mo"):
    """The owner's browser: signed in once (so it holds a device cookie), then signed out."""
    client = app.test_client()
    assert attempt(client, PASSWORD, username).status_code == 302
    client.submit("/", {}, action="/logout")
    assert client.get_cookie(DEVICE, path="/login") is not None
    return client


def test_the_owners_browser_signs_in_while_guessers_are_locked_out(app, member):
    owner = owners_browser(app)
    spend_the_username_budget(app)

    fresh_browser = attempt(app.test_client(), PASSWORD)
    assert fresh_browser.status_code == 429
    assert LOCKED_OUT in text(fresh_browser)
    assert "sign in from a browser you have signed in with before" in text(fresh_browser)

    assert attempt(owner, PASSWORD).status_code == 302


def test_wrong_passwords_from_a_device_cookie_spend_its_own_budget(app, member):
    stolen = owners_browser(app)
    for _ in range(5):
        assert attempt(stolen, "a wrong guess").status_code == 200
    refused = attempt(stolen, PASSWORD)
    assert refused.status_code == 429
    assert "This browser may try 5 times a minute." in text(refused)
    # The username's shared budget was untouched: a new browser may still try.
    assert attempt(app.test_client(), PASSWORD).status_code == 302


def tampered(value: str) -> str:
    payload, rest = value.split(".", 1)
    return payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest


@pytest.mark.parametrize("forgery", ["tampered", "another username", "another key", "garbage"])
def test_a_forged_device_cookie_counts_as_none(app, member, make_user, forgery):
    if forgery == "another username":
        make_user("other_person")
        value = owners_browser(app, "other_person").get_cookie(DEVICE, path="/login").value
    elif forgery == "another key":
        app.config["SECRET_KEY"] = "a key the attacker chose"
        value = owners_browser(app).get_cookie(DEVICE, path="/login").value
        app.config["SECRET_KEY"] = "test secret key"
    else:
        genuine = owners_browser(app).get_cookie(DEVICE, path="/login").value
        value = tampered(genuine) if forgery == "tampered" else "not.a.device.cookie"
    spend_the_username_budget(app)
    attacker = app.test_client()
    attacker.set_cookie(DEVICE, value, path="/login")
    assert attempt(attacker, PASSWORD).status_code == 429


def test_the_device_cookie_is_signed_httponly_long_lived_and_names_no_account(app, member):
    client = app.test_client()
    response = attempt(client, PASSWORD)
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{DEVICE}=")]
    assert {c.split("Path=")[1].split(";")[0] for c in cookies} == {"/login", "/recover"}
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Max-Age=31536000" in cookie
    value = client.get_cookie(DEVICE, path="/login").value
    payload = json.loads(base64.urlsafe_b64decode(value.split(".")[0] + "=="))
    assert "member_mo" not in json.dumps(payload) and str(member.id) not in payload
    # Only sign-in and recovery see it: other pages are not sent it.
    assert client.get_cookie(DEVICE, path="/") is None


def test_registration_gives_the_new_owners_browser_a_device_cookie(client):
    data = {"username": "newcomer", "password": PASSWORD, "confirm": PASSWORD}
    assert client.submit("/register", data).status_code == 302
    assert client.get_cookie(DEVICE, path="/login") is not None


def test_recovery_from_the_owners_browser_works_while_guessers_are_locked_out(app, member):
    owner = app.test_client()
    attempt(owner, PASSWORD)
    renewed = owner.submit(
        "/settings",
        {"recovery-current_password": PASSWORD},
        action="/settings/recovery-code",
        follow_redirects=True,
    )
    code = recovery_code(renewed.get_data(as_text=True))
    owner.submit("/", {}, action="/logout")
    for n in range(5):
        guess = recover(
            app.test_client(),
            "AAAA-BBBB-CCCC-DDDD-EEEE",
            "member_mo",
            environ_base={"REMOTE_ADDR": f"10.8.0.{n}"},
        )
        assert guess.status_code == 200
    fresh_browser = recover(app.test_client(), code, "member_mo")
    assert fresh_browser.status_code == 429
    hint = "use your recovery code in a browser you have signed in with before"
    assert hint in text(fresh_browser)
    assert recover(owner, code, "member_mo").status_code == 302
