"""Every page that shows a pseudonymous post, for every kind of viewer: the account never shows.

The world (tests/leaks/conftest.py): the author U (`zq_secret_user`, `zq@secret.example`, an
id no other row has) posts under a pseudonym in Haven (public, choice of identity) and in
Refuge (members only, pseudonyms only), and under their username in Agora. Viewers: a visitor,
another member, the spaces' moderator and owner, a site admin, and U themself.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Thread
from tests.leaks import checks, inspect_html
from tests.leaks.conftest import USERNAME, VIEWERS, World

LOGIN = 302  # a signed-out visitor is sent to sign in


@dataclass(frozen=True)
class Page:
    path: Callable[[dict[str, int]], str]
    kind: str  # posts · author_profile · profile · identities · staff
    space: str | None = None  # for posts pages: the space whose posts it shows
    status: dict[str, int] = field(default_factory=dict)  # by viewer; 200 when not listed
    posts: tuple[str, ...] = ()  # the author's posts (keys of World.ids) shown on the page
    redirects: bool = False  # a permalink: answers 302 to the page showing the post
    shows_handle: bool = True  # a 200 page shows the author's handle in `space`
    lists_accounts: bool = False  # the admin's list of accounts: ids and usernames by design


NO_PROFILE = dict.fromkeys(VIEWERS, 404)


def _not_staff(**extra) -> dict[str, int]:
    return {"visitor": LOGIN, "member": 403, "author": 403} | extra


PAGES = {
    "thread, page 1": Page(
        lambda ids: f"/s/haven/t/{ids['thread_a']}",
        "posts",
        "haven",
        posts=("a_first", "u_top1", "d2"),
    ),
    "thread, page 2": Page(
        lambda ids: f"/s/haven/t/{ids['thread_a']}?page=2", "posts", "haven", posts=("u_top2",)
    ),
    "branch page (continue this thread)": Page(
        lambda ids: f"/s/haven/t/{ids['thread_a']}/branch/{ids['d8']}",
        "posts",
        "haven",
        posts=("d10",),
    ),
    "permalink to a reply below the depth cap": Page(
        lambda ids: f"/p/{ids['d10']}", "posts", "haven", posts=("d10",), redirects=True
    ),
    "permalink to a reply on page 2": Page(
        lambda ids: f"/p/{ids['u_top2']}", "posts", "haven", posts=("u_top2",), redirects=True
    ),
    "reply page quoting the post": Page(
        lambda ids: f"/p/{ids['u_top1']}/reply",
        "posts",
        "haven",
        status={"visitor": LOGIN, "admin": 403},
    ),
    "edit page": Page(
        lambda ids: f"/p/{ids['a_first']}/edit",
        "posts",
        "haven",
        status={viewer: 403 for viewer in VIEWERS} | {"visitor": LOGIN, "author": 200},
        shows_handle=False,
    ),
    "revisions page": Page(
        lambda ids: f"/p/{ids['a_first']}/revisions",
        "posts",
        "haven",
        status={"visitor": LOGIN, "member": 403, "admin": 403},
        shows_handle=False,
    ),
    "new-thread form": Page(
        lambda ids: "/s/haven/new",
        "posts",
        "haven",
        status={"visitor": LOGIN, "admin": 403},
        shows_handle=False,
    ),
    "space page thread list": Page(lambda ids: "/s/haven", "posts", "haven"),
    "front page recent threads": Page(lambda ids: "/", "posts", None),
    "thread where the author has the last word": Page(
        lambda ids: f"/s/haven/t/{ids['thread_b']}", "posts", "haven", posts=("u_last_b",)
    ),
    "members-only thread": Page(
        lambda ids: f"/s/refuge/t/{ids['thread_r']}",
        "posts",
        "refuge",
        status={"visitor": 404, "admin": 404},  # as if it did not exist
        posts=("r_first",),
    ),
    "members-only space page": Page(lambda ids: "/s/refuge", "posts", "refuge"),
    "members-only reply page": Page(
        lambda ids: f"/p/{ids['r_first']}/reply",
        "posts",
        "refuge",
        status={"visitor": LOGIN, "admin": 404},
    ),
    "the author's profile": Page(lambda ids: f"/u/{USERNAME}", "author_profile"),
    "profile of another member": Page(lambda ids: "/u/other_member", "profile"),
    # No named post: as if there were no such account.
    "profile of a newer member": Page(lambda ids: "/u/newer_member", "profile", status=NO_PROFILE),
    "profile of the moderator": Page(lambda ids: "/u/haven_mod", "profile"),
    # No named post to read: 404 to everyone but the account's owner, shown their empty profile.
    "profile of the owner": Page(
        lambda ids: "/u/haven_owner", "profile", status=NO_PROFILE | {"owner": 200}
    ),
    "profile of the site admin": Page(
        lambda ids: "/u/site_root", "profile", status=NO_PROFILE | {"admin": 200}
    ),
    "the viewer's own identities": Page(
        lambda ids: "/settings/identities", "identities", status={"visitor": LOGIN}
    ),
    "members roster": Page(lambda ids: "/s/haven/members", "staff", status=_not_staff()),
    "members roster, members-only space": Page(
        lambda ids: "/s/refuge/members", "staff", status=_not_staff()
    ),
    "join requests": Page(lambda ids: "/s/refuge/requests", "staff", status=_not_staff(admin=403)),
    "invitations": Page(lambda ids: "/s/haven/invites", "staff", status=_not_staff(admin=403)),
    "space settings": Page(lambda ids: "/s/haven/settings", "staff", status=_not_staff()),
    "site admin": Page(
        lambda ids: "/admin",
        "staff",
        status=_not_staff(moderator=403, owner=403),
        lists_accounts=True,
    ),
    "health check": Page(lambda ids: "/healthz", "health"),
    "readiness check": Page(lambda ids: "/readyz", "health"),
}

# Where seeing the author's name or id is the page's purpose: profiles, the roster by
# username, the admin's list of accounts. None of these may carry a pseudonym.
NAMES_BY_DESIGN = {"author_profile", "staff"}


def _get(author_world: World, viewer: str, path: str):
    return author_world.client(viewer).get(path)


def username_scope(viewer: str, body: str) -> str:
    """The site header names whoever is signed in: on U's own pages, look below it."""
    return checks.author_scope(body) if viewer == "author" else body


