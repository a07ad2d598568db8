"""Escaping: every text a person types comes back as text on every page that shows it.

Hostile values go in through the real forms (the services only where no form exists), and each
page that shows them is read by the viewer it is for. On every such page the raw markup is
absent, the escaped text is present (shown, not dropped), and `{{ 7*7 }}` reads as typed, never
49. Markdown (a space's rules, post bodies) comes out rendered and sanitised instead; the big
Markdown corpus is tests/threads/test_markup.py. A name with an RTL override is isolated
(<bdi>, or dir=) wherever it shows. One forum is built for the whole module, and only read.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import select

from forum import create_app
from forum.extensions import db
from forum.limits import current_limiter
from forum.models import (
    IdentityMode,
    JoinPolicy,
    Post,
    Premoderation,
    Role,
    Space,
    Thread,
    User,
    Visibility,
)
from forum.models.mod_action import REASON_MAX_LENGTH
from tests.conftest import _delete_all_rows, settings_for_tests
from tests.factories import add_member, first_post, make_user, membership_of, sign_in
from tests.support.client import Client
from tests.support.pages import form_errors

# The hostile values: each runs script, or shows the wrong thing, if a page takes it as markup.
SCRIPT = '<script>alert("x")</script>'
ATTRIBUTE_BREAKOUT = '"><img src=x onerror=alert(1)>'
TITLE_BREAKOUT = "</title><svg onload=alert(1)>"
TEMPLATE = "{{ 7*7 }}"
SCRIPT_URL = "javascript:alert(1)"
RTL_OVERRIDE = "\u202e"  # shows everything after it right to left: "txt.exe" reads "exe.txt"
HOSTILE = " ".join([SCRIPT, ATTRIBUTE_BREAKOUT, TITLE_BREAKOUT, TEMPLATE, SCRIPT_URL])

# What must never reach a page as it was typed: a browser would run each of these.
RAW_MARKUP = (
    "<script>alert(",
    "<img src=x onerror",
    "<svg onload",
    '"><img',
    '"><svg',
    "</title><svg",
)

# What people type, each text its own, so a page showing one is never taken for showing another.
TITLE = f"Thread title {HOSTILE}"
THREAD_WARNING = f"Thread warning {HOSTILE}"
REPLY_WARNING = f"Reply warning {HOSTILE}"
SPACE_NAME = f'{TITLE_BREAKOUT}{SCRIPT}"{TEMPLATE} {RTL_OVERRIDE}txt.exe'  # 80 at most
DESCRIPTION = f"Space description {HOSTILE}"
REQUEST_NOTE = f"Request note {HOSTILE}"
DECLINE_REASON = f"Decline reason {HOSTILE}"
BAN_REASON = f"Ban reason {HOSTILE}"
REMOVAL_REASON = f"Removal reason {HOSTILE}"
INVITATION_NOTE = f"Invite {SCRIPT}{ATTRIBUTE_BREAKOUT}{TEMPLATE}"  # 100 at most
LABEL = '<script>alert(1)</script>"><svg onload=alert(1)>{{ 7*7 }}'  # 60 at most
LABEL_NOTE = f"Label note {HOSTILE}"
# Markdown: shown rendered; the tags typed in it come out as visible text.
MARKDOWN_SHOWN_AS_TEXT = [SCRIPT, "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", TEMPLATE]
MARKDOWN = "\n\n".join(
    [
        "**Be kind.**",
        SCRIPT,
        "<img src=x onerror=alert(1)> <svg onload=alert(1)>",
        f"[a script link]({SCRIPT_URL}) and "
        f'<a href="{SCRIPT_URL}" onclick="alert(1)">a raw link</a>',
        TEMPLATE,
    ]
)
RULES = f"The rules.\n\n{MARKDOWN}"
BODY = f"The first post.\n\n{MARKDOWN}"

SLUG = "hostile"


# What each kind of text is checked on, and by whom


@dataclass(frozen=True)
class Page:
    """A page, the viewer who reads it, and where on it the text shows (None: anywhere)."""

    name: str
    viewer: str
    path: str  # formatted with the world's ids
    within: str | None = None

    def __str__(self) -> str:
        return self.name if self.within is None else f"{self.name} ({self.within})"


THREAD = "/s/{slug}/t/{thread}"
BRANCH = "/s/{slug}/t/{thread}/branch/{reply}"

SHOWN_AS_TEXT = {
    "thread title": (
        TITLE,
        [
            Page("front page", "visitor", "/"),
            Page("space page", "visitor", "/s/{slug}"),
            Page("thread page", "visitor", THREAD, "heading"),
            Page("thread page", "visitor", THREAD, "<title>"),
            Page("branch page", "visitor", BRANCH, "heading"),
            Page("branch page", "visitor", BRANCH, "breadcrumbs"),
            Page("reply page", "replier", "/p/{first}/reply", "breadcrumbs"),
            Page("reply page", "replier", "/p/{first}/reply", "<title>"),
            Page("edit page", "author", "/p/{first}/edit", "form"),
            Page("edit page", "author", "/p/{first}/edit", "breadcrumbs"),
            Page("revisions page", "author", "/p/{first}/revisions", "heading"),
            Page("delete page", "author", "/p/{first}/delete", "breadcrumbs"),
            Page("profile page", "visitor", "/u/{author}"),
        ],
    ),
    "first post's content warning": (
        THREAD_WARNING,
        [
            Page("thread page", "visitor", THREAD, "content warning"),
            Page("reply page", "replier", "/p/{first}/reply", "content warning"),
            Page("edit page", "author", "/p/{first}/edit", "form"),
            Page("revisions page", "author", "/p/{first}/revisions"),
            Page("delete page", "author", "/p/{first}/delete", "content warning"),
        ],
    ),
    "reply's content warning": (
        REPLY_WARNING,
        [
            Page("thread page", "visitor", THREAD, "content warning"),
            Page("branch page", "visitor", BRANCH, "content warning"),
            Page("reply page", "author", "/p/{reply}/reply", "content warning"),
            Page("edit page", "replier", "/p/{reply}/edit", "form"),
            Page("delete page", "replier", "/p/{reply}/delete", "content warning"),
        ],
    ),
    "space name": (
        SPACE_NAME,
        [
            Page("front page", "visitor", "/"),
            Page("space page", "visitor", "/s/{slug}", "heading"),
            Page("space page", "visitor", "/s/{slug}", "<title>"),
            Page("thread page", "visitor", THREAD, "breadcrumbs"),
            Page("thread page", "visitor", THREAD, "<title>"),
            Page("new thread page", "author", "/s/{slug}/new", "breadcrumbs"),
            Page("profile page", "visitor", "/u/{author}"),
            Page("members page", "moderator", "/s/{slug}/members", "heading"),
            Page("requests page", "moderator", "/s/{slug}/requests", "heading"),
            Page("invitations page", "moderator", "/s/{slug}/invites", "heading"),
            Page("settings page", "owner", "/s/{slug}/settings", "heading"),
            Page("settings page", "owner", "/s/{slug}/settings", "form"),
            Page("site admin page", "admin", "/admin"),
            Page("invitation page", "invitee", "/s/{slug}/invite/{token}", "heading"),
            Page("remove page", "moderator", "/s/{slug}/members/{member}/remove"),
            Page("ban page", "moderator", "/s/{slug}/members/{member}/ban"),
            Page("unban page", "moderator", "/s/{slug}/members/{banned}/unban"),
        ],
    ),
    "space description": (
        DESCRIPTION,
        [
            Page("front page", "visitor", "/"),
            Page("space page", "visitor", "/s/{slug}"),
            Page("settings page", "owner", "/s/{slug}/settings", "form"),
            Page("invitation page", "invitee", "/s/{slug}/invite/{token}"),
        ],
    ),
    "space rules as typed": (
        RULES,
        [Page("settings page", "owner", "/s/{slug}/settings", "form")],
    ),
    "join request's note": (
        REQUEST_NOTE,
        [Page("requests page", "moderator", "/s/{slug}/requests")],
    ),
    "decline reason": (
        DECLINE_REASON,
        [Page("space page of the declined", "declined", "/s/{slug}")],
    ),
    "ban reason": (
        BAN_REASON,
        [
            Page("members page", "moderator", "/s/{slug}/members"),
            Page("space page of the banned", "banned", "/s/{slug}"),
        ],
    ),
    "invitation note": (
        INVITATION_NOTE,
        [Page("invitations page", "moderator", "/s/{slug}/invites")],
    ),
    "verified label": (
        LABEL,
        [
            Page("site admin page", "admin", "/admin", "label badge"),
            Page("members page", "moderator", "/s/{slug}/members", "label badge"),
            Page("requests page", "moderator", "/s/{slug}/requests", "label badge"),
            Page("invitations page", "moderator", "/s/{slug}/invites"),
            Page("settings page", "owner", "/s/{slug}/settings", "form"),
            Page("thread page", "visitor", THREAD, "label badge"),
            Page("profile page", "visitor", "/u/{author}", "label badge"),
            Page("front page", "visitor", "/", "badges"),
            Page("space page", "visitor", "/s/{slug}", "badges"),
            Page("invitation page", "invitee", "/s/{slug}/invite/{token}", "badges"),
        ],
    ),
    "label note": (
        LABEL_NOTE,
        [Page("site admin page", "admin", "/admin")],
    ),
}


@pytest.mark.parametrize(
    ("text", "page"),
    [
        pytest.param(text, page, id=f"{kind} on {page}")
        for kind, (text, pages) in SHOWN_AS_TEXT.items()
        for page in pages
    ],
)
def test_typed_text_is_shown_escaped(hostile_world, text, page):
    assert_shown_escaped(hostile_world.read(page), text, page.within)


# A thread list does not show a content warning, only a badge saying there is one.
WARNING_BADGE_PAGES = [
    Page("space page", "visitor", "/s/{slug}"),
    Page("front page", "visitor", "/"),
]


@pytest.mark.parametrize("page", WARNING_BADGE_PAGES, ids=str)
def test_thread_lists_badge_a_content_warning_without_its_markup(hostile_world, page):
    html = hostile_world.read(page)
    for raw in RAW_MARKUP:
        assert raw not in html, f"{raw!r} reached the page as markup"
    assert '<span class="badge badge-cw">Content warning</span>' in html


def test_removal_reason_is_shown_escaped_when_the_form_sends_it_back(hostile_world):
    # A removal's reason is kept only in the moderation log, which no page shows: a refused
    # form (the reason too long) is where it comes back.
    remove = "/s/{slug}/members/{member}/remove".format(**hostile_world.ids)
    too_long = f"{REMOVAL_REASON} {'x' * REASON_MAX_LENGTH}"
    response = hostile_world.client("moderator").submit(remove, {"reason": too_long})
    assert response.status_code == 400
    assert_shown_escaped(response.get_data(as_text=True), too_long, "form")


# Markdown is shown rendered and sanitised (tests/threads/test_markup.py has the big corpus).
RENDERED_AS_MARKDOWN = {
    "space rules": [
        Page("space page", "visitor", "/s/{slug}"),
        Page("invitation page", "invitee", "/s/{slug}/invite/{token}"),
    ],
    "post body": [Page("thread page", "visitor", THREAD)],
}


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(page, id=f"{kind} on {page}")
        for kind, pages in RENDERED_AS_MARKDOWN.items()
        for page in pages
    ],
)
def test_markdown_is_rendered_inert(hostile_world, page):
    assert_rendered_inert(hostile_world.read(page))


# The space's name ends in an RTL override: wherever it shows, an element must isolate it, or
# it reverses the words that follow it on the page.
@pytest.mark.parametrize(
    "page",
    [
        pytest.param(page, id=page.name)
        for page in {(p.viewer, p.path): p for p in SHOWN_AS_TEXT["space name"][1]}.values()
    ],
)
def test_space_name_is_isolated_from_the_text_around_it(hostile_world, page):
    runs = BidiRuns(hostile_world.read(page)).runs
    assert runs, "the name is not on the page"
    assert all(isolated for _, isolated in runs), [run for run, isolated in runs if not isolated]


# The forum: one space, made by a site admin, whose every typed text is hostile


@dataclass
class World:
    app: Flask
    users: dict[str, User]
    ids: dict[str, int | str] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, viewer: str) -> Client:
        """A client for a viewer of `users`, signed in through the form; 'visitor' is not."""
        if viewer not in self.clients:
            self.clients[viewer] = (
                self.app.test_client()
                if viewer == "visitor"
                else sign_in(self.app, self.users[viewer])
            )
        return self.clients[viewer]

    def read(self, page: Page) -> str:
        path = page.path.format(**self.ids)
        response = self.client(page.viewer).get(path)
        assert response.status_code == 200, f"{page.viewer} got {response.status_code} on {path}"
        return response.get_data(as_text=True)


def sent(response) -> None:
    """The form was accepted: the app redirects after every write it makes."""
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))


def build_world(app: Flask) -> World:
    names = {
        "admin": "site_root",
        "owner": "olive_owner",
        "moderator": "max_mod",
        "author": "ada_author",
        "replier": "rey_replier",
        "requester": "rosa_requester",
        "declined": "dora_declined",
        "banned": "ben_banned",
        "invitee": "ivy_invitee",
    }
    users = {role: make_user(name, is_admin=role == "admin") for role, name in names.items()}
    hostile_world = World(app, users, {"slug": SLUG, "author": names["author"]})
    admin, moderator = hostile_world.client("admin"), hostile_world.client("moderator")

    # The site admin lists the label, grants it with a note, and creates the space.
    sent(admin.submit("/admin", {"name": LABEL}, action="/admin/labels"))
    for role, user in users.items():
        if role != "admin":
            fields = {f"user-{user.id}-label": LABEL, f"user-{user.id}-note": LABEL_NOTE}
            sent(admin.submit("/admin", fields, action=f"/admin/users/{user.id}/label"))
    new_space = {
        "name": SPACE_NAME,
        "slug": SLUG,
        "description": DESCRIPTION,
        "rules": RULES,
        "visibility": Visibility.PUBLIC.value,
        "join_policy": JoinPolicy.REQUEST.value,
        "required_label": LABEL,
        "identity_mode": IdentityMode.CHOICE.value,
        "premoderation": Premoderation.OFF.value,
        "slow_mode_seconds": "0",
        "flag_hide_threshold": "3",
        "owner": names["owner"],
    }
    sent(admin.submit("/admin/spaces/new", new_space))
    space = db.session.scalar(select(Space).where(Space.slug == SLUG))
    add_member(space, users["moderator"], Role.MODERATOR)
    for role in ("author", "replier", "banned"):
        add_member(space, users[role])

    # A thread under the author's name, with a warning; a reply with its own; then an edit.
    thread_form = {"title": TITLE, "body": BODY, "content_warning": THREAD_WARNING}
    sent(
        hostile_world.client("author").submit(f"/s/{SLUG}/new", thread_form | {"identity": "named"})
    )
    thread = db.session.scalar(select(Thread).where(Thread.space_id == space.id))
    first = first_post(thread)
    reply_form = {"body": "A reply.", "content_warning": REPLY_WARNING, "identity": "pseudonym"}
    sent(hostile_world.client("replier").submit(f"/p/{first.public_id}/reply", reply_form))
    reply = db.session.scalar(select(Post).where(Post.parent_id == first.id))
    edit_form = thread_form | {"body": f"{BODY}\n\nEdited once."}
    sent(hostile_world.client("author").submit(f"/p/{first.public_id}/edit", edit_form))

    # Two requests to join; a moderator declines one with a reason, and bans a member.
    for role, note in (("requester", REQUEST_NOTE), ("declined", "Please let me in.")):
        request_form = {"note": note, "accept_rules": "y"}
        sent(
            hostile_world.client(role).submit(f"/s/{SLUG}", request_form, action=f"/s/{SLUG}/join")
        )
    declined = membership_of(space, users["declined"]).id
    decision = {f"r{declined}-reason": DECLINE_REASON, f"r{declined}-decision": "decline"}
    sent(moderator.submit(f"/s/{SLUG}/requests", decision, action=f"/s/{SLUG}/requests/{declined}"))
    banned = membership_of(space, users["banned"]).id
    ban = {"reason": BAN_REASON, "duration": "7"}
    sent(moderator.submit(f"/s/{SLUG}/members/{banned}/ban", ban))

    # An invitation; its link is shown once, on the page the form leads to.
    invitation = {"expires_in": "7d", "uses": "1", "note": INVITATION_NOTE}
    page = moderator.submit(
        f"/s/{SLUG}/invites", invitation, action=f"/s/{SLUG}/invites", follow_redirects=True
    ).get_data(as_text=True)
    token = re.search(rf"/s/{SLUG}/invite/([\w-]+)</code>", page).group(1)

    hostile_world.ids |= {
        "thread": thread.public_id,
        "first": first.public_id,
        "reply": reply.public_id,
        "member": membership_of(space, users["replier"]).id,
        "banned": banned,
        "token": token,
    }
    return hostile_world


@pytest.fixture(scope="module")
def hostile_world(database_uri, _schema) -> Iterator[World]:
    """The forum above, on an app of the module's own, emptied at the end."""
    # Nine people sign in from one address within a minute; that budget is not under test.
    app = create_app(
        settings_for_tests(database_uri) | {"RATELIMIT_LOGIN_PER_ADDRESS": "1000 per minute"}
    )
    app.test_client_class = Client
    with app.app_context():
        try:
            yield build_world(app)
        finally:
            db.session.remove()
            _delete_all_rows()
            current_limiter().reset()
            db.engine.dispose()


