"""People join spaces in a browser: a practitioner through an invitation link, a community member
by a request that a moderator approves. Each person has a browser context of their own; the
`page` fixture fails the test on any console error, CSP violation or request to another host in
any of them."""

import re

import pytest

from forum.admin.services import create_space
from forum.extensions import db
from forum.models import JoinPolicy, Role, Visibility
from forum.spaces.membership import admit
from forum.threads.services import start_thread
from tests.browser.support import expect, sign_in
from tests.factories import PASSWORD, POLICE
from tests.factories import space_settings as settings

pytestmark = pytest.mark.browser


def test_practitioner_joins_a_hidden_labelled_space_through_an_invitation_link(
    page, open_window, make_user
):
    admin = make_user("site_root", is_admin=True)
    owner = make_user("sgt_owner", label=POLICE)
    officer = make_user("officer_olu", label=POLICE)
    civilian = make_user("curious_cat")
    create_space(
        admin,
        "blue-room",
        settings(
            name="The Blue Room",
            description="Officers talk shop.",
            rules="No case details that identify anyone.",
            visibility=Visibility.HIDDEN,
            join_policy=JoinPolicy.INVITE,
            required_label=POLICE,
        ),
        owner=owner,
    )
    db.session.commit()

    # The owner makes a link on the space's invitations page, and sees it once.
    sign_in(page, owner.username, PASSWORD)
    page.goto("/s/blue-room")
    page.get_by_role("navigation", name="The Blue Room").get_by_role(
        "link", name="Invitations"
    ).click()
    expect(page.get_by_role("heading", name="Make an invitation link")).to_be_visible()
    page.get_by_label("Expires in").select_option(label="1 day")
    page.get_by_label("Number of uses", exact=True).select_option(label="5")
    page.get_by_label("Note (optional)").fill("For the new shift")
    page.get_by_role("button", name="Make the link").click()

    expect(page.get_by_role("status")).to_contain_text("it is shown only once")
    shown = page.locator("#invitation-link code")
    expect(shown).to_have_text(re.compile(r"^http://127\.0\.0\.1:\d+/s/blue-room/invite/\S+$"))
    link = shown.inner_text()
    row = page.get_by_role("row", name=re.compile("For the new shift"))
    expect(row).to_contain_text("0 of 5")
    page.reload()
    expect(page.get_by_role("heading", name="Your new invitation link")).to_have_count(0)
    assert link not in page.content()

    # A verified police officer opens the link, accepts the rules and is in.
    officer_page = open_window()
    sign_in(officer_page, officer.username, PASSWORD)
    officer_page.goto(link)
    expect(officer_page.get_by_role("heading", level=1)).to_have_text(
        "You are invited to The Blue Room"
    )
    expect(officer_page.get_by_text("No case details that identify anyone.")).to_be_visible()
    officer_page.get_by_label("I have read the rules and accept them").check()
    officer_page.get_by_role("button", name="Accept the invitation").click()

    expect(officer_page).to_have_url(re.compile(r"/s/blue-room$"))
    expect(officer_page.get_by_role("status")).to_have_text("Welcome to The Blue Room.")
    expect(officer_page.get_by_role("heading", level=1)).to_have_text("The Blue Room")
    expect(officer_page.get_by_text("You are a member of this space.")).to_be_visible()
    expect(officer_page.get_by_role("heading", name="Threads")).to_be_visible()
    expect(
        officer_page.get_by_text("Verified labels among the members: Police officer (2).")
    ).to_be_visible()

    # Someone without the label, holding the same link, is told who the space is for.
    civilian_page = open_window()
    sign_in(civilian_page, civilian.username, PASSWORD)
    civilian_page.goto(link)
    expect(
        civilian_page.get_by_text(
            "holding the verified label “Police officer” can join", exact=False
        )
    ).to_be_visible()
    expect(civilian_page.get_by_role("button", name="Accept the invitation")).to_have_count(0)

    # The owner's list counts the one use.
    page.reload()
    expect(row).to_contain_text("1 of 5")


def test_community_member_asks_to_join_and_a_moderator_approves(
    page, page_watch, open_window, make_user
):
    owner = make_user("circle_owner")
    moderator = make_user("mod_maya")
    member = make_user("new_parent")
    space = create_space(
        None,
        "parents-circle",
        settings(
            name="Parents Circle",
            description="Parents talk about keeping their children safe.",
            visibility=Visibility.MEMBERS,
            join_policy=JoinPolicy.REQUEST,
        ),
        owner=owner,
    )
    admit(moderator, space, Role.MODERATOR)
    start_thread(
        owner,
        space,
        title="Talking to teenagers about knife crime",
        body="What has worked for you?",
        kind="named",
    )
    db.session.commit()
    thread_link = re.compile("Talking to teenagers about knife crime")

    # The member finds the space, sees its description but none of its threads, and asks in.
    sign_in(page, member.username, PASSWORD)
    page.goto("/")
    page.get_by_role("link", name="Parents Circle").click()
    expect(page.get_by_text("Parents talk about keeping their children safe.")).to_be_visible()
    expect(
        page.get_by_text("The discussions in this space are for its members only.")
    ).to_be_visible()
    expect(page.get_by_role("link", name=thread_link)).to_have_count(0)
    page.get_by_label("Why would you like to join?").fill(
        "My son is 14 and I would like to learn from other parents."
    )
    # Asking without accepting the rules keeps the note and says what is missing.
    page_watch.allow_console_error(r"status of 400")  # the form comes back as 400 Bad Request
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_role("alert")).to_contain_text("tick the box to accept them")
    expect(page.get_by_label("Why would you like to join?")).to_have_value(
        "My son is 14 and I would like to learn from other parents."
    )
    page.get_by_label("I have read the rules and accept them").check()
    page.get_by_role("button", name="Ask to join").click()

    expect(page.get_by_role("status")).to_contain_text("Your request is sent.")
    expect(page.get_by_text("Your request to join is waiting for a moderator.")).to_be_visible()
    expect(page.get_by_role("link", name=thread_link)).to_have_count(0)

    # A moderator, in a browser of their own, approves it on the space's requests page.
    moderator_page = open_window()
    sign_in(moderator_page, moderator.username, PASSWORD)
    moderator_page.goto("/s/parents-circle")
    moderator_page.get_by_role("navigation", name="Parents Circle").get_by_role(
        "link", name="Requests"
    ).click()
    request = moderator_page.get_by_role("listitem").filter(
        has=moderator_page.get_by_role("heading", name=member.username)
    )
    expect(request).to_contain_text("My son is 14 and I would like to learn from other parents.")
    request.get_by_label("Reason (optional)").fill("Welcome!")
    request.get_by_role("button", name=f"Approve {member.username}").click()

    expect(moderator_page.get_by_role("status")).to_have_text(f"{member.username} is now a member.")
    expect(moderator_page.get_by_text("No requests are waiting.")).to_be_visible()

    # On their next visit the member is in, and the threads are theirs to read.
    page.reload()
    expect(page.get_by_text("You are a member of this space.")).to_be_visible()
    expect(page.get_by_text("Your request to join is waiting for a moderator.")).to_have_count(0)
    expect(page.get_by_role("heading", name="Threads")).to_be_visible()
    page.get_by_role("link", name=thread_link).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(thread_link)
