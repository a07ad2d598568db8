"""axe-core finds no accessibility violation (WCAG 2.2 A and AA, best practices) on key pages."""

import pytest

from tests.browser.support import axe_violations, describe_violations, expect, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def front_page(page, _watch, _make_user):
    page.goto("/")


def register(page, _watch, _make_user):
    page.goto("/register")


def register_with_errors_shown(page, _watch, _make_user):
    page.goto("/register")
    page.get_by_label("Username").fill("x")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill("something else")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("The passwords do not match.")).to_be_visible()


def sign_in_page(page, _watch, _make_user):
    page.goto("/login")


def sign_in_with_errors_shown(page, _watch, make_user):
    make_user("ada_wren")
    page.goto("/login")
    page.get_by_label("Username").fill("ada_wren")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()


def sign_in_with_empty_fields(page, _watch, _make_user):
    page.goto("/login")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("This field is required.")).to_have_count(2)


def recover(page, _watch, _make_user):
    page.goto("/recover")


def settings_signed_in(page, _watch, make_user):
    make_user("ada_wren")
    sign_in(page, "ada_wren", PASSWORD)
    page.goto("/settings")


def not_found(page, watch, _make_user):
    watch.allow_console_error(r"status of 404")
    response = page.goto("/no-such-page")
    assert response.status == 404


PAGES = [
    front_page,
    register,
    register_with_errors_shown,
    sign_in_page,
    sign_in_with_errors_shown,
    sign_in_with_empty_fields,
    recover,
    settings_signed_in,
    not_found,
]


@pytest.mark.parametrize("open_page", PAGES, ids=[f.__name__ for f in PAGES])
def test_page_has_no_axe_violations(page, page_watch, make_user, axe, open_page):
    open_page(page, page_watch, make_user)
    page.wait_for_load_state("load")

    violations = axe_violations(axe, page)

    assert not violations, describe_violations(violations, page.url)


# The layout declares `color-scheme: light dark`: the browser's own colours follow the reader's
# setting, so contrast is checked in both.
DARK_PAGES = [front_page, sign_in_with_errors_shown, settings_signed_in, not_found]


@pytest.mark.parametrize("open_page", DARK_PAGES, ids=[f.__name__ for f in DARK_PAGES])
def test_page_in_dark_mode_has_no_axe_violations(page, page_watch, make_user, axe, open_page):
    page.emulate_media(color_scheme="dark")
    open_page(page, page_watch, make_user)
    page.wait_for_load_state("load")

    violations = axe_violations(axe, page)

    assert not violations, describe_violations(violations, page.url)


# WCAG 2.2 AA 1.4.10 Reflow: content fits 320 CSS pixels wide without scrolling sideways.
PHONE_PAGES = [
    front_page,
    register_with_errors_shown,
    sign_in_with_errors_shown,
    settings_signed_in,
]


@pytest.mark.parametrize("open_page", PHONE_PAGES, ids=[f.__name__ for f in PHONE_PAGES])
def test_page_fits_a_320_pixel_wide_screen_without_sideways_scrolling(
    page, page_watch, make_user, open_page
):
    page.set_viewport_size({"width": 320, "height": 640})
    open_page(page, page_watch, make_user)

    width = page.evaluate("() => document.documentElement.scrollWidth")
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((element) => element.getBoundingClientRect().right > 321)
            .map((element) => element.outerHTML.slice(0, 160))"""
    )
    assert width <= 320, f"the page is {width}px wide; too wide: {too_wide}"


def test_first_tab_shows_skip_link_that_moves_focus_to_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
