"""A post is reported, hidden, removed with a reason, appealed and restored, all in a browser.

Three members report a reply, each from their own browser and with a reason of their own; at
the space's threshold it hides from a fourth member, while its author sees it is under review.
A moderator finds it first in /mod, removes it with a public reason; the author sees the
unread count in the header, follows "Appeal" from /notifications and appeals; another
moderator opens the appeal from /mod and overturns it, and the fourth member reads the post
again. After the setup, everything happens through clicks and typing.
"""

import re

import pytest

from forum.extensions import db
from forum.models import Role
from moderation import flags
from tests.browser.support import Page, expect, sign_in
from tests.factories import PASSWORD, add_member, first_post, make_space, reply, start_thread

pytestmark = pytest.mark.browser

SLUG = "harbour"
TITLE = "Talking to the new neighbours"
REPLY_BODY = "They should all go back where they came from, and I know where they live."
OLDER_BODY = "Buy cheap watches at my shop, link in bio."
PUBLIC_REASON = "Threat or incitement to violence"
EXPLANATION = "Naming where people live reads as a threat."
APPEAL = "I was angry, but I meant their old street, not a threat. Please look again."
OVERTURN_REASON = "Read in context it is not a threat; restored with a warning."
PLACEHOLDER = "[hidden while moderators review it]"


@pytest.fixture
def harbour(app, make_user):
    """A public space with two moderators, an author's reply, three reporters and a reader.

    One older post was reported once, so the queue already has an item waiting before the
    hidden reply's: the hidden one must still come first.
    """
    owner = make_user("harbour_owner")
    first_mod, second_mod = make_user("mod_ayo"), make_user("mod_bex")
    author, reader = make_user("author_ash"), make_user("reader_dee")
    reporters = [make_user(name) for name in ("rep_one", "rep_two", "rep_three")]
    space = make_space(SLUG, owner=owner, flag_hide_threshold=3)
    for moderator in (first_mod, second_mod):
        add_member(space, moderator, Role.MODERATOR)
    for member in (author, reader, *reporters):
        add_member(space, member)
    thread = start_thread(reader, space, title=TITLE, body="How do we make them welcome?")
    older = reply(reporters[0], first_post(thread), body=OLDER_BODY)
    flags.flag_post(reporters[1], older, "spam", "")
    db.session.commit()
    post = reply(author, first_post(thread), body=REPLY_BODY)
    return {
        "first_mod": first_mod,
        "second_mod": second_mod,
        "author": author,
        "reader": reader,
        "reporters": reporters,
        "thread_url": f"/s/{SLUG}/t/{thread.public_id}",
        "post_id": post.public_id,
    }


def the_reply(page: Page, post_id: str):
    return page.locator(f"#p{post_id} > article")


def report(page: Page, post_id: str, reason: str, note: str = "") -> None:
    """Click "Report" under the reply, choose a reason, send."""
    the_reply(page, post_id).get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report this post")
    page.get_by_role("radio", name=reason, exact=True).check()
    if note:
        page.get_by_label(re.compile("^Note for the moderators")).fill(note)
    page.get_by_role("button", name="Report").click()
    expect(page.get_by_text("Thank you. The moderators will review it.")).to_be_visible()