# Reading a page as a person would


REGIONS = {
    "<title>": r"<title>.*?</title>",
    "heading": r"<h1\b.*?</h1>",
    "breadcrumbs": r'<nav class="breadcrumbs".*?</nav>',
    "form": r"<form\b[^>]*\bnovalidate\b.*?</form>",
    "badges": r'<ul class="badges".*?</ul>',
    "label badge": r'class="badge badge-label">.*?</(?:span|li)>',
    "content warning": r"<summary>Content warning:.*?</summary>",
    "markup": r'<div class="markup" dir="auto">.*?</div>',
}


def region(html: str, within: str | None) -> str:
    """The parts of the page that are `within` (every one of them), or the whole page."""
    if within is None:
        return html
    found = re.findall(REGIONS[within], html, re.S)
    assert found, f"no {within} on the page"
    return "\n".join(found)


def assert_shown_escaped(html: str, text: str, within: str | None = None) -> None:
    """`text` shows as text: escaped where it shows, never raw markup anywhere, never dropped."""
    for raw in RAW_MARKUP:
        if raw in text:
            assert raw not in html, f"{raw!r} reached the page as markup"
    assert text not in html, "the text reached the page unescaped"
    shown = region(html, within)
    assert str(escape(text)) in shown, f"the text is not shown, escaped, in {within or 'the page'}"
    if TEMPLATE in text:
        assert TEMPLATE in shown
        assert str(escape(text.replace(TEMPLATE, "49"))) not in html, "a template evaluated it"


