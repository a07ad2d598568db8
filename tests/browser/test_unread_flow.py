"""A member sees what is new since their last visit, follows it to the post, and it clears.

Another member replies in a thread the first has read; the space's list says "1 new", its link
lands on the thread's page scrolled to the reply, marked new, and back on the space the marker
is gone. The `page` fixture fails the test on any console error, CSP violation or request to
another host.
"""

import re

import pytest

from forum.extensions import db
from tests.browser.support import expect, sign_in
from tests.factories import PASSWORD, add_member, first_post, make_space, reply, start_thread

pytestmark = pytest.mark.browser


def test_a_reply_is_new_until_the_member_has_seen_it(page, make_user):
    owner, reader, writer = (make_user(n) for n in ("olive_owner", "rae_reader", "wes_writer"))
    space = make_space("evening-talk", owner, "public", name="Evening Talk")
    add_member(space, reader)
    add_member(space, writer)
    thread = start_thread(reader, space, "What helps after a hard shift?")
    opening, url = first_post(thread), f"/s/{space.slug}/t/{thread.public_id}"

    sign_in(page, reader.username, PASSWORD)
    page.goto(url)  # read: nothing new there yet
    # The server wrote the read position: a read transaction the test opened before that could
    # not write now (SQLite refuses a stale snapshot's write), so it ends here.
    db.session.rollback()
    answer = reply(writer, opening, "A walk home without my phone.")

    page.goto("/s/evening-talk")
    marker = page.get_by_role("link", name=re.compile(r"^1 new"))
    expect(marker).to_be_visible()
    marker.click()

    expect(page).to_have_url(re.compile(rf"{url}#p{answer.public_id}$"))
    post = page.locator(f"#p{answer.public_id}")
    expect(post).to_be_in_viewport()
    expect(post.get_by_text("new since your last visit")).to_be_visible()
    expect(page.get_by_role("link", name="First unread")).to_have_attribute(
        "href", f"#p{answer.public_id}"
    )

    page.goto("/s/evening-talk")
    expect(page.get_by_role("heading", name="What helps after a hard shift?")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"\d+ new"))).to_have_count(0)


def test_a_replys_notification_leads_to_the_post_and_clears_what_is_new(page, make_user):
    owner, reader, writer = (make_user(n) for n in ("ona_owner", "rio_reader", "wyn_writer"))
    space = make_space("night-talk", owner, "public", name="Night Talk")
    add_member(space, reader)
    add_member(space, writer)
    thread = start_thread(reader, space, "Who do you call at 3 a.m.?")
    url = f"/s/{space.slug}/t/{thread.public_id}"

    sign_in(page, reader.username, PASSWORD)
    page.goto(url)
    db.session.rollback()  # as above: the server wrote the read position
    answer = reply(writer, first_post(thread), "The night line, every time.")

    page.goto("/")
    header = page.get_by_role("navigation", name="Site")
    expect(header.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    header.get_by_role("link", name=re.compile("^Notifications")).click()
    page.get_by_role("link", name="See the reply").click()
    expect(page).to_have_url(re.compile(rf"{url}#p{answer.public_id}$"))
    expect(page.locator(f"#p{answer.public_id}")).to_be_in_viewport()

    page.goto(f"/s/{space.slug}")
    expect(page.get_by_role("link", name=re.compile(r"\d+ new"))).to_have_count(0)
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
