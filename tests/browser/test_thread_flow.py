"""Three members hold a nested, pseudonymous conversation behind a content warning, in a browser.

The starter opens a thread under their pseudonym; two others reply three levels deep, once
through the inline form that thread.js opens and once through the reply page a browser without
JavaScript reaches. Then a branch folds and unfolds in place, the content warning hides the
first post until it is opened, and a permalink lands scrolled to its post. The `page` fixture
fails the test on any console error, CSP violation or request to another host, in every window.
"""

import re

import pytest

from forum.admin.services import create_space
from forum.extensions import db
from forum.models import IdentityMode
from forum.spaces.membership import admit
from tests.browser.support import expect, sign_in
from tests.factories import PASSWORD
from tests.factories import space_settings as settings

pytestmark = pytest.mark.browser

SLUG = "night-shift"
SPACE_NAME = "Night Shift Talk"
TITLE = "When the call comes at 3 a.m."
CONTENT_WARNING = "self-harm"
FIRST_BODY = "The first time I took one of those calls I froze."
PSEUDONYM_CHOICE = re.compile(r"^Under your pseudonym in this space")
# Long enough that the deepest reply starts below the fold of a short window.
LONG_REPLY = "\n\n".join(
    f"Paragraph {n}: what helped me was writing down what I heard, then talking it through."
    for n in range(1, 9)
)
SECOND_REPLY = "Writing it down helps me too. Who do you talk it through with?"
THIRD_REPLY = "A colleague from another team, so nobody is on the same rota."


@pytest.fixture
def members(app, make_user):
    """A space where authors choose their identity, and three members of it."""
    owner = make_user("shift_owner")
    starter, second, third = (make_user(name) for name in ("rowan_starter", "bea_b", "cal_c"))
    space = create_space(
        None,
        SLUG,
        settings(name=SPACE_NAME, identity_mode=IdentityMode.CHOICE),
        owner=owner,
    )
    for user in (starter, second, third):
        admit(user, space)
    db.session.commit()
    return starter, second, third


def post_id_from_url(page) -> str:
    """After posting, the app sends the browser to the new post's permalink: `…#p<id>`."""
    expect(page).to_have_url(re.compile(r"#p[a-z2-7]+$"))
    return page.url.rsplit("#p", 1)[1]


def post_of(page, post_id: str):
    """A reply's own article, without the replies nested below it."""
    return page.locator(f"#p{post_id} > article")


def mark_document(page) -> None:
    """Leave a mark in the current document; a page load would wipe it out."""
    page.evaluate("() => { window.__sameDocument = true; }")


def assert_same_document(page, url: str) -> None:
    assert page.url == url, f"the address changed from {url} to {page.url}"
    assert page.evaluate("() => window.__sameDocument === true"), "the page was loaded again"


def assert_no_username_in_main(page, username: str) -> None:
    main = page.get_by_role("main")
    expect(main).to_be_visible()
    html = main.inner_html()
    assert username.lower() not in html.lower(), f"{username!r} appears in <main> at {page.url}"


