"""The classic side channels of DESIGN.md rule 1, each changed through the real forms: edits,
profiles and other pages that could move when someone posts, ordering, labels, placeholders."""

import re

import pytest
from sqlalchemy import select

from forum import identity
from forum.admin.services import create_space
from forum.extensions import db
from forum.models import PersonaKind, Post, Thread
from forum.models.post import PUBLIC_ID_PATTERN
from forum.spaces.membership import admit
from tests.factories import grant_label
from tests.factories import space_settings as settings
from tests.leaks import checks, inspect_html
from tests.leaks.conftest import (
    USERNAME,
    first_post,
    latest_thread,
    register,
    sign_in,
)
from tests.threads.conftest import reply, start_thread

READERS = ["visitor", "member", "moderator", "owner"]


def posted(response) -> None:
    assert response.status_code == 302, response.get_data(as_text=True)


def fresh(post: Post) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post.id)


# The edit form keeps the identity chosen at posting.


@pytest.mark.parametrize(("chosen", "forged"), [("pseudonym", "named"), ("named", "pseudonym")])
def test_an_edit_keeps_the_identity_chosen_at_posting(scene, chosen, forged):
    author = scene.client("author")
    posted(start_thread(author, "haven", title="Said once", body="First words", identity=chosen))
    thread = latest_thread("haven")
    post = first_post(thread)
    persona_id = post.persona_id

    page = author.get(f"/p/{post.public_id}/edit").get_data(as_text=True)
    [form] = [form for form in inspect_html.forms(page) if "First words" in form]
    assert 'name="identity"' not in form and 'name="persona' not in form
    if chosen == "pseudonym":
        assert not checks.find_username(checks.author_scope(page), scene.secrets())

    # A hand-made request asks for the other identity every way it might be spelt.
    forged_fields = {"identity": forged, "kind": forged, "persona": forged, "persona_id": "1"}
    response = author.submit(f"/p/{post.public_id}/edit", {"body": "Second words"} | forged_fields)
    assert response.status_code == 302

    post = fresh(post)
    assert post.body_source == "Second words"
    assert post.persona_id == persona_id
    assert db.session.get(Thread, thread.id).persona_id == persona_id
    # No persona of the forged kind was even made for the author.
    assert identity.find_persona(scene.author, scene.haven, PersonaKind(forged)) is None
    secrets = scene.secrets()
    for viewer in READERS:
        body = scene.client(viewer).get(f"/s/haven/t/{thread.public_id}").get_data(as_text=True)
        markup = inspect_html.post_element(body, post.public_id)
        assert "Second words" in markup
        if chosen == "pseudonym":
            assert secrets.handles["haven"] in markup
            assert not checks.posts_page(
                scene.client(viewer).get(f"/s/haven/t/{thread.public_id}"),
                secrets,
                author_view=False,
                space="haven",
            )
        else:
            assert USERNAME in markup
            assert "haven" not in secrets.handles  # no pseudonym was ever made in Haven


# Nothing moves on the pages about an account when it posts under a pseudonym.

VOLATILE_HEADERS = {"date", "set-cookie"}


def snapshot(client, path: str) -> tuple[int, str, dict]:
    """The page's <main> (CSRF tokens, which are signed with the time, blanked) and headers."""
    response = client.get(path)
    body = response.get_data(as_text=True)
    main = checks.CSRF_INPUT.sub("<input csrf>", inspect_html.main_markup(body))
    headers = {
        name: value
        for name, value in response.headers.items()
        if name.lower() not in VOLATILE_HEADERS | {"content-length"}
    }
    return response.status_code, main, headers


