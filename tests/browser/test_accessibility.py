"""axe-core finds no accessibility violation (WCAG 2.2 A and AA, best practices) on key pages."""

from datetime import timedelta

import pytest

from forum.admin.services import create_space
from forum.extensions import db
from forum.models import IdentityMode, JoinPolicy, Visibility
from forum.spaces.invitations import create_invitation
from forum.spaces.membership import admit
from forum.threads import services as posting
from moderation.services import set_thread_pinned
from tests import factories
from tests.browser.support import axe_violations, describe_violations, expect, sign_in
from tests.factories import PASSWORD, POLICE
from tests.factories import space_settings as settings

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
    # Signed in twice, so the list of browsers shows one with its "Sign out" button.
    sign_in(page, "ada_wren", PASSWORD)
    page.context.clear_cookies()
    sign_in(page, "ada_wren", PASSWORD)
    page.goto("/settings")
    expect(page.get_by_role("button", name="Sign out every other browser")).to_be_visible()


def privacy(page, _watch, _make_user):
    page.goto("/privacy")
    expect(page.get_by_role("heading", name="What Safe Spaces keeps about you")).to_be_visible()


def about(page, _watch, _make_user):
    page.goto("/about")
    expect(page.get_by_role("heading", name="About Safe Spaces")).to_be_visible()


def delete_account_with_errors_shown(page, watch, make_user):
    watch.allow_console_error(r"status of 400")
    make_user("ada_wren")
    sign_in(page, "ada_wren", PASSWORD)
    page.goto("/settings/delete")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Please tick the box to say you understand.")).to_be_visible()


def not_found(page, watch, _make_user):
    watch.allow_console_error(r"status of 404")
    response = page.goto("/no-such-page")
    assert response.status == 404


# Spaces and threads, seeded through the real services.


def _space_with_a_conversation(make_user, **overrides):
    """A space where authors choose their identity, with a nested thread behind a warning."""
    owner = make_user("ada_wren")
    others = [make_user("bo_finch"), make_user("cy_lark")]
    space = create_space(
        None,
        "night-shift",
        settings(
            **{
                "name": "Night Shift Talk",
                "description": "For people who take the hard calls.",
                "identity_mode": IdentityMode.CHOICE,
            }
            | overrides
        ),
        owner=owner,
    )
    for user in others:
        admit(user, space)
    thread = posting.start_thread(
        owner,
        space,
        title="When the call comes at 3 a.m.",
        body="The first time I took one of those calls I **froze**.",
        kind="pseudonym",
        content_warning="self-harm",
    )
    parent = factories.first_post(thread)
    authors = [(others[0], "pseudonym"), (others[1], "named"), (others[0], "named")]
    for depth, (author, kind) in enumerate(authors, 1):
        parent = posting.post_reply(author, parent, body=f"A reply {depth} deep.", kind=kind)
    posting.start_thread(
        others[1], space, title="Shift swaps that work", body="Ideas?", kind="named"
    )
    set_thread_pinned(owner, thread, True)
    db.session.commit()
    return space, thread


def space_page(page, _watch, make_user):
    space, _thread = _space_with_a_conversation(make_user)
    sign_in(page, "ada_wren", PASSWORD)
    page.goto(f"/s/{space.slug}")
    expect(page.get_by_text("Content warning", exact=True)).to_be_visible()


def space_page_with_request_form(page, _watch, make_user):
    space, _thread = _space_with_a_conversation(
        make_user, visibility=Visibility.MEMBERS, join_policy=JoinPolicy.REQUEST
    )
    make_user("new_parent")
    sign_in(page, "new_parent", PASSWORD)
    page.goto(f"/s/{space.slug}")
    expect(page.get_by_label("Why would you like to join?")).to_be_visible()


def thread_page(page, _watch, make_user):
    space, thread = _space_with_a_conversation(make_user)
    sign_in(page, "bo_finch", PASSWORD)
    page.goto(f"/s/{space.slug}/t/{thread.public_id}")
    expect(page.locator("details.branch details.branch li.reply")).to_have_count(1)


def thread_page_with_warning_open_branch_folded_and_inline_reply(page, watch, make_user):
    thread_page(page, watch, make_user)
    page.locator("details.content-warning > summary").click()
    page.locator("details.branch > summary").last.click()
    page.locator("li.reply > article").first.get_by_role("link", name="Reply").click()
    expect(page.locator("form.inline-reply").get_by_label("Your reply")).to_be_focused()


def new_thread_with_errors_shown(page, watch, make_user):
    watch.allow_console_error(r"status of 400")  # the form comes back as 400 Bad Request
    space, _thread = _space_with_a_conversation(make_user)
    sign_in(page, "bo_finch", PASSWORD)
    page.goto(f"/s/{space.slug}/new")
    page.get_by_role("button", name="Start thread").click()
    expect(page.get_by_text("Please give the thread a title.")).to_be_visible()
    expect(page.get_by_text("Please write something before posting.")).to_be_visible()


def invitation(page, _watch, make_user):
    owner = make_user("sgt_owner", label=POLICE)
    make_user("officer_olu", label=POLICE)
    space = create_space(
        None,
        "blue-room",
        settings(
            name="The Blue Room",
            rules="No case details that identify anyone.",
            visibility=Visibility.HIDDEN,
            join_policy=JoinPolicy.INVITE,
            required_label=POLICE,
        ),
        owner=owner,
    )
    made = create_invitation(owner, space, expires_in=timedelta(days=1), max_uses=1)
    db.session.commit()
    sign_in(page, "officer_olu", PASSWORD)
    page.goto(f"/s/{space.slug}/invite/{made.token}")
    expect(page.get_by_label("I have read the rules and accept them")).to_be_visible()


PAGES = [
    front_page,
    register,
    register_with_errors_shown,
    sign_in_page,
    sign_in_with_errors_shown,
    sign_in_with_empty_fields,
    recover,
    settings_signed_in,
    privacy,
    about,
    delete_account_with_errors_shown,
    not_found,
    space_page,
    space_page_with_request_form,
    thread_page,
    thread_page_with_warning_open_branch_folded_and_inline_reply,
    new_thread_with_errors_shown,
    invitation,
]


@pytest.mark.parametrize("open_page", PAGES, ids=[f.__name__ for f in PAGES])
def test_page_has_no_axe_violations(page, page_watch, make_user, axe, open_page):
    open_page(page, page_watch, make_user)
    page.wait_for_load_state("load")

    violations = axe_violations(axe, page)

    assert not violations, describe_violations(violations, page.url)


# The layout declares `color-scheme: light dark`: the browser's own colours follow the reader's
# setting, so contrast is checked in both.
DARK_PAGES = [
    front_page,
    sign_in_with_errors_shown,
    settings_signed_in,
    privacy,
    not_found,
    thread_page_with_warning_open_branch_folded_and_inline_reply,
]


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
    privacy,
    about,
    space_page,
    thread_page,
    new_thread_with_errors_shown,
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