def check_posts_page(author_world: World, viewer: str, page: Page, response) -> list[str]:
    secrets = author_world.secrets
    body = response.get_data(as_text=True)
    findings = checks.posts_page(
        response, secrets, author_view=viewer == "author", space=page.space
    )
    if page.space is None:
        # Lists across spaces: each pseudonym only in its own space's entries, never two together.
        findings += checks.pseudonyms_together(body, list(secrets.handles.values()))
        for item in inspect_html.find_all(inspect_html.parse(body), "li"):
            markup = item.markup(body)
            for slug, handle in secrets.handles.items():
                if handle in markup and f"/s/{slug}/" not in markup:
                    findings.append(f"{handle!r} in an entry not of /s/{slug}: {markup}")
    own_handle = secrets.handles.get(page.space)
    if viewer != "author" and own_handle and not page.shows_handle:
        findings += checks.find_handles(body, [own_handle])
    if response.status_code != 200:
        return findings
    for key in page.posts:
        markup = inspect_html.post_element(body, author_world.ids[key])
        if markup is None:
            findings.append(f"post {key} is not on the page")
            continue
        findings += checks.find_username(markup, secrets)
        has_you = "badge-you" in markup
        if has_you != (viewer == "author"):
            findings.append(f"post {key}: 'you' marker {'shown' if has_you else 'missing'}")
    return findings


def check_caching(viewer: str, page: Page, response) -> list[str]:
    """Rule 1: personalised pages are private; pages of non-public spaces are never stored.
    A shared cache that kept U's own view (with its "you" markers) would hand it to others."""
    cache_control = response.headers.get("Cache-Control", "")
    findings = []
    if viewer != "visitor" and not {"private", "no-store"} & set(
        re.split(r"[,\s]+", cache_control)
    ):
        findings.append(f"a personalised page with Cache-Control {cache_control!r}")
    if page.space == "refuge" and response.status_code == 200 and "no-store" not in cache_control:
        findings.append(f"a members-only page with Cache-Control {cache_control!r}")
    return findings


def check_page(author_world: World, viewer: str, page: Page, response) -> list[str]:
    return check_caching(viewer, page, response) + check_content(
        author_world, viewer, page, response
    )