def test_pages_about_the_account_do_not_move_when_it_posts_under_a_pseudonym(scene, app):
    author = scene.client("author")
    posted(
        start_thread(author, "haven", title="Under my own name", body="NAMED-1", identity="named")
    )
    admin = register("site_root", is_admin=True)
    clients = {viewer: scene.client(viewer) for viewer in READERS + ["author"]}
    clients["admin"] = sign_in(app, admin)
    pages = [(viewer, f"/u/{USERNAME}") for viewer in clients]
    pages += [("moderator", "/s/haven/members"), ("owner", "/s/refuge/members")]
    pages += [("admin", "/admin"), ("admin", f"/admin?q={USERNAME[:6]}")]
    before = {(viewer, path): snapshot(clients[viewer], path) for viewer, path in pages}
    assert "NAMED-1" in before[("visitor", f"/u/{USERNAME}")][1]
    assert USERNAME in before[("moderator", "/s/haven/members")][1]

    # Pseudonymous activity of every kind, in both spaces.
    posted(start_thread(author, "haven", title="Not under my name", body="PSEUDO-1"))
    thread = latest_thread("haven")
    posted(reply(author, first_post(thread).public_id, body="PSEUDO-2"))
    posted(reply(scene.client("member"), first_post(thread).public_id, body="A member's reply"))
    posted(reply(author, first_post(thread).public_id, body="PSEUDO-3"))
    posted(author.submit(f"/p/{first_post(thread).public_id}/edit", {"body": "PSEUDO-1, edited"}))
    reply_id = db.session.scalar(select(Post.public_id).where(Post.body_source == "PSEUDO-3"))
    posted(author.submit(f"/p/{reply_id}/delete", {}, action=f"/p/{reply_id}/delete"))
    posted(start_thread(author, "refuge", title="Elsewhere too", body="PSEUDO-4"))
    for client in clients.values():
        client.get("/")  # shows (and so clears) any message waiting for the next page

    after = {(viewer, path): snapshot(clients[viewer], path) for viewer, path in pages}
    for key, page in before.items():
        assert after[key] == page, f"{key} moved when the author posted under a pseudonym"


# Ordering: lists follow time and activity, never account age or id.


@pytest.mark.parametrize("author_account", ["oldest", "newest"])
def test_lists_follow_activity_not_account_age(app, author_account):
    names = ["zq_secret_user", "elder_member", "younger_member"]
    if author_account == "newest":
        names = names[1:] + names[:1]
    users = {name: register(name) for name in names}  # ids in this order: account age
    space = create_space(None, "haven", settings(name="Haven"), owner=users["elder_member"])
    for name, user in users.items():
        if name != "elder_member":
            admit(user, space)
    db.session.commit()
    clients = {name: sign_in(app, user) for name, user in users.items()}

    starters = ["elder_member", "zq_secret_user", "younger_member"]  # each starts a thread
    threads = []
    for name in starters:
        posted(start_thread(clients[name], "haven", title=f"Started by {name}", body="Hello"))
        threads.append(latest_thread("haven"))
    newest = threads[-1]
    for name in ["zq_secret_user", "elder_member", "younger_member"]:
        posted(reply(clients[name], first_post(newest).public_id, body=f"Reply by {name}"))
    expected_threads = [thread.public_id for thread in reversed(threads)]  # by last activity
    expected_posts = db.session.scalars(  # in the order they were written
        select(Post.public_id).where(Post.thread_id == newest.id).order_by(Post.id)
    ).all()

    # The expected orders differ from every order an account could give them.
    account_rank = {name: rank for rank, name in enumerate(names)}
    by_account = sorted(threads, key=lambda thread: account_rank[starters[threads.index(thread)]])
    by_account_ids = [t.public_id for t in by_account]
    assert expected_threads not in (by_account_ids, by_account_ids[::-1])

    for viewer in ["visitor", "elder_member"]:
        client = app.test_client() if viewer == "visitor" else clients[viewer]
        for path in ["/s/haven", "/"]:
            body = client.get(path).get_data(as_text=True)
            shown = re.findall(rf'href="/s/haven/t/({PUBLIC_ID_PATTERN})"', body)
            assert list(dict.fromkeys(shown)) == expected_threads, f"{path} as {viewer}"
        body = client.get(f"/s/haven/t/{newest.public_id}").get_data(as_text=True)
        shown = re.findall(rf'id="p({PUBLIC_ID_PATTERN})"', body)
        assert shown == expected_posts


# One account's named and pseudonymous posts in one thread, and its verified label.


