"""No oracles for outsiders: nothing an outsider can ask tells a closed space's content apart
from what does not exist, or counts it.

The outsiders: a visitor, a signed-in non-member and a banned member of the space. What they try:
every thread and post route (the page, a branch, reply, edit, delete, revisions, lock, pin and
the permalink) at a real thread and post of a members-only and of a hidden space, against the
same URL with made-up ids; counting the activity of closed spaces from the gaps between the
public ids they can read; reading seconds off a page to line a join up with a pseudonym's first
post; probing /u/<name> for accounts; and reading a shared browser's cache for pseudonyms.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.limits import current_limiter
from forum.models import Post, Thread
from forum.models.post import PUBLIC_ID_PATTERN, new_public_id
from tests import factories
from tests.conftest import own_app
from tests.leaks.checks import CSRF_VALUE, SIGNATURE
from tests.support.cast import Cast
from tests.support.client import Client
from tests.support.pages import csrf_token

KINDS = ("members", "hidden")
OUTSIDERS = ("visitor", "non-member", "banned member")
POSTING = {"body": "An outsider's words.", "identity": "pseudonym", "accept_rules": "y"}

# Every route of a thread or a post: (name, path, method, the form a POST sends).
ROUTES = [
    ("thread page", "/s/{slug}/t/{thread}", "GET", None),
    ("branch", "/s/{slug}/t/{thread}/branch/{post}", "GET", None),
    ("permalink", "/p/{post}", "GET", None),
    ("reply form", "/p/{post}/reply", "GET", None),
    ("reply", "/p/{post}/reply", "POST", POSTING),
    ("edit form", "/p/{post}/edit", "GET", None),
    ("edit", "/p/{post}/edit", "POST", {"body": "Rewritten.", "content_warning": ""}),
    ("delete page", "/p/{post}/delete", "GET", None),
    ("delete", "/p/{post}/delete", "POST", {}),
    ("revisions", "/p/{post}/revisions", "GET", None),
    ("lock", "/s/{slug}/t/{thread}/lock", "POST", {}),
    ("pin", "/s/{slug}/t/{thread}/pin", "POST", {}),
]


@dataclass
class World(Cast):
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # by kind: slug, thread, post


def outsider(viewer: str, kind: str) -> str:
    return {"visitor": "visitor", "non-member": "stranger", "banned member": f"banned {kind}"}[
        viewer
    ]


def build(app) -> World:
    world = World(app)
    world.people["stranger"] = factories.make_user("stranger_sam")
    for kind in KINDS:
        owner = factories.make_user(f"{kind}_owner")
        space = factories.make_space(f"{kind}-room", owner, kind)
        author, banned = factories.make_user(f"{kind}_author"), factories.make_user(f"{kind}_ban")
        factories.add_member(space, author)
        factories.add_member(space, banned)
        factories.ban(space, banned, by=owner)
        thread = factories.start_thread(owner, space, title=f"Inside the {kind} room")
        reply = factories.reply(author, factories.first_post(thread), "Said inside.")
        factories.posting.edit_post(author, reply, body="Said inside, edited.")
        db.session.commit()
        world.people |= {f"owner {kind}": owner, f"author {kind}": author, f"banned {kind}": banned}
        world.ids[kind] = {"slug": space.slug, "thread": thread.public_id, "post": reply.public_id}
    # A public thread with two replies, and a burst of replies in the hidden space between them.
    owner = world.people["owner hidden"]
    public = factories.make_space("open-square", owner, "public")
    opening = factories.first_post(factories.start_thread(owner, public, title="In the open"))
    before = factories.reply(owner, opening, "Before the burst.")
    hidden_thread = db.session.scalar(
        select(Thread).where(Thread.title == "Inside the hidden room")
    )
    for number in range(5):
        factories.reply(owner, factories.first_post(hidden_thread), f"Hidden reply {number}")
    after = factories.reply(owner, opening, "After the burst.")
    db.session.commit()
    world.ids["public"] = {
        "slug": public.slug,
        "thread": db.session.get(Thread, opening.thread_id).public_id,
        "before": before.public_id,
        "after": after.public_id,
    }
    return world


@pytest.fixture(scope="module")
def world(database_uri, _schema):
    with own_app(database_uri) as app:
        yield build(app)


@pytest.fixture(autouse=True)
def fresh_limits(world):
    current_limiter().reset()


def rows() -> dict:
    """Every thread and post, all columns: a refused request changes none of them."""
    db.session.rollback()
    return {
        model.__tablename__: db.session.execute(select(model.__table__)).all()
        for model in (Thread, Post)
    }


def answer(client: Client, method: str, path: str, form: dict | None, token_from: str) -> dict:
    """Everything an outsider can read off a response, with the ids they asked for (echoed in
    a sign-in link's `next`) and CSRF tokens (random per page) put aside."""
    client.get("/no-such-page")  # shows, and so clears, any message waiting for the next page
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={**form, "csrf_token": csrf_token(client, token_from)})
    body = CSRF_VALUE.sub(r"\1…", response.get_data(as_text=True))
    # A signed session cookie: its contents are compared, its time stamp and signature not.
    headers = sorted(
        (name, SIGNATURE.sub(r"\1.…", value) if name == "Set-Cookie" else value)
        for name, value in response.headers.items()
    )
    seen = {"status": response.status_code, "headers": headers, "body": body}

    def without_the_path(value) -> str:
        return str(value).replace(path, "<path>").replace(quote(path, safe=""), "<path>")

    return {key: without_the_path(value) for key, value in seen.items()}