def check_content(author_world: World, viewer: str, page: Page, response) -> list[str]:
    secrets = author_world.secrets
    body = response.get_data(as_text=True)
    handles = list(secrets.handles.values())
    if page.kind == "posts" and response.status_code // 100 != 3:
        return check_posts_page(author_world, viewer, page, response)
    findings = checks.find_in_headers(response, secrets, handles)
    if 300 <= response.status_code < 400:
        # A redirect (a permalink, or "sign in first"): nothing of the account at all.
        return (
            findings
            + checks.find_username(body, secrets)
            + checks.find_email(body, secrets)
            + checks.find_user_id(body, secrets)
            + checks.find_handles(body, handles)
        )
    if page.kind == "identities" and viewer == "author":
        # The one page that lists U's handles together: their own.
        findings += checks.find_email(body, secrets)
        missing = [handle for handle in handles if handle not in body]
        return findings + [f"the author's own handle {h!r} is missing" for h in missing]
    findings += checks.find_handles(body, handles) + checks.find_email(body, secrets)
    if page.kind == "author_profile":
        findings += checks.find_pseudonymous_texts(body, secrets)
    if page.kind not in NAMES_BY_DESIGN:
        findings += checks.find_username(username_scope(viewer, body), secrets)
    if not page.lists_accounts:
        findings += checks.find_user_id(body, secrets)
    return findings


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_never_ties_the_pseudonym_to_the_account(author_world, name, viewer):
    page = PAGES[name]
    path = page.path(author_world.ids)
    response = _get(author_world, viewer, path)
    expected = page.status.get(viewer, 302 if page.redirects else 200)
    assert response.status_code == expected, f"GET {path} as {viewer}"
    findings = check_page(author_world, viewer, page, response)
    if page.redirects:
        target = response.headers["Location"]
        response = _get(author_world, viewer, target)
        assert response.status_code == 200, f"GET {target} as {viewer}"
        findings += check_page(author_world, viewer, page, response)
    body = response.get_data(as_text=True)
    if response.status_code == 200 and page.kind == "posts" and page.shows_handle:
        readers = VIEWERS if page.space == "haven" else ["member", "moderator", "owner", "author"]
        handle = author_world.secrets.handles[page.space or "haven"]
        if viewer in readers:
            assert handle in body, f"the post is not on {path}: the test would prove nothing"
    if response.status_code == 200 and page.kind == "author_profile":
        assert "NAMED-G0" in body, "the author's named post should be on their profile"
    if response.status_code == 200 and path.endswith("/members"):
        assert USERNAME in body, "the roster lists members by username"
    if name in ("edit page", "revisions page") and response.status_code == 200:
        assert "PSEUDO-A0" in body
    assert not findings, f"GET {path} as {viewer} leaks:\n" + "\n".join(findings)


# A crawl of every page a viewer can ask for, so new pages are covered as they are built.


# Values for the URL rules' arguments, consistent with one another.
def _bindings(author_world: World) -> list[dict]:
    ids = author_world.ids
    haven = [("thread_a", key) for key in ("a_first", "u_top2", "d10")]
    bindings = [
        {"slug": "haven", "thread_public_id": ids[thread], "post_public_id": ids[post]}
        for thread, post in haven
    ]
    bindings += [
        {"slug": slug, "thread_public_id": ids[thread], "post_public_id": ids[post]}
        for slug, thread, post in [
            ("haven", "thread_b", "u_last_b"),
            ("refuge", "thread_r", "r_first"),
            ("agora", "agora_thread", "agora_first"),
        ]
    ]
    usernames = [USERNAME, "other_member", "newer_member", "haven_mod", "haven_owner", "site_root"]
    return bindings + [{"username": name} for name in usernames]


def crawl(author_world: World, *, of_space: str | None = None) -> list[tuple[str, str]]:
    """(endpoint, URL) for every GET page whose arguments the world can fill in; with
    `of_space`, only the pages of that space's threads and posts."""
    adapter = author_world.app.url_map.bind("localhost")
    urls = {}
    for rule in author_world.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for binding in [{}, *_bindings(author_world)]:
            if of_space and (binding.get("slug") != of_space or "thread_public_id" not in binding):
                continue
            if of_space and not ({"thread_public_id", "post_public_id"} & set(rule.arguments)):
                continue
            if set(rule.arguments) <= set(binding):
                values = {name: binding[name] for name in rule.arguments}
                urls[adapter.build(rule.endpoint, values)] = rule.endpoint
    return sorted((endpoint, url) for url, endpoint in urls.items())