def test_named_and_pseudonymous_posts_of_one_account_share_nothing(scene):
    grant_label(scene.author, "Youth worker")  # a verified label: shown on named posts only
    db.session.commit()
    author, member = scene.client("author"), scene.client("member")
    posted(start_thread(author, "haven", title="Both ways", body="PSEUDO-first"))
    thread = latest_thread("haven")
    root = first_post(thread).public_id
    posted(reply(member, root, body="Member, pseudonymous"))
    posted(reply(author, root, body="Author, pseudonymous"))
    posted(reply(author, root, body="Author, named", identity="named"))
    ids = {
        body: db.session.scalar(select(Post.public_id).where(Post.body_source == body))
        for body in ("Member, pseudonymous", "Author, pseudonymous", "Author, named")
    }
    secrets = scene.secrets()
    handle = secrets.handles["haven"]
    member_handle = identity.find_persona(scene.member, scene.haven, PersonaKind.PSEUDONYM).handle

    for viewer in READERS:
        body = scene.client(viewer).get(f"/s/haven/t/{thread.public_id}").get_data(as_text=True)
        named = inspect_html.post_element(body, ids["Author, named"])
        assert USERNAME in named and "Verified Youth worker" in named
        for pseudonymous in (
            inspect_html.post_element(body, root),
            inspect_html.post_element(body, ids["Author, pseudonymous"]),
        ):
            assert handle in pseudonymous
            assert not checks.find_username(pseudonymous, secrets)
            assert "Youth worker" not in pseudonymous
        # The author's pseudonymous reply looks exactly like another member's (to anyone but
        # that member, who sees their own marked "you").
        mine = inspect_html.post_element(body, ids["Author, pseudonymous"])
        theirs = inspect_html.post_element(body, ids["Member, pseudonymous"])
        if viewer != "member":
            assert _shape(mine, ids["Author, pseudonymous"], handle) == _shape(
                theirs, ids["Member, pseudonymous"], member_handle
            )
        space_page = scene.client(viewer).get("/s/haven").get_data(as_text=True)
        entry = next(
            item.markup(space_page)
            for item in inspect_html.find_all(inspect_html.parse(space_page), "li")
            if f'href="/s/haven/t/{thread.public_id}"' in item.markup(space_page)
        )
        assert handle in entry and "Youth worker" not in entry
        assert not checks.find_username(entry, secrets)


def _shape(markup: str, post_id: str, handle: str) -> str:
    markup = re.sub(r"<time datetime=\"[^\"]*\">[^<]*</time>", "<time/>", markup)
    markup = re.sub(r"<div class=\"markup\"[^>]*>.*?</div>", "BODY", markup, flags=re.S)
    return re.sub(rf"(?<!\d){post_id}(?!\d)", "ID", markup.replace(handle, "HANDLE"))


def test_a_deleted_pseudonymous_post_names_nobody(scene):
    author = scene.client("author")
    posted(start_thread(scene.client("member"), "haven", title="A question", body="Anyone?"))
    thread = latest_thread("haven")
    posted(reply(author, first_post(thread).public_id, body="PSEUDO-gone"))
    post_id = db.session.scalar(select(Post.public_id).where(Post.body_source == "PSEUDO-gone"))
    posted(reply(scene.client("member"), post_id, body="A reply that stays"))
    posted(author.submit(f"/p/{post_id}/delete", {}, action=f"/p/{post_id}/delete"))
    secrets = scene.secrets()
    for viewer in READERS + ["author"]:
        response = scene.client(viewer).get(f"/s/haven/t/{thread.public_id}")
        markup = inspect_html.post_element(response.get_data(as_text=True), post_id)
        assert "[deleted]" in markup and "PSEUDO-gone" not in markup
        assert not checks.names_nobody(markup, secrets)
        assert not checks.posts_page(
            response, secrets, author_view=viewer == "author", space="haven"
        )
    # A deleted post's earlier versions are gone with it, for the space's staff too, and the
    # refusal names no account.
    for viewer in ["moderator", "owner"]:
        response = scene.client(viewer).get(f"/p/{post_id}/revisions")
        assert response.status_code == 403
        assert "PSEUDO-gone" not in response.get_data(as_text=True)
        assert not checks.names_nobody(response.get_data(as_text=True), secrets)


def test_the_members_roster_never_shows_a_pseudonym(scene):
    author = scene.client("author")
    posted(start_thread(author, "haven", title="Quiet words", body="PSEUDO-roster"))
    posted(start_thread(author, "refuge", title="Quieter words", body="PSEUDO-roster-2"))
    secrets = scene.secrets()
    assert set(secrets.handles) == {"haven", "refuge"}
    for viewer in ["moderator", "owner"]:
        for slug in ["haven", "refuge"]:
            body = scene.client(viewer).get(f"/s/{slug}/members").get_data(as_text=True)
            assert USERNAME in body  # by username, by design
            assert not checks.find_handles(body, list(secrets.handles.values()))
            assert "PSEUDO-" not in body