class Elements(HTMLParser):
    """The elements of some HTML with their attributes, and its text as a reader sees it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def scheme(url: str) -> str:
    """The scheme a browser would read in `url`, which ignores controls and spaces in it."""
    url = "".join(ch for ch in url if unicodedata.category(ch)[0] not in "CZ")
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return found.group(1).lower() if found else ""


def assert_rendered_inert(html: str) -> None:
    """The page's rendered Markdown is rendered, runs nothing, and shows typed tags as text."""
    for raw in RAW_MARKUP:
        assert raw not in html, f"{raw!r} reached the page as markup"
    rendered = Elements(region(html, "markup"))
    tags = {tag for tag, _ in rendered.elements}
    assert "strong" in tags, "the Markdown was not rendered"
    assert not tags & {"script", "img", "svg", "iframe", "object", "embed", "style"}
    for tag, attributes in rendered.elements:
        handlers = [name for name in attributes if name.startswith("on")]
        assert not handlers, f"<{tag}> has {handlers}"
        for name in ("href", "src", "action", "formaction"):
            assert scheme(attributes.get(name) or "") != "javascript", f"<{tag} {name}=javascript:"
    for typed in MARKDOWN_SHOWN_AS_TEXT:
        assert typed in rendered.text, f"{typed!r} is not shown as text"
    assert "a script link" in rendered.text