@pytest.mark.parametrize("viewer", ["visitor", "admin"])
def test_the_threads_and_posts_of_a_closed_space_are_closed_to_non_members(author_world, viewer):
    """Refuge is for its members: to a visitor and to a site admin who is not one, every page
    of its threads and posts is refused (or asks a visitor to sign in), and shows none of it."""
    pages = crawl(author_world, of_space="refuge")
    assert {endpoint for endpoint, _ in pages} >= {
        "threads.thread", "threads.branch", "threads.permalink", "threads.reply", "threads.edit",
        "threads.revisions", "threads.delete",
    }  # fmt: skip
    for _, url in pages:
        response = _get(author_world, viewer, url)
        body = response.get_data(as_text=True)
        if viewer == "visitor" and response.status_code == 302:
            assert response.headers["Location"].startswith("/login?next="), url
            continue
        assert response.status_code in (403, 404), f"GET {url} as {viewer}: {response.status_code}"
        assert "Harbour lights" not in body and "PSEUDO-R0" not in body, url


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_page_puts_the_account_beside_its_pseudonyms(author_world, viewer):
    """The generic rules, on every page: never the name (or id, or e-mail) beside a pseudonym
    or a pseudonymous post, never two of U's pseudonyms together."""
    secrets = author_world.secrets
    handles = list(secrets.handles.values())
    findings = []
    pages = crawl(author_world)
    assert len(pages) > 40
    for endpoint, url in pages:
        response = _get(author_world, viewer, url)
        assert response.status_code < 500, f"GET {url} as {viewer}: {response.status_code}"
        body = response.get_data(as_text=True)
        found = checks.find_in_headers(response, secrets, handles)
        own = viewer == "author" and endpoint.startswith("accounts.")
        if not own:
            found += checks.find_email(body, secrets)
        if not (own and endpoint == "accounts.identities"):
            found += checks.pseudonyms_together(body, handles)
            scope = checks.author_scope(body) if viewer == "author" else body
            named = checks.find_username(scope, secrets) + (
                checks.find_user_id(body, secrets) if endpoint != "admin.index" else []
            )
            pseudonymous = checks.find_handles(scope, handles) + checks.find_pseudonymous_texts(
                scope, secrets
            )
            if named and pseudonymous:
                found.append(f"the account beside its pseudonymity: {named[0]} / {pseudonymous[0]}")
        findings += [f"{url} ({response.status_code}): {finding}" for finding in found]
    assert not findings, f"as {viewer}:\n" + "\n".join(findings)


def test_the_two_pseudonyms_differ_and_say_nothing_of_the_account(author_world):
    haven, refuge = author_world.secrets.handles["haven"], author_world.secrets.handles["refuge"]
    assert haven != refuge
    for handle in (haven, refuge):
        words = set(re.findall(r"[a-z]+", handle.lower()))
        assert not words & {"zq", "secret", "user"}
        assert str(author_world.secrets.user_id) not in handle
    # The distinctive-id check runs: the bare number is searched for on every page.
    assert author_world.secrets.id_is_distinctive


# Markup that depends on who wrote a post: none may, beyond the handle (and, for the author,
# the "you" marker and their own edit and delete actions).


def shape(markup: str, numbers: list[str], texts: list[str]) -> str:
    """A post's or list entry's markup with its own id, handle, text and times blanked out."""
    markup = re.sub(r"<time datetime=\"[^\"]*\">[^<]*</time>", "<time/>", markup)
    markup = re.sub(r"<div class=\"markup\"[^>]*>.*?</div>", "BODY", markup, flags=re.S)
    markup = re.sub(r"\d+ repl(?:y|ies)", "N replies", markup)
    # What is new to the viewer counts others' published posts since they last read, like the
    # replies: it tells nothing of the starter, so whether and how much it says is blanked too.
    markup = re.sub(
        r' <a class="badge badge-new" href="/p/\w+">\d+ new<span[^>]*>[^<]*</span></a>', "", markup
    )
    for text in texts:
        markup = markup.replace(text, "TEXT")
    for number in numbers:
        markup = re.sub(rf"(?<!\d){number}(?!\d)", "ID", markup)
    return markup


def list_entries(body: str, href: str) -> list[str]:
    return [
        item.markup(body)
        for item in inspect_html.find_all(inspect_html.parse(body), "li")
        if f'href="{href}"' in item.markup(body)
    ]


def list_entry(body: str, href: str) -> str:
    entries = list_entries(body, href)
    assert len(entries) == 1, f"no single entry linking to {href}"
    return entries[0]


