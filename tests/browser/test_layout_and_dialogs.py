"""Pages fit a phone's width, deleting a post asks first (with and without JavaScript), and a
reply's content warning folds its body, in a browser.

The data is made to be awkward: long unbroken words in space names, usernames, titles and
posts, a twelve-column Markdown table with a long URL in a cell. Tables of data may scroll
sideways inside their own `.table-scroll` frame; the page itself never may (WCAG 2.2 1.4.10
Reflow). The `page` fixture fails every test on any console error, CSP violation or request to
another host, in every window.
"""

import re
from dataclasses import dataclass

import pytest

from forum.admin import services as admin
from forum.extensions import db
from forum.models import IdentityMode, Post, Space, Thread
from tests import factories
from tests.browser.support import axe_violations, describe_violations, expect, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE_WIDTHS = [360, 320]
PHONE_HEIGHT = 740

# German compounds: real words with no break opportunity in them, as long as names may be.
SPACE_NAMES = [
    "Notfallseelsorgeeinsatznachbesprechungsgesprächsrunde für die Nachtschicht",
    "Kinderhospizbegleitungsangehörigengesprächskreis",
    "Psychotherapieausbildungsteilnehmerinnenvernetzungstreffen",
]
SLUGS = ["notfallseelsorgeeinsatznachbesprechungen", "kinderhospiz-angehoerige", "ausbildung"]
LONG_LABEL = "Kriseninterventionsfachkraft"
OWNER = "Hieronymus_Featherstonehaugh"
AUTHOR = "Bartholomew_Quintessential_42"
REPLIER = "cy_lark"
ADMIN = "site_root"
LONG_URL = "https://example.org/" + "verylongunbrokenpathsegment" * 6 + "?query=" + "x" * 60
LONG_WORD = "Honorificabilitudinitatibus" * 6
TITLE = "Dienstplanänderungsbenachrichtigungsverfahrensvorschläge: what works for you?"
COLUMNS = [
    "Montagsfrühdienst",
    "Dienstagsspätdienst",
    "Mittwochsnachtdienst",
    "Donnerstagsbereitschaft",
    "Freitagsrufbereitschaft",
    "Samstagswochenenddienst",
    "Sonntagsfeiertagsdienst",
    "Übergabebesprechung",
    "Supervisionstermin",
    "Fallbesprechungsrunde",
    "Kollegialberatung",
    "Nachsorgegespräch",
]
WIDE_TABLE = "\n".join(
    [
        "Here is the rota we tried last winter:",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
        "| " + " | ".join([LONG_URL, *COLUMNS[1:]]) + " |",
        "| " + " | ".join(reversed(COLUMNS)) + " |",
    ]
)
REPLY_BODY = f"I would rather not say this under my own name. {LONG_WORD} {LONG_URL}"
ANSWER_BODY = "Replying to the post that may go away."


@dataclass
class World:
    """Three spaces with long names, one thread in the first, and the people in them."""

    spaces: list[Space]
    thread: Thread
    reply: Post  # the author's reply, with a long unbroken word and URL
    answer: Post  # the replier's answer to that reply

    @property
    def slug(self) -> str:
        return self.spaces[0].slug

    @property
    def thread_url(self) -> str:
        return f"/s/{self.slug}/t/{self.thread.public_id}"


@pytest.fixture
def phone_world(app, make_user) -> World:
    """Seed the spaces, people, thread and replies through the real services."""
    site_admin = make_user(ADMIN, is_admin=True)
    owner = make_user(OWNER, label=LONG_LABEL)
    author, replier = make_user(AUTHOR), make_user(REPLIER)
    banned = make_user("dora_banned")
    spaces = [
        factories.make_space(
            slug,
            owner,
            "public",
            name=name,
            description=f"For people who take the hard calls. {LONG_WORD}",
            rules=f"Be kind. Read this first: {LONG_URL}",
            identity_mode=IdentityMode.CHOICE,
        )
        for slug, name in zip(SLUGS, SPACE_NAMES, strict=True)
    ]
    for space in spaces:
        factories.add_member(space, author)
    factories.add_member(spaces[0], replier)
    factories.add_member(spaces[0], banned)
    factories.ban(spaces[0], banned, by=owner, reason=f"Shared a case file. {LONG_WORD}")
    admin.set_label(site_admin, replier, LONG_LABEL, note=f"Checked in person. {LONG_WORD}")
    db.session.commit()

    thread = factories.start_thread(owner, spaces[0], title=TITLE, body=WIDE_TABLE, kind="named")
    reply = factories.reply(author, factories.first_post(thread), body=REPLY_BODY)
    answer = factories.reply(replier, reply, body=ANSWER_BODY, kind="named")
    # The author posts in every space: a pseudonym in each, and their username in one.
    for space in spaces[1:]:
        other = factories.start_thread(author, space, title=f"{LONG_WORD[:60]}?", body="Hello.")
        factories.reply(author, factories.first_post(other), body="Named, too.", kind="named")
    return World(spaces, thread, reply, answer)


