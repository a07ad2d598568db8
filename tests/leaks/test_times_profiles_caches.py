"""What a page's times, a profile and a shared browser's cache could tell an outsider.

- Times show to the minute, never seconds; join dates, and a closed space's last activity as
  outsiders see it, to the day: so nobody lines a join up with a new pseudonym's first post.
- /u/<name> of an account with no named post the viewer may read answers like an unknown name,
  and a verified label shows only beside its holder's named posts.
- A page that marks a pseudonym as the viewer's is kept in no cache (`no-store`).
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from forum.extensions import db
from forum.limits import current_limiter
from forum.spaces.invitations import create_invitation
from tests import factories
from tests.conftest import own_app
from tests.leaks.checks import CSRF_VALUE, SIGNATURE
from tests.support.cast import Cast
from tests.support.client import Client

LABEL = "Youth worker"
SECONDS = re.compile(r"\d\d:\d\d:\d\d|\d\d:\d\d\.\d")  # 10:04:59, 10:04.5
DATETIME = re.compile(r'datetime="([^"]*)"')
MINUTE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(\+00:00)?")
DAY = re.compile(r"\d{4}-\d\d-\d\d")


@dataclass
class World(Cast):
    paths: dict[str, str] = field(default_factory=dict)


def build(app) -> World:
    """An open space and a members-only one. In the open space the pseudonymous member posts
    under a pseudonym, the named member under their name; in the closed one the insider posts
    under their name, and the labelled member (a verified youth worker) under a pseudonym only."""
    world = World(app)
    factories.make_label(LABEL)
    names = ("owner", "pseudonymous", "named", "insider", "labelled", "stranger", "admin")
    for name in names:
        username = "keeper_person" if name == "admin" else f"{name}_person"
        world.people[name] = factories.make_user(username, is_admin=name == "admin")
    people = world.people
    factories.grant_label(people["labelled"], LABEL)
    open_space = factories.make_space("open-room", people["owner"], "public")
    closed = factories.make_space("closed-room", people["owner"], "members")
    for name in ("pseudonymous", "named"):
        factories.add_member(open_space, people[name])
    for name in ("insider", "labelled"):
        factories.add_member(closed, people[name])
    factories.ask_to_join(closed, factories.make_user("applicant_person"))
    create_invitation(people["owner"], closed, expires_in=timedelta(days=7), max_uses=3)

    thread = factories.start_thread(people["owner"], open_space, title="Open talk", kind="named")
    opening = factories.first_post(thread)
    mine = factories.reply(people["pseudonymous"], opening, "Under my pseudonym.")
    factories.posting.edit_post(people["pseudonymous"], mine, body="Under my pseudonym, edited.")
    factories.reply(people["named"], opening, "Under my name.", kind="named")
    inside = factories.start_thread(people["insider"], closed, title="Closed talk", kind="named")
    factories.reply(people["labelled"], factories.first_post(inside), "A labelled pseudonym.")
    db.session.commit()
    world.paths = {
        "open thread": f"/s/{open_space.slug}/t/{thread.public_id}",
        "closed thread": f"/s/{closed.slug}/t/{inside.public_id}",
        "reply form": f"/p/{opening.public_id}/reply",
        "edit form": f"/p/{mine.public_id}/edit",
        "delete page": f"/p/{mine.public_id}/delete",
        "revisions": f"/p/{mine.public_id}/revisions",
        "new thread": f"/s/{open_space.slug}/new",
    }
    return world


@pytest.fixture(scope="module")
def world(database_uri, _schema):
    with own_app(database_uri) as app:
        yield build(app)


@pytest.fixture(autouse=True)
def fresh_limits(world):
    current_limiter().reset()


def page(world: World, who: str, path: str) -> str:
    """A page by its path, or by its name in `world.paths`."""
    path = world.paths.get(path, path)
    response = world.client(who).get(path)
    assert response.status_code == 200, f"GET {path} as {who}: {response.status_code}"
    return response.get_data(as_text=True)


# Times

PAGES_WITH_TIMES = [
    ("visitor", "/"),
    ("visitor", "/s/open-room"),
    ("visitor", "open thread"),
    ("pseudonymous", "revisions"),
    ("insider", "closed thread"),
    ("insider", "/u/insider_person"),
    ("owner", "/s/closed-room/members"),
    ("owner", "/s/closed-room/requests"),
    ("owner", "/s/closed-room/invites"),
    ("admin", "/admin"),
]


@pytest.mark.parametrize(("who", "path"), PAGES_WITH_TIMES)
def test_no_page_shows_seconds(world, who, path):
    """Every time shown and every <time datetime> is to the minute or to the day."""
    body = page(world, who, path)
    stamps = DATETIME.findall(body)
    assert stamps, "the page shows no time: the test would prove nothing"
    for stamp in stamps:
        assert MINUTE.fullmatch(stamp) or DAY.fullmatch(stamp), stamp
    assert not SECONDS.search(body), SECONDS.search(body).group(0)


@pytest.mark.parametrize("who", ["visitor", "stranger"])
def test_a_closed_space_shows_outsiders_its_last_activity_to_the_day(world, who):
    """The directory card of a members-only space: a day, nothing finer."""
    body = page(world, who, "/")
    card = body[body.index('href="/s/closed-room"') :]
    card = card[: card.find('<li class="space-card"')]
    [stamp] = DATETIME.findall(card)
    assert DAY.fullmatch(stamp)
    assert not re.search(r"\d\d:\d\d", card)


def test_member_lists_give_join_dates_to_the_day(world):
    roster = page(world, "owner", "/s/closed-room/members")
    row = roster[roster.index("insider_person") :]
    row = row[: row.index("</tr>")]
    [stamp] = DATETIME.findall(row)
    assert DAY.fullmatch(stamp)


# Profiles


def answer(client: Client, path: str) -> tuple:
    client.get("/no-such-page")  # shows, and so clears, any message waiting for the next page
    response = client.get(path)
    headers = sorted(
        (name, SIGNATURE.sub(r"\1.…", value) if name == "Set-Cookie" else value)
        for name, value in response.headers.items()
    )
    return response.status_code, headers, CSRF_VALUE.sub(r"\1…", response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("visitor", "pseudonymous_person"),  # pseudonymous posts only
        ("insider", "pseudonymous_person"),
        ("visitor", "insider_person"),  # named posts only in a space the viewer cannot read
        ("stranger", "insider_person"),
        ("visitor", "labelled_person"),  # a verified label, pseudonymous posts only
        ("insider", "labelled_person"),
        # Its owner sees their own empty profile, which tells them nothing they do not know:
        # tests/threads/test_profiles_and_staff_actions.py.
    ],
)
def test_a_profile_with_no_named_post_to_read_answers_like_an_unknown_name(world, who, name):
    client = world.client(who)
    unknown = answer(client, "/u/nobody_by_that_name")
    assert unknown[0] == 404
    assert answer(client, f"/u/{name}") == unknown


def test_a_profile_with_a_named_post_to_read_is_shown(world):
    response = world.client("insider").get("/u/insider_person")
    assert response.status_code == 200
    assert "Closed talk" in response.get_data(as_text=True)


def test_a_verified_label_never_shows_beside_a_pseudonym(world):
    body = page(world, "insider", "closed thread")
    assert "A labelled pseudonym." in body
    assert LABEL not in body


# Caches


@pytest.mark.parametrize(
    "path", ["open thread", "reply form", "edit form", "delete page", "revisions", "new thread"]
)
def test_a_page_that_marks_the_viewers_pseudonym_is_kept_in_no_cache(world, path):
    """Someone at the same browser later (a shared computer) must not find the page saying
    "you" beside a pseudonym, or "Under your pseudonym (Patient Heron 17)" in a form."""
    response = world.client("pseudonymous").get(world.paths[path])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_viewers_own_pseudonym_is_on_those_pages(world):
    """What makes them secret: their handle, marked as theirs, or offered in the form."""
    thread = page(world, "pseudonymous", "open thread")
    assert "badge-you" in thread
    form = page(world, "pseudonymous", "reply form")
    assert re.search(r"Under your pseudonym in this space \([^)]+\)", form)


def test_a_member_without_a_pseudonym_in_the_space_gets_a_private_page(world):
    """The control: nothing of a pseudonym on the page, so the browser may keep it privately."""
    response = world.client("named").get(world.paths["open thread"])
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_the_identities_page_is_kept_in_no_cache(world):
    response = world.client("pseudonymous").get("/settings/identities")
    assert response.headers["Cache-Control"] == "no-store"
