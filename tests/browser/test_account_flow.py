"""A person registers, keeps their recovery code, signs out and signs in again, in a browser."""

import re

import pytest

from tests.browser.support import expect, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

GENERIC_SIGN_IN_ERROR = "Incorrect username or password."


def test_person_registers_without_email_keeps_code_signs_out_and_back_in(page):
    page.goto("/")
    header = page.get_by_role("banner")
    header.get_by_role("link", name="Register").click()

    expect(page).to_have_title(re.compile(r"^Register"))
    page.get_by_label("Username").fill("quiet_otter")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    expect(page.get_by_label("E-mail (optional)")).to_have_value("")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Save your recovery code")).to_be_visible()
    expect(page.locator("#recovery-code")).to_have_text(re.compile(r"\S{16,}"))
    page.get_by_role("link", name="I have saved it, continue").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(header.get_by_role("link", name="Settings for quiet_otter")).to_be_visible()

    # The code is shown once: coming back to its page shows it no more.
    page.goto("/recovery-code")
    expect(page.get_by_role("heading", name="Save your recovery code")).to_have_count(0)

    header.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    expect(header.get_by_text("quiet_otter")).to_have_count(0)

    header.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("quiet_otter")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("status")).to_have_text("Welcome back, quiet_otter.")
    expect(header.get_by_role("link", name="Settings for quiet_otter")).to_be_visible()


def test_wrong_password_shows_generic_error_and_keeps_typed_username(page, make_user):
    make_user("river_wren")
    page.goto("/login")
    page.get_by_label("Username").fill("river_wren")
    page.get_by_label("Password", exact=True).fill("not my password at all")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_have_text(GENERIC_SIGN_IN_ERROR)
    expect(page.get_by_label("Username")).to_have_value("river_wren")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def test_unknown_username_shows_the_same_error_as_a_wrong_password(page):
    page.goto("/login")
    page.get_by_label("Username").fill("nobody_here_yet")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_have_text(GENERIC_SIGN_IN_ERROR)
    expect(page.get_by_label("Username")).to_have_value("nobody_here_yet")


def test_signed_in_person_reaches_settings_from_their_name_in_the_header(page, make_user):
    make_user("harbour_lee")
    sign_in(page, "harbour_lee", PASSWORD)
    page.get_by_role("banner").get_by_role("link", name="Settings for harbour_lee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings for harbour_lee")