def post_of(page, post_id: str):
    """A reply's own article, without the replies nested below it."""
    return page.locator(f"#p{post_id} > article")


def post_id_from_url(page) -> str:
    """After posting, the app sends the browser to the new post's permalink: `…#p<id>`."""
    expect(page).to_have_url(re.compile(r"#p[a-z2-7]+$"))
    return page.url.rsplit("#p", 1)[1]


def mark_document(page) -> None:
    """Leave a mark in the current document; a page load would wipe it out."""
    page.evaluate("() => { window.__sameDocument = true; }")


def is_same_document(page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


# Layout ------------------------------------------------------------------------------------

# How wide the page is, and which elements stick out past the viewport's right edge: the
# outermost ones (whose parent fits) are what to fix, the innermost ones what is too wide.
# Anything inside a box that clips or scrolls sideways (a .table-scroll) cannot widen the page.
MEASURE_WIDTH = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const clipped = (element) => {
    for (let e = element.parentElement; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== "visible") return true;
    }
    return false;
  };
  const describe = (element) => {
    const box = element.getBoundingClientRect();
    return `${element.tagName.toLowerCase()}${element.className ? "." + element.className : ""}`
      + ` [${Math.round(box.left)}..${Math.round(box.right)}px]: `
      + element.outerHTML.slice(0, 140);
  };
  const overflowing = [...document.body.querySelectorAll("*")].filter(
    (element) => element.getBoundingClientRect().right > limit + 0.5 && !clipped(element)
  );
  const inside = new Set(overflowing);
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: limit,
    outermost: overflowing.filter((e) => !inside.has(e.parentElement)).map(describe),
    innermost: overflowing
      .filter((e) => ![...e.children].some((child) => inside.has(child)))
      .map(describe),
  };
}"""


def assert_no_sideways_scrolling(page) -> None:
    width = page.evaluate(MEASURE_WIDTH)
    assert width["scrollWidth"] <= width["clientWidth"], (
        f"{page.url} scrolls sideways: it is {width['scrollWidth']}px wide in a "
        f"{width['clientWidth']}px viewport.\nOutermost elements too wide:\n  "
        + "\n  ".join(width["outermost"][:10])
        + "\nInnermost:\n  "
        + "\n  ".join(width["innermost"][:10])
    )


# Each page: who views it, its address, and a long text it must show (so the test cannot pass
# on an error page).


def thread_page(phone_world):
    return AUTHOR, phone_world.thread_url, LONG_WORD


def identities_page(_world):
    return AUTHOR, "/settings/identities", SPACE_NAMES[2]


def space_page(phone_world):
    return AUTHOR, f"/s/{phone_world.slug}", LONG_WORD


def front_page(_world):
    return AUTHOR, "/", SPACE_NAMES[1]


def members_page(phone_world):
    return OWNER, f"/s/{phone_world.slug}/members", LONG_WORD


def space_settings_page(phone_world):
    return OWNER, f"/s/{phone_world.slug}/settings", SLUGS[0]


def admin_page(_world):
    return ADMIN, "/admin", LONG_WORD


PAGES = [
    pytest.param(thread_page, id="thread_page"),
    pytest.param(identities_page, id="identities_page"),
    pytest.param(space_page, id="space_page"),
    pytest.param(front_page, id="front_page"),
    pytest.param(members_page, id="members_page"),
    pytest.param(space_settings_page, id="space_settings_page"),
    pytest.param(admin_page, id="admin_page"),
]


@pytest.mark.parametrize("width", PHONE_WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("open_page", PAGES)
def test_page_does_not_scroll_sideways_on_a_phone(page, phone_world, tmp_path, open_page, width):
    username, path, text = open_page(phone_world)
    page.set_viewport_size({"width": width, "height": PHONE_HEIGHT})
    sign_in(page, username, PASSWORD)
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    expect(page.get_by_role("main")).to_contain_text(text)

    page.screenshot(path=tmp_path / f"{open_page.__name__}-{width}.png", full_page=True)
    assert_no_sideways_scrolling(page)


def test_wide_markdown_table_fits_inside_a_360_pixel_screen(page, phone_world, tmp_path):
    page.set_viewport_size({"width": 360, "height": PHONE_HEIGHT})
    sign_in(page, AUTHOR, PASSWORD)
    page.goto(phone_world.thread_url)
    table = page.locator("section.first-post .markup table")
    expect(table.locator("thead th")).to_have_count(len(COLUMNS))
    expect(table.get_by_role("link", name=LONG_URL)).to_be_attached()

    page.screenshot(path=tmp_path / "wide-table-thread-360.png", full_page=True)
    table.screenshot(path=tmp_path / "wide-table-360.png")
    print(f"Screenshots of the wide table at 360 px are in {tmp_path}")

    # The table fits the screen and the post round it. (Whether the page as a whole fits is
    # the thread page's own test above.)
    box = table.bounding_box()
    post = page.locator("section.first-post").bounding_box()
    assert box["x"] >= 0, f"the table starts {box['x']}px left of the screen"
    assert box["x"] + box["width"] <= 360, f"the table reaches {box['x'] + box['width']}px"
    assert box["x"] + box["width"] <= post["x"] + post["width"], "the table sticks out of its post"


# Deleting a post ---------------------------------------------------------------------------


def test_delete_asks_in_a_dialog_that_cancels_and_then_deletes(page, phone_world, axe):
    sign_in(page, AUTHOR, PASSWORD)
    page.goto(phone_world.thread_url)
    reply = post_of(page, phone_world.reply.public_id)
    expect(reply).to_contain_text("I would rather not say this")
    delete_link = reply.get_by_role("link", name="Delete")
    mark_document(page)

    delete_link.click()
    dialog = page.get_by_role("dialog", name="Delete this post?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Delete this post?")).to_be_visible()
    assert dialog.evaluate("(element) => element.matches(':modal')"), "the dialog is not modal"
    violations = axe_violations(axe, page)
    assert not violations, describe_violations(violations, page.url + " (dialog open)")

    # Cancel closes the dialog, deletes nothing, and gives focus back to the link.
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(delete_link).to_be_focused()
    expect(reply).to_contain_text("I would rather not say this")
    assert is_same_document(page), "Cancel loaded a page"
    page.reload()
    expect(reply).to_contain_text("I would rather not say this")

    delete_link.click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Delete").click()

    expect(page).to_have_url(
        re.compile(rf"{phone_world.thread_url}#p{phone_world.reply.public_id}$")
    )
    expect(page.get_by_text("Your post is deleted. Replies to it stay in place.")).to_be_visible()
    expect(reply.locator(".placeholder")).to_have_text("[deleted]")
    expect(reply).not_to_contain_text("I would rather not say this")
    reply_id, answer_id = phone_world.reply.public_id, phone_world.answer.public_id
    answer = page.locator(f"#p{reply_id} > details.branch #p{answer_id} > article")
    expect(answer).to_contain_text(ANSWER_BODY)


def test_delete_without_javascript_asks_on_a_page_of_its_own(page, phone_world, open_window):
    window = open_window(javascript=False)
    sign_in(window, AUTHOR, PASSWORD)
    window.goto(phone_world.thread_url)
    reply = post_of(window, phone_world.reply.public_id)
    delete_link = reply.get_by_role("link", name="Delete")
    expect(delete_link).to_have_attribute(
        "href", re.compile(rf"/p/{phone_world.reply.public_id}/delete$")
    )

    # The confirmation page shows the post; Cancel goes back to it and deletes nothing.
    delete_link.click()
    expect(window).to_have_url(re.compile(rf"/p/{phone_world.reply.public_id}/delete$"))
    expect(window.get_by_role("heading", level=1)).to_have_text("Delete this post?")
    quoted = window.get_by_role("article", name="The post you would delete")
    expect(quoted).to_contain_text("I would rather not say this")
    expect(window.get_by_role("button", name="Delete")).to_be_visible()
    window.get_by_role("link", name="Cancel").click()
    expect(window).to_have_url(
        re.compile(rf"{phone_world.thread_url}#p{phone_world.reply.public_id}$")
    )
    expect(reply).to_contain_text("I would rather not say this")

    # Delete deletes; the answer to it stays.
    reply.get_by_role("link", name="Delete").click()
    window.get_by_role("button", name="Delete").click()
    expect(window).to_have_url(
        re.compile(rf"{phone_world.thread_url}#p{phone_world.reply.public_id}$")
    )
    expect(reply.locator(".placeholder")).to_have_text("[deleted]")
    expect(reply).not_to_contain_text("I would rather not say this")
    expect(post_of(window, phone_world.answer.public_id)).to_contain_text(ANSWER_BODY)


# Content warnings on replies ---------------------------------------------------------------

WARNING = "a detailed description of an injury"
WARNED_BODY = "What I saw at the crossing that night stays with me."


def test_reply_with_content_warning_is_folded_until_opened(page, phone_world, open_window):
    sign_in(page, REPLIER, PASSWORD)
    page.goto(phone_world.thread_url)
    page.locator("section.first-post").get_by_role("link", name="Reply").click()
    first_id = factories.first_post(phone_world.thread).public_id
    inline = page.locator(f"#inline-reply-{first_id}")
    inline.get_by_label("Your reply").fill(WARNED_BODY)
    inline.get_by_label("Content warning (optional)").fill(WARNING)
    inline.get_by_role("button", name="Post reply").click()
    reply_id = post_id_from_url(page)

    # The author, and a visitor who is not signed in, both find the body folded.
    visitor = open_window()
    visitor.goto(phone_world.thread_url)
    for window in (page, visitor):
        reply = post_of(window, reply_id)
        warning = reply.locator("details.content-warning")
        summary = warning.locator("> summary")
        body = reply.get_by_text(WARNED_BODY)
        assert warning.get_attribute("open") is None, "the warning starts open"
        expect(summary).to_have_accessible_name(f"Content warning: {WARNING} (show the post)")
        expect(body).to_be_hidden()

        summary.click()
        expect(body).to_be_visible()
        expect(summary).to_have_accessible_name(f"Content warning: {WARNING} (hide the post)")
