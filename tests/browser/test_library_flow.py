"""A researcher shares a report in a practitioners' space, and a member downloads it: in a real
browser, the PDF chosen in the file input, the bytes read back from the download."""

import pytest

from tests.browser.support import expect, sign_in
from tests.factories import PASSWORD, add_member, make_space
from tests.resources import samples

pytestmark = pytest.mark.browser
RESEARCHER = "Researcher"


def test_a_researcher_adds_a_report_and_a_member_downloads_it(
    page, open_window, make_user, tmp_path
):
    owner = make_user("prof_owner", label=RESEARCHER)
    researcher = make_user("researcher_rae", label=RESEARCHER)
    colleague = make_user("colleague_cy", label=RESEARCHER)
    space = make_space(
        "research-room", owner, "members", name="Research Room", required_label=RESEARCHER
    )
    add_member(space, researcher)
    add_member(space, colleague)
    report = tmp_path / "Youth safety report.pdf"
    report.write_bytes(samples.pdf())

    # The researcher finds the library from the space's navigation and adds the report.
    sign_in(page, researcher.username, PASSWORD)
    page.goto("/s/research-room")
    page.get_by_role("navigation", name="Research Room").get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Add a resource").click()
    page.get_by_label("Type").select_option(label="Report")
    page.get_by_label("Title").fill("Youth safety in three towns")
    page.get_by_label("Summary").fill("Interviews with 120 young people, and what they ask of us.")
    page.get_by_label("File", exact=True).set_input_files(str(report))
    page.get_by_label("Contributing organisation (optional)").fill("Northside Research Unit")
    page.get_by_label("Under your username").check()
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("heading", name="Youth safety in three towns")).to_be_visible()

    # A colleague sees it in the library, with its facts and the contributor's verified label.
    other = open_window()
    sign_in(other, colleague.username, PASSWORD)
    other.goto("/s/research-room/library")
    entry = other.locator(".resource-item", has_text="Youth safety in three towns")
    expect(entry).to_contain_text("Northside Research Unit")
    expect(entry).to_contain_text("Verified Researcher")
    with other.expect_download() as caught:
        entry.get_by_role("link", name="Download").click()
    download = caught.value
    assert download.suggested_filename == "Youth safety report.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF-")
    assert samples.AUTHOR.encode() not in data  # its Author field was stripped