def test_pseudonymous_thread_with_nested_replies_folds_warns_and_links(page, open_window, members):
    starter, second, third = members

    # The starter opens a thread under their pseudonym, behind a content warning.
    sign_in(page, starter.username, PASSWORD)
    page.goto(f"/s/{SLUG}")
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Post", exact=True).fill(FIRST_BODY)
    pseudonym = page.get_by_role("radio", name=PSEUDONYM_CHOICE)
    pseudonym.check()
    expect(pseudonym).to_be_checked()
    page.get_by_label("Content warning (optional)").fill(CONTENT_WARNING)
    page.get_by_role("button", name="Start thread").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    first = page.locator("section.first-post")
    handle = first.locator(".handle").inner_text()
    assert handle and handle != starter.username
    # A pseudonym is marked in words a sighted reader sees, not only for screen readers.
    expect(first.locator(".badge-pseudonym")).to_have_text("pseudonym")
    expect(first.locator(".badge-pseudonym")).to_be_visible()
    first_id = first.get_attribute("id").removeprefix("p")
    thread_url = page.url
    assert_no_username_in_main(page, starter.username)

    # A second member replies to the first post through the inline form: no page load.
    second_page = open_window()
    sign_in(second_page, second.username, PASSWORD)
    second_page.goto(thread_url)
    mark_document(second_page)
    second_page.locator("section.first-post").get_by_role("link", name="Reply").click()
    inline = second_page.locator(f"#inline-reply-{first_id}")
    expect(inline.get_by_label("Your reply")).to_be_focused()
    assert_same_document(second_page, thread_url)
    inline.get_by_label("Your reply").fill(LONG_REPLY)
    inline.get_by_role("button", name="Post reply").click()
    first_reply = post_id_from_url(second_page)
    expect(post_of(second_page, first_reply)).to_contain_text("Paragraph 8")

    # A third member, whose browser runs no script, replies to that reply on the reply page.
    third_page = open_window(javascript=False)
    sign_in(third_page, third.username, PASSWORD)
    third_page.goto(thread_url)
    post_of(third_page, first_reply).get_by_role("link", name="Reply").click()
    expect(third_page).to_have_url(re.compile(rf"/p/{first_reply}/reply$"))
    expect(third_page.get_by_role("heading", level=1)).to_have_text("Reply")
    third_page.get_by_label("Your reply").fill(SECOND_REPLY)
    third_page.get_by_role("button", name="Post reply").click()
    second_reply = post_id_from_url(third_page)

    # The second member answers that, inline again: the third level.
    second_page.goto(thread_url)
    post_of(second_page, second_reply).get_by_role("link", name="Reply").click()
    inline = second_page.locator(f"#inline-reply-{second_reply}")
    inline.get_by_label("Your reply").fill(THIRD_REPLY)
    inline.get_by_role("button", name="Post reply").click()
    third_reply = post_id_from_url(second_page)

    # Everyone sees the tree: each reply inside the open branch of the one it answers.
    page.goto(thread_url)
    nested = page.locator(
        f"#p{first_reply} > details.branch #p{second_reply} > details.branch #p{third_reply}"
    )
    expect(nested).to_have_count(1)
    expect(page.get_by_role("heading", name="3 replies")).to_be_visible()
    assert_no_username_in_main(page, starter.username)
    assert_no_username_in_main(second_page, starter.username)

    # The content warning keeps the first post's body folded until its summary is clicked.
    body = first.get_by_text(FIRST_BODY)
    expect(body).to_be_hidden()
    warning = first.locator("details.content-warning > summary")
    expect(warning).to_have_accessible_name(f"Content warning: {CONTENT_WARNING} (show the post)")
    warning.click()
    expect(body).to_be_visible()
    expect(warning).to_have_accessible_name(f"Content warning: {CONTENT_WARNING} (hide the post)")

    # Folding a branch hides the replies below it without loading a page; unfolding shows them.
    summary = page.locator(f"#p{first_reply} > details.branch > summary")
    deeper = [page.locator(f"#p{post_id}") for post_id in (second_reply, third_reply)]
    expect(summary).to_have_accessible_name("Hide 1 reply")
    mark_document(page)
    summary.click()
    for reply in deeper:
        expect(reply).to_be_hidden()
    expect(post_of(page, first_reply)).to_be_visible()
    expect(summary).to_have_accessible_name("Show 1 reply")
    assert_same_document(page, thread_url)
    summary.click()
    for reply in deeper:
        expect(reply).to_be_visible()
    expect(summary).to_have_accessible_name("Hide 1 reply")
    assert_same_document(page, thread_url)

    # A permalink opened directly lands on the thread, scrolled to its post.
    page.set_viewport_size({"width": 800, "height": 500})
    page.goto(f"/p/{third_reply}")
    expect(page).to_have_url(re.compile(rf"/s/{SLUG}/t/[a-z2-7]+#p{third_reply}$"))
    expect(page.locator(f"#p{third_reply}")).to_be_in_viewport()
    assert page.evaluate("() => window.scrollY") > 0, "the page did not scroll to the post"
    assert_no_username_in_main(page, starter.username)
