"""A forum where one account, U, posts under pseudonyms in two spaces and under its name in a
third, seen by every kind of viewer. Built once per module through the real services and forms.
"""

from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, insert, select, text

from forum import identity
from forum.admin.services import create_space
from forum.extensions import db
from forum.models import (
    IdentityMode,
    JoinPolicy,
    Persona,
    PersonaKind,
    Post,
    Role,
    Space,
    Thread,
    User,
    Visibility,
)
from forum.spaces.membership import admit
from tests.conftest import own_app
from tests.factories import first_post, sign_in
from tests.factories import make_user as register
from tests.factories import reply as service_reply
from tests.factories import space_settings as settings
from tests.factories import start_thread as service_thread
from tests.leaks.checks import Secrets
from tests.support.client import Client
from tests.threads.conftest import reply, start_thread

USERNAME = "zq_secret_user"
EMAIL = "zq@secret.example"
VIEWERS = ["visitor", "member", "moderator", "owner", "admin", "author"]
# The id the author's account gets at least: three digits, far from every other row's id.
MIN_AUTHOR_ID = 700


def pad_user_ids(minimum: int = MIN_AUTHOR_ID) -> None:
    """Make the next account's id a number no other row of the test will reach."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        highest = db.session.scalar(text("SELECT coalesce(max(last_value), 0) FROM pg_sequences"))
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence('users', 'id'), :value)"),
            {"value": max(minimum, highest + 10_000)},
        )
    else:
        highest = max(
            db.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
            for table in _tables_with_ids(include_users=True)
        )
        db.session.execute(
            insert(User),
            [
                {
                    "id": max(minimum, highest + 500) - 1,
                    "username": "padding_account",
                    "username_key": "padding_account",
                    "password_hash": "!",
                }
            ],
        )
    db.session.commit()


def _tables_with_ids(include_users: bool = False):
    return [
        table
        for table in db.metadata.sorted_tables
        if "id" in table.c and (include_users or table.name != User.__tablename__)
    ]


def id_is_distinctive(user_id: int) -> bool:
    """No other row (post, thread, persona, space, membership, log entry…) has this id, so a
    page carrying the bare number carries the account's id."""
    return len(str(user_id)) >= 3 and not any(
        db.session.scalar(select(func.count()).select_from(table).where(table.c.id == user_id))
        for table in _tables_with_ids()
    )


POSTING_BUDGETS = (
    "RATELIMIT_NEW_THREAD",
    "RATELIMIT_NEW_THREAD_NEW_ACCOUNT",
    "RATELIMIT_REPLY",
    "RATELIMIT_REPLY_NEW_ACCOUNT",
)


def lift_posting_limits(app) -> dict[str, str]:
    """Let the fixtures post freely (tests of the limits set their own); return the defaults."""
    defaults = {name: app.config[name] for name in POSTING_BUDGETS}
    app.config.update({name: "10000 per minute" for name in POSTING_BUDGETS})
    return defaults


def latest_thread(slug: str) -> Thread:
    space = db.session.scalar(select(Space).where(Space.slug == slug))
    return db.session.scalar(
        select(Thread).where(Thread.space_id == space.id).order_by(Thread.id.desc()).limit(1)
    )


def post_with(marker: str) -> Post:
    post = db.session.scalar(select(Post).where(Post.body_source.contains(marker)))
    assert post is not None, f"no post with {marker!r}"
    return post


def handle_of(user: User, slug: str) -> str:
    return db.session.scalar(
        select(Persona.handle)
        .join(Space, Space.id == Persona.space_id)
        .where(
            Persona.user_id == user.id,
            Space.slug == slug,
            Persona.kind == PersonaKind.PSEUDONYM,
        )
    )


@dataclass
class World:
    app: object
    secrets: Secrets
    users: dict[str, User]
    ids: dict[str, str]  # public ids of threads and posts, by name
    handles: dict[str, str] = field(default_factory=dict)  # other people's pseudonyms
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, viewer: str) -> Client:
        if viewer not in self.clients:
            self.clients[viewer] = (
                self.app.test_client()
                if viewer == "visitor"
                else sign_in(self.app, self.users[viewer])
            )
        return self.clients[viewer]