class BidiRuns(HTMLParser):
    """Each run of text holding an RTL override, and whether an element isolates it: a <bdi>,
    or an element with a dir attribute (the root's aside), as the HTML rendering rules do."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []
        self.runs: list[tuple[str, bool]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            isolates = tag == "bdi" or (tag != "html" and "dir" in dict(attrs))
            self.open.append((tag, isolates))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        # A tab's title cannot isolate anything; the browser shows it outside the page.
        if RTL_OVERRIDE in data and all(tag != "title" for tag, _ in self.open):
            self.runs.append((" ".join(data.split()), any(i for _, i in self.open)))


# The checks themselves


def test_the_checks_catch_what_they_are_for():
    text = f"Title {HOSTILE}"
    shown = f"<title>{escape(text)}</title><h1>{escape(text)}</h1>"
    assert_shown_escaped(shown, text, "<title>")
    for wrong in (
        f"<h1>{text}</h1>",  # markup
        "<h1>Title</h1>",  # dropped
        f"<h1>{escape(text.replace(TEMPLATE, '49'))}</h1>",  # a template evaluated it
        f"<h1>{escape(text)}</h1>",  # not in the <title>
    ):
        with pytest.raises(AssertionError):
            assert_shown_escaped(wrong, text, "<title>")

    inert = '<div class="markup" dir="auto"><p><strong>x</strong> {}</p></div>'.format(
        " ".join(str(escape(typed)) for typed in [*MARKDOWN_SHOWN_AS_TEXT, "a script link"])
    )
    assert_rendered_inert(inert)
    for wrong in (
        inert.replace("<strong>x</strong>", '<a href=" java\tscript:x">x</a><strong></strong>'),
        inert.replace("<strong>", '<strong onclick="x">'),
        inert.replace("<strong>x</strong>", "<strong>x</strong><script></script>"),
        inert.replace("<strong>x</strong>", "x"),  # shown as source, not rendered
    ):
        with pytest.raises(AssertionError):
            assert_rendered_inert(wrong)

    isolated = BidiRuns(f"<html dir='ltr'><p><bdi>{RTL_OVERRIDE}a</bdi> <q dir=auto>{RTL_OVERRIDE}")
    assert isolated.runs == [(f"{RTL_OVERRIDE}a", True), (RTL_OVERRIDE, True)]
    assert BidiRuns(f"<html dir='ltr'><p>a {RTL_OVERRIDE}b</p>").runs == [
        (f"a {RTL_OVERRIDE}b", False)
    ]