def cases():
    for name, path, method, form in ROUTES:
        for kind in KINDS:
            for viewer in OUTSIDERS:
                yield pytest.param(path, method, form, kind, viewer, id=f"{kind} {name} {viewer}")


@pytest.mark.parametrize(("path", "method", "form", "kind", "viewer"), list(cases()))
def test_a_closed_thread_or_post_answers_byte_for_byte_like_a_made_up_id(
    world, path, method, form, kind, viewer
):
    """Status, every header (Cache-Control, Location, Content-Length, Vary…) and the body are
    the same for a real thread or post the outsider may not read and for ids that name nothing,
    and the attempt changes nothing."""
    client = world.client(outsider(viewer, kind))
    real = path.format_map(world.ids[kind])
    made_up = path.format_map(
        world.ids[kind] | {"thread": new_public_id(), "post": new_public_id()}
    )
    token_page = "/login" if viewer == "visitor" else "/"  # a token of the viewer's session
    before = rows()
    assert answer(client, method, real, form, token_page) == answer(
        client, method, made_up, form, token_page
    )
    assert rows() == before


def test_the_comparison_tells_a_readable_thread_from_a_made_up_one(world):
    """The control: the same comparison, by a member who may read the thread, does differ."""
    client = world.client("author members")
    ids = world.ids["members"]
    real, made_up = f"/s/{ids['slug']}/t/{ids['thread']}", f"/s/{ids['slug']}/t/{new_public_id()}"
    assert answer(client, "GET", real, None, "/") != answer(client, "GET", made_up, None, "/")


# Counting from ids


def test_public_ids_do_not_count_what_closed_spaces_wrote_meanwhile(world):
    """A visitor reads two replies of a public thread, written before and after a burst of
    replies in the hidden space. The ids in the page's links and anchors are random, not row
    ids, so the gap between them counts nothing."""
    ids = world.ids["public"]
    visitor = world.app.test_client()
    page = visitor.get(f"/s/{ids['slug']}/t/{ids['thread']}").get_data(as_text=True)
    anchors = re.findall(r'<li class="reply" id="p([^"]+)"', page)
    assert anchors == [ids["before"], ids["after"]]
    links = re.findall(r'href="/p/([^"/#]+)', page) + re.findall(
        r'href="/s/[^"]+/t/([^"/?#]+)', page
    )
    for public_id in anchors + links:
        assert re.fullmatch(PUBLIC_ID_PATTERN, public_id), f"not a public id: {public_id}"
    row_ids = db.session.scalars(
        select(Post.id).where(Post.public_id.in_([ids["before"], ids["after"]])).order_by(Post.id)
    ).all()
    assert row_ids[1] - row_ids[0] > 1  # the row ids would have counted the hidden replies
    for row_id in row_ids:
        assert not re.search(rf"/p/{row_id}\b|#p{row_id}\b|id=\"p{row_id}\"", page)
    # The permalink sends them to the post by its public id, never by its row id.
    location = visitor.get(f"/p/{ids['after']}").headers["Location"]
    assert location.endswith(f"/t/{ids['thread']}#p{ids['after']}")


def test_public_ids_are_random_and_distinct():
    """60 random bits each: no order, no collisions, nothing derived from the row."""
    ids = [new_public_id() for _ in range(2_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(PUBLIC_ID_PATTERN, public_id) for public_id in ids)
    assert ids != sorted(ids)