def build_world(app) -> World:
    defaults = lift_posting_limits(app)
    owner = register("haven_owner")
    moderator = register("haven_mod")
    member = register("other_member")
    admin = register("site_root", is_admin=True)
    pad_user_ids()
    author = register(USERNAME, email=EMAIL)
    newcomer = register("newer_member")  # an account newer than the author's

    # Haven: public, open, choice of identity. Refuge: members only, pseudonyms only.
    # Agora: public, names only, where the author writes under their username.
    haven = create_space(None, "haven", settings(name="Haven"), owner=owner)
    refuge = create_space(
        None,
        "refuge",
        settings(
            name="Refuge",
            visibility=Visibility.MEMBERS,
            join_policy=JoinPolicy.REQUEST,
            identity_mode=IdentityMode.PSEUDONYMOUS,
        ),
        owner=owner,
    )
    agora = create_space(
        None, "agora", settings(name="Agora", identity_mode=IdentityMode.NAMED), owner=owner
    )
    for space in (haven, refuge):
        admit(moderator, space, Role.MODERATOR)
        admit(member, space)
        admit(author, space)
    admit(newcomer, haven)
    admit(member, agora)
    admit(author, agora)
    db.session.commit()

    u = sign_in(app, author)
    ids = {}

    def submitted(response):
        assert response.status_code == 302, response.get_data(as_text=True)

    # The oldest thread: the author's named one, pushed off the front page by newer threads.
    submitted(
        start_thread(
            u, "agora", title="Open questions in the agora", body="NAMED-G0", identity="named"
        )
    )
    ids["agora_thread"] = latest_thread("agora").public_id
    ids["agora_first"] = first_post(latest_thread("agora")).public_id
    service_reply(member, first_post(latest_thread("agora")), "Named answer", kind="named")
    for number in range(1, 10):
        service_thread(
            newcomer if number % 2 else member,
            haven,
            f"Filler thread {number}",
            f"Filler opening {number}",
        )

    # Thread A: the author's pseudonymous thread, long enough for two pages, with a deep branch.
    submitted(start_thread(u, "haven", title="Lanterns at dusk", body="PSEUDO-A0 first words"))
    thread_a = latest_thread("haven")
    a_first = first_post(thread_a)
    ids |= {"thread_a": thread_a.public_id, "a_first": a_first.public_id}
    fillers = [member, newcomer, moderator, owner]
    tops = []
    for number in range(1, 29):
        if number == 4:
            submitted(reply(u, a_first.public_id, body="PSEUDO-A-top1 on the first page"))
            ids["u_top1"] = post_with("PSEUDO-A-top1").public_id
        who = fillers[number % len(fillers)]
        kind = "named" if who in (moderator, member) and number % 3 == 0 else "pseudonym"
        tops.append(service_reply(who, a_first, f"Top-level filler {number}", kind))
    submitted(reply(u, a_first.public_id, body="PSEUDO-A-top2 on the second page"))
    ids["u_top2"] = post_with("PSEUDO-A-top2").public_id
    service_reply(member, a_first, "Top-level filler, last")
    # A comparison post: another member's pseudonymous top-level reply on the first page.
    ids["peer_top"] = next(
        post.public_id
        for post in tops
        if db.session.get(Persona, post.persona_id).user_id == newcomer.id
    )

    # The deep branch under the first top-level reply: the author at depth 2 and depth 10.
    parent = tops[0]
    for depth in range(2, 12):
        if depth in (2, 10):
            submitted(reply(u, parent.public_id, body=f"PSEUDO-A-d{depth} deep in the branch"))
            parent = post_with(f"PSEUDO-A-d{depth}")
        else:
            parent = service_reply(member if depth % 2 else newcomer, parent, f"Deep {depth}")
        ids[f"d{depth}"] = parent.public_id

    # The author edits their first post: it keeps a revision and shows "edited".
    response = u.submit(f"/p/{a_first.public_id}/edit", {"body": "PSEUDO-A0 first words, edited"})
    assert response.status_code == 302, response.get_data(as_text=True)

    # Thread B: started by another member under their name; the author has the last word.
    thread_b = service_thread(member, haven, "Who carries the lamp", "Named opening", "named")
    ids["thread_b"] = thread_b.public_id
    service_reply(newcomer, first_post(thread_b), "Middle reply")
    submitted(reply(u, first_post(thread_b).public_id, body="PSEUDO-B1 the last word"))
    ids["u_last_b"] = post_with("PSEUDO-B1").public_id

    # Thread R in the members-only, pseudonyms-only space.
    submitted(start_thread(u, "refuge", title="Harbour lights", body="PSEUDO-R0 in refuge"))
    thread_r = latest_thread("refuge")
    ids |= {"thread_r": thread_r.public_id, "r_first": first_post(thread_r).public_id}
    service_reply(member, first_post(thread_r), "A reply in refuge")

    secrets = Secrets(
        username=USERNAME,
        email=EMAIL,
        user_id=author.id,
        handles={"haven": handle_of(author, "haven"), "refuge": handle_of(author, "refuge")},
        pseudonymous_texts=["PSEUDO-", "Lanterns at dusk", "Harbour lights"],
        id_is_distinctive=id_is_distinctive(author.id),
    )
    author_world = World(
        app,
        secrets,
        {
            "member": member,
            "moderator": moderator,
            "owner": owner,
            "admin": admin,
            "author": author,
            "newcomer": newcomer,
        },
        ids,
        handles={"newcomer": handle_of(newcomer, "haven")},
    )
    author_world.clients["author"] = u
    app.config.update(defaults)
    return author_world