OTHER_VIEWERS = [viewer for viewer in VIEWERS if viewer != "author"]


@pytest.mark.parametrize("viewer", OTHER_VIEWERS)
def test_a_post_carries_no_id_class_or_attribute_of_its_author(author_world, viewer):
    """The author's pseudonymous reply and another member's look alike but for id, handle, text."""
    ids, handles = author_world.ids, author_world.secrets.handles
    body = _get(author_world, viewer, f"/s/haven/t/{ids['thread_a']}").get_data(as_text=True)
    mine = inspect_html.post_element(body, ids["u_top1"])
    theirs = inspect_html.post_element(body, ids["peer_top"])
    assert shape(mine, [ids["u_top1"]], [handles["haven"]]) == shape(
        theirs, [ids["peer_top"]], [author_world.handles["newcomer"]]
    )


@pytest.mark.parametrize("viewer", OTHER_VIEWERS)
@pytest.mark.parametrize("path", ["/s/haven", "/"])
def test_a_thread_list_entry_carries_nothing_of_its_starter(author_world, viewer, path):
    """The "started by" of an entry is the handle alone: the author's entry looks like any other
    pseudonymous starter's."""
    body = _get(author_world, viewer, path).get_data(as_text=True)
    ids = author_world.ids
    fillers = db.session.execute(
        select(Thread.public_id, Thread.title).where(Thread.title.startswith("Filler thread"))
    ).all()
    filler, title = next(
        (thread, title)
        for thread, title in fillers
        if any(
            author_world.handles["newcomer"] in e
            for e in list_entries(body, f"/s/haven/t/{thread}")
        )
    )
    mine = list_entry(body, f"/s/haven/t/{ids['thread_a']}")
    theirs = list_entry(body, f"/s/haven/t/{filler}")
    assert author_world.secrets.handles["haven"] in mine
    assert shape(
        mine, [ids["thread_a"]], [author_world.secrets.handles["haven"], "Lanterns at dusk"]
    ) == (shape(theirs, [filler], [author_world.handles["newcomer"], title]))


@pytest.mark.parametrize("viewer", VIEWERS)
def test_last_activity_by_the_author_shows_no_more_than_the_starter(author_world, viewer):
    """Thread B was started by another member under their name; U wrote its last reply. Its
    entry (and any "last post by" it may grow) names personas only, never U's account."""
    body = _get(author_world, viewer, "/s/haven").get_data(as_text=True)
    entry = list_entry(body, f"/s/haven/t/{author_world.ids['thread_b']}")
    assert "other_member" in entry  # the starter, under their name
    secrets = author_world.secrets
    assert not (
        checks.find_username(entry, secrets)
        + checks.find_user_id(entry, secrets)
        + checks.find_email(entry, secrets)
        + checks.find_handles(entry, [secrets.handles["refuge"]])
    )


def identity_labels(form: str) -> list[str]:
    return re.findall(r"<label for=\"identity-\d\">([^<]*)</label>", form)


def test_the_authors_identity_choice_offers_their_own_handle_in_this_space_only(author_world):
    secrets = author_world.secrets
    client = author_world.client("author")
    thread = client.get(f"/s/haven/t/{author_world.ids['thread_a']}").get_data(as_text=True)
    [reply_form] = [form for form in inspect_html.forms(thread) if 'name="identity"' in form]
    labels = identity_labels(reply_form)
    assert labels == [
        f"Under your pseudonym in this space ({secrets.handles['haven']})",
        "Under your username",
    ]
    new_in_refuge = client.get("/s/refuge/new").get_data(as_text=True)
    # A pseudonyms-only space: "You post under your pseudonym in this space (…)".
    assert secrets.handles["refuge"].lower() in new_in_refuge.lower()
    assert not checks.find_handles(new_in_refuge, [secrets.handles["haven"]])


@pytest.mark.parametrize("viewer", ["member", "moderator", "owner"])
def test_another_viewers_identity_choice_never_offers_the_authors_handle(author_world, viewer):
    secrets = author_world.secrets
    for path in (
        f"/s/haven/t/{author_world.ids['thread_a']}",
        f"/p/{author_world.ids['u_top1']}/reply",
    ):
        body = _get(author_world, viewer, path).get_data(as_text=True)
        [form] = [form for form in inspect_html.forms(body) if 'name="identity"' in form]
        assert not checks.find_handles(form, list(secrets.handles.values()))
        assert not checks.find_username(form, secrets)
