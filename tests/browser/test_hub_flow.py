"""The hub end to end, as the issue puts it: a researcher adds a report, and a member downloads
it, registers for the space's event and then sees its venue, in real browsers."""

import re

import pytest

from tests.browser.support import expect, sign_in
from tests.factories import PASSWORD, add_member, make_space
from tests.resources import samples

pytestmark = pytest.mark.browser
VENUE = "Room 4, Northside Library, 2 Mill Lane"


def test_a_researcher_adds_a_report_a_member_downloads_it_registers_and_sees_the_venue(
    page, open_window, make_user, tmp_path
):
    owner = make_user("olive_owner")
    researcher = make_user("researcher_rae", label="Researcher")
    member = make_user("member_mo")
    space = make_space("community", owner, "members", name="Community Voices")
    add_member(space, researcher)
    add_member(space, member)
    report = tmp_path / "Listening report.pdf"
    report.write_bytes(samples.pdf())

    # The researcher adds the report from the space's library.
    sign_in(page, researcher.username, PASSWORD)
    page.goto("/s/community/library")
    page.get_by_role("link", name="Add a resource").click()
    page.get_by_label("Type").select_option(label="Report")
    page.get_by_label("Title").fill("What we heard in 2026")
    page.get_by_label("Summary").fill("Forty conversations, and what people ask of the police.")
    page.get_by_label("File", exact=True).set_input_files(str(report))
    page.get_by_label("Under your username").check()
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("heading", name="What we heard in 2026")).to_be_visible()

    # The owner organises an evening, open to registration, from the Events tab.
    organiser = open_window()
    sign_in(organiser, owner.username, PASSWORD)
    organiser.goto("/s/community/events")
    organiser.get_by_role("link", name="Add an event").click()
    organiser.get_by_label("Title").fill("Listening evening")
    organiser.get_by_label("Starts").fill("2031-06-01T18:00")
    organiser.get_by_label("Ends").fill("2031-06-01T20:00")
    organiser.get_by_label("Time zone").select_option("Europe/London")
    organiser.get_by_label("Venue (in person)").fill(VENUE)
    organiser.get_by_role("button", name="Add the event").click()
    expect(organiser.get_by_role("heading", name="Listening evening")).to_be_visible()
    event_url = organiser.url

    # The member downloads the report: the same bytes, its author field gone.
    reader = open_window()
    sign_in(reader, member.username, PASSWORD)
    reader.goto("/s/community/library")
    entry = reader.locator(".resource-item", has_text="What we heard in 2026")
    with reader.expect_download() as caught:
        entry.get_by_role("link", name="Download").click()
    saved = tmp_path / "downloaded.pdf"
    caught.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert samples.AUTHOR.encode() not in saved.read_bytes()

    # Before registering the place is not told; once registered, it is.
    reader.goto(event_url)
    expect(reader.locator("#event-place")).to_have_text(
        re.compile("The place is told to accepted registrants")
    )
    reader.get_by_role("button", name="Register").click()
    expect(reader.locator("#event-place")).to_have_text(VENUE)