@pytest.fixture(scope="module")
def author_world(database_uri, _schema) -> World:
    """The forum above, on its own app, shared by a module's read-only tests."""
    with own_app(database_uri) as app:
        yield build_world(app)


# A smaller forum for tests that change things.


@dataclass
class Scene:
    author: User
    member: User
    moderator: User
    owner: User
    haven: Space
    refuge: Space
    app: object
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, viewer: str) -> Client:
        """A client for 'visitor' (signed out), 'author', 'member', 'moderator' or 'owner'."""
        if viewer not in self.clients:
            self.clients[viewer] = (
                self.app.test_client()
                if viewer == "visitor"
                else sign_in(self.app, getattr(self, viewer))
            )
        return self.clients[viewer]

    def secrets(self) -> Secrets:
        """The author's secrets, with the pseudonyms made so far."""
        handles = {
            slug: handle
            for slug in ("haven", "refuge")
            if (handle := handle_of(self.author, slug)) is not None
        }
        return Secrets(
            username=USERNAME,
            email=EMAIL,
            user_id=self.author.id,
            handles=handles,
            id_is_distinctive=id_is_distinctive(self.author.id),
        )


def build_scene(app) -> Scene:
    """Haven (public, choice of identity) and Refuge (members only, pseudonyms only), with the
    author U, another member, a moderator and an owner in both."""
    owner = register("haven_owner")
    moderator = register("haven_mod")
    member = register("other_member")
    pad_user_ids()
    author = register(USERNAME, email=EMAIL)
    haven = create_space(None, "haven", settings(name="Haven"), owner=owner)
    refuge = create_space(
        None,
        "refuge",
        settings(
            name="Refuge",
            visibility=Visibility.MEMBERS,
            join_policy=JoinPolicy.REQUEST,
            identity_mode=IdentityMode.PSEUDONYMOUS,
        ),
        owner=owner,
    )
    for space in (haven, refuge):
        admit(moderator, space, Role.MODERATOR)
        admit(member, space)
        admit(author, space)
    # U's pseudonym in Refuge exists from the start, so every page of Haven is searched for it.
    identity.persona_for(author, refuge, PersonaKind.PSEUDONYM)
    db.session.commit()
    lift_posting_limits(app)
    return Scene(author, member, moderator, owner, haven, refuge, app)


@pytest.fixture
def scene(app) -> Scene:
    """A fresh scene for each test, on the suite's `app`."""
    return build_scene(app)


@pytest.fixture(scope="module")
def shared_scene(database_uri, _schema) -> Scene:
    """One scene for a whole module, on an app of its own: its tests undo what they change."""
    with own_app(database_uri) as app:
        yield build_scene(app)
