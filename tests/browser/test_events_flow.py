"""A member registers for an event by approval, an organiser accepts, and the member then sees
its venue: in two browsers, through the pages alone."""

import re

import pytest

from forum.models import Role
from tests.browser.support import expect, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

VENUE = "Room 4, 12 Quiet Lane"


def test_a_member_registers_an_organiser_accepts_and_the_member_sees_the_venue(
    page, open_window, make_user, make_space, add_member
):
    owner = make_user("olive_owner")
    member = make_user("mia_member")
    space = make_space("parents", owner, "members", name="Parents Circle")
    add_member(space, member, Role.MEMBER)

    # The owner adds an event by approval from the space's Events tab.
    sign_in(page, owner.username, PASSWORD)
    page.goto("/s/parents")
    page.get_by_role("navigation", name="Parents Circle").get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Add an event").click()
    page.get_by_label("Title").fill("Evening for parents")
    page.get_by_label("Description").fill("We talk about **school**.")
    page.get_by_label("Starts").fill("2031-06-01T18:00")
    page.get_by_label("Ends").fill("2031-06-01T20:00")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Venue (in person)").fill(VENUE)
    page.get_by_label("By approval", exact=False).check()
    page.get_by_label("Places (optional)").fill("10")
    page.get_by_role("button", name="Add the event").click()
    expect(page.get_by_role("heading", name="Evening for parents")).to_be_visible()
    event_url = page.url

    # The member asks to register, and is not told the place yet.
    window = open_window()
    sign_in(window, member.username, PASSWORD)
    window.goto(event_url)
    expect(window.locator("#event-place")).to_have_text(
        re.compile("The place is told to accepted registrants")
    )
    window.get_by_role("button", name="Ask to register").click()
    expect(window.get_by_text("it waits for an organiser")).to_be_visible()
    expect(window.get_by_text(VENUE)).to_have_count(0)

    # The owner accepts it from the event's registrations.
    page.goto(event_url)
    attendees = page.locator("#attendees")
    expect(attendees.get_by_text("Pending")).to_be_visible()
    attendees.get_by_label("Message (optional)").fill("See you there.")
    attendees.get_by_role("button", name="Send decision").click()
    expect(page.locator("#attendees").get_by_text("Accepted")).to_be_visible()

    # The member is told, and now sees the venue.
    window.goto("/notifications")
    expect(window.get_by_text("was accepted")).to_be_visible()
    window.goto(event_url)
    expect(window.locator("#event-place")).to_have_text(VENUE)