def test_reported_post_hides_is_removed_appealed_and_restored(page, open_window, harbour):
    post_id, thread_url = harbour["post_id"], harbour["thread_url"]

    # Three members report the reply, each in their own browser, each with a reason.
    for reporter, reason, note in zip(
        harbour["reporters"],
        ("Threat or incitement to violence", "Harassment or hate", "Other"),
        ("", "", "It names a street where families live."),
        strict=True,
    ):
        window = open_window()
        sign_in(window, reporter.username, PASSWORD)
        window.goto(thread_url)
        report(window, post_id, reason, note)
        window.context.close()

    # At the threshold it hides: the reader sees a placeholder, the author that it is in review.
    reader = open_window()
    sign_in(reader, harbour["reader"].username, PASSWORD)
    reader.goto(thread_url)
    expect(the_reply(reader, post_id)).to_contain_text(PLACEHOLDER)
    expect(the_reply(reader, post_id)).not_to_contain_text(REPLY_BODY)

    author = open_window()
    sign_in(author, harbour["author"].username, PASSWORD)
    author.goto(thread_url)
    expect(the_reply(author, post_id)).to_contain_text("Hidden while moderators review")
    expect(the_reply(author, post_id)).to_contain_text(REPLY_BODY)

    # The first moderator sees the hidden item first in the queue, though it is the newer one.
    sign_in(page, harbour["first_mod"].username, PASSWORD)
    expect(
        page.get_by_role("banner").get_by_role("link", name=re.compile("Moderation"))
    ).to_contain_text("2")
    page.get_by_role("banner").get_by_role("link", name=re.compile("Moderation")).click()
    items = page.locator("ol.queue-items > li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Hidden by reports")
    expect(items.first).to_contain_text("3 reports")
    expect(items.nth(1)).to_contain_text(OLDER_BODY[:20])
    for name in ("rep_one", "rep_two", "rep_three", "author_ash"):
        expect(page.get_by_role("main")).not_to_contain_text(name)
    items.first.get_by_role("link").first.click()

    # The item page: the post in its thread, every report's reason and the note, no reporter.
    expect(page.get_by_role("heading", level=1)).to_contain_text("in The public circle")
    expect(page.get_by_role("main")).to_contain_text(TITLE)
    expect(page.get_by_role("main")).to_contain_text(REPLY_BODY)
    expect(page.get_by_role("main")).to_contain_text("It names a street where families live.")
    page.get_by_role("radio", name="Remove the post", exact=True).check()
    page.get_by_label("Public reason").select_option(label=PUBLIC_REASON)
    page.get_by_label("Explanation for the author (optional)").fill(EXPLANATION)
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("The post is removed; its author is told why.")).to_be_visible()
    expect(page.locator("ol.queue-items > li")).to_have_count(1)

    # The author sees one unread notification in the header, and appeals from it.
    author.goto(thread_url)
    notifications = author.get_by_role("banner").get_by_role(
        "link", name=re.compile("Notifications")
    )
    expect(notifications).to_contain_text("1")
    expect(the_reply(author, post_id)).to_contain_text(PUBLIC_REASON)
    notifications.click()
    expect(author.get_by_role("main")).to_contain_text(f"{PUBLIC_REASON}: {EXPLANATION}")
    author.get_by_role("link", name="Appeal this decision").click()
    expect(author.get_by_role("heading", level=1)).to_have_text("Appeal a decision")
    author.get_by_label("Why should the decision be looked at again?").fill(APPEAL)
    author.get_by_role("button", name="Send the appeal").click()
    expect(author.get_by_text("Your appeal is sent.")).to_be_visible()

    # The reader still sees only that a moderator removed it.
    reader.goto(thread_url)
    expect(the_reply(reader, post_id)).to_contain_text("[removed by a moderator]")

    # The moderator who decided may not take the appeal; a second moderator does, from /mod.
    page.goto("/mod")
    page.locator("ol.queue-items > li", has_text="Appeal").get_by_role("link").first.click()
    expect(page.get_by_role("alert")).to_have_text("A different moderator must decide this appeal.")
    expect(page.get_by_role("button", name="Decide the appeal")).to_have_count(0)

    second = open_window()
    sign_in(second, harbour["second_mod"].username, PASSWORD)
    second.get_by_role("banner").get_by_role("link", name=re.compile("Moderation")).click()
    appeal = second.locator("ol.queue-items > li", has_text="Appeal")
    expect(appeal).to_have_count(1)
    appeal.get_by_role("link").first.click()
    expect(second.get_by_role("heading", level=1)).to_contain_text("Appeal in")
    expect(second.get_by_role("main")).to_contain_text(APPEAL)
    expect(second.get_by_role("main")).not_to_contain_text("author_ash")
    second.get_by_role("radio", name=re.compile("^Overturn")).check()
    second.get_by_label("Reason").fill(OVERTURN_REASON)
    second.get_by_role("button", name="Decide the appeal").click()
    expect(second.get_by_text("The appeal is decided and the author is told.")).to_be_visible()

    # The reader sees the post again; the author is told the outcome.
    reader.goto(thread_url)
    expect(the_reply(reader, post_id)).to_contain_text(REPLY_BODY)
    author.goto("/notifications")
    expect(author.get_by_role("main")).to_contain_text(OVERTURN_REASON)
