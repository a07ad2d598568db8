"""seed-demo: accounts that sign in, and one space of each kind with people in every role."""

import re

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    ActionKind,
    Event,
    IdentityMode,
    JoinPolicy,
    Membership,
    MembershipStatus,
    ModAction,
    RegistrationMode,
    Role,
    Space,
    Thread,
    User,
    Visibility,
)
from forum.models.post import PUBLIC_ID_PATTERN
from forum.models.types import utcnow

SPACES = {
    # slug: name, visibility, join policy, identity mode, required label
    "community-voices": (
        "Community Voices", Visibility.PUBLIC, JoinPolicy.OPEN, IdentityMode.CHOICE, None,
    ),
    "parents-circle": (
        "Parents' Circle", Visibility.MEMBERS, JoinPolicy.REQUEST, IdentityMode.PSEUDONYMOUS, None,
    ),
    "safeguarding-leads": (
        "Safeguarding Leads", Visibility.HIDDEN, JoinPolicy.INVITE, IdentityMode.NAMED, None,
    ),
    "police-practitioners": (
        "Police Practitioners", Visibility.MEMBERS, JoinPolicy.REQUEST, IdentityMode.CHOICE,
        "Police officer",
    ),
}  # fmt: skip


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def seeded(app, tmp_path):
    """Run seed-demo on the empty database; return its output and the saved file's text."""
    app.instance_path = str(tmp_path)
    result = run(app, "seed-demo", "--if-empty")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output, (tmp_path / "demo-accounts.txt").read_text()


def listed_accounts(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*(\w+)\s+password (\S+)", text, flags=re.MULTILINE))


def role_in(username: str, slug: str) -> tuple[str, str] | None:
    membership = db.session.scalar(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .join(Space, Space.id == Membership.space_id)
        .where(User.username == username, Space.slug == slug)
    )
    return (membership.role, membership.status) if membership else None


def test_seed_demo_makes_one_space_of_each_kind(seeded):
    spaces = {space.slug: space for space in db.session.scalars(select(Space))}
    assert set(spaces) == set(SPACES)
    for slug, (name, visibility, join_policy, identity, label) in SPACES.items():
        space = spaces[slug]
        assert space.name == name
        assert (space.visibility, space.join_policy) == (visibility, join_policy)
        assert (space.identity_mode, space.required_label) == (identity, label)
        assert space.description
        assert "<ol>" in space.rules_html


def test_seed_demo_fills_the_spaces_with_owners_moderators_members_and_a_request(seeded):
    active = MembershipStatus.ACTIVE
    for slug in ("community-voices", "parents-circle", "safeguarding-leads"):
        assert role_in("demo_steward", slug) == (Role.OWNER, active)
    assert role_in("officer_olu", "police-practitioners") == (Role.MODERATOR, active)
    assert role_in("inspector_ines", "police-practitioners") == (Role.OWNER, active)
    assert role_in("member_mo", "parents-circle") == (Role.MEMBER, MembershipStatus.PENDING)
    assert role_in("member_mo", "community-voices") == (Role.MEMBER, active)
    assert role_in("member_mo", "safeguarding-leads") is None
    # Everyone in the police space holds the label it requires.
    police = db.session.scalar(select(Space).where(Space.slug == "police-practitioners"))
    labels = db.session.scalars(
        select(User.label).join(Membership).where(Membership.space_id == police.id)
    )
    assert set(labels) == {"Police officer"}
    # The demo's labels were granted like any other: logged, by the demo admin.
    grants = db.session.scalars(
        select(ModAction).where(ModAction.action == ActionKind.LABEL_GRANTED)
    ).all()
    assert len(grants) == 4


def test_seed_demo_prints_the_spaces_and_a_live_invitation(app, seeded, sign_in):
    output, saved = seeded
    for slug, (name, *_rest) in SPACES.items():
        assert f"/s/{slug}" in output
        assert name in output
    link = re.search(r"/s/safeguarding-leads/invite/[\w-]+", output).group(0)
    assert link in saved
    # The link works: a member of nothing sees the hidden space's invitation and can accept it.
    kit = db.session.scalar(select(User).where(User.username == "member_kit"))
    password = listed_accounts(saved)["member_kit"]
    client = sign_in(kit, password)
    assert client.get("/s/safeguarding-leads").status_code == 404
    page = client.get(link)
    assert page.status_code == 200
    assert "Safeguarding Leads" in page.get_data(as_text=True)
    response = client.submit(link, {"accept_rules": "y"}, action=link)
    assert response.status_code == 302
    assert client.get("/s/safeguarding-leads").status_code == 200


def test_every_listed_demo_password_signs_in(app, seeded):
    output, saved = seeded
    accounts = listed_accounts(saved)
    assert listed_accounts(output) == accounts
    assert set(accounts) == {user.username for user in db.session.scalars(select(User))}
    assert saved.splitlines()[0].startswith("demo_steward ")
    for username, password in accounts.items():
        client = app.test_client()
        response = client.submit("/login", {"username": username, "password": password})
        assert response.status_code == 302, username


def test_demo_accounts_file_is_private(app, seeded, tmp_path):
    assert (tmp_path / "demo-accounts.txt").stat().st_mode & 0o077 == 0


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, make_user, tmp_path):
    app.instance_path = str(tmp_path)
    make_user("existing")
    result = run(app, "seed-demo", "--if-empty")
    assert result.exit_code == 0
    assert "already has users" in result.output
    assert "No demo accounts were made here" in result.output
    assert db.session.scalar(select(User).where(User.username == "demo_steward")) is None
    assert db.session.scalars(select(Space)).all() == []
    assert not (tmp_path / "demo-accounts.txt").exists()


def test_the_second_make_run_says_where_the_demo_accounts_are(app, seeded, tmp_path):
    # `make run` seeds with --if-empty every time: the second time it points at the file.
    result = run(app, "seed-demo", "--if-empty")
    assert result.exit_code == 0
    assert "already has users" in result.output
    assert f"The demo accounts and their passwords are in {tmp_path / 'demo-accounts.txt'}." in (
        " ".join(result.output.split())
    )


def test_seed_demo_refuses_to_run_twice_with_a_clear_message(app, seeded):
    result = run(app, "seed-demo")
    assert result.exit_code != 0
    assert "Could not seed the demo: That username is taken" in result.output


def test_seed_demo_shows_nested_pseudonymous_conversations(app, tmp_path):
    from sqlalchemy import func, select

    from forum.extensions import db
    from forum.models import Persona, PersonaKind, Post, Thread

    app.instance_path = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Thread)) >= 3
    assert db.session.scalar(select(func.max(Post.depth))) >= 3
    pseudonymous_posts = db.session.scalar(
        select(func.count())
        .select_from(Post)
        .join(Persona, Persona.id == Post.persona_id)
        .where(Persona.kind == PersonaKind.PSEUDONYM)
    )
    assert pseudonymous_posts >= 5
    first = db.session.scalar(select(Thread).order_by(Thread.id).limit(1))
    assert re.fullmatch(PUBLIC_ID_PATTERN, first.public_id)  # the demo's links carry no row ids
    page = app.test_client().get(f"/s/community-voices/t/{first.public_id}").get_data(as_text=True)
    assert "Stop and search near the school gates" in page
    assert "member_mo" not in page  # the starter posted under a pseudonym


def test_seed_demo_leaves_reported_and_held_posts_in_the_queue(app, seeded, sign_in):
    output, _ = seeded
    assert "/mod" in output  # the description says where the queue is, and who runs it
    moderator = db.session.scalar(select(User).where(User.username == "youthworker_yan"))
    password = listed_accounts(output)["youthworker_yan"]
    page = sign_in(moderator, password).get("/mod").get_data(as_text=True)
    # Community Voices: a reply hidden by three reports (first), one reported once, one held.
    assert re.search(r'Moderation <span class="badge">[3-9]<', page)
    items = page[page.index("items waiting") :]  # the list, after the filters
    assert items.index("Hidden by reports") < items.index("Held for review")
    assert items.count("Reported") >= 2
    visitor = app.test_client()
    first = db.session.scalar(select(Thread).order_by(Thread.id).limit(1))
    thread = visitor.get(f"/s/community-voices/t/{first.public_id}").get_data(as_text=True)
    assert "the blue Astra" not in thread  # hidden by reports: a placeholder for others
    assert "my postcode" not in thread  # held: nobody else sees it


def test_seed_demo_shows_an_open_event_and_one_by_approval_for_officers(app, seeded, client):
    events = {event.title: event for event in db.session.scalars(select(Event))}
    public = events["Neighbourhood listening evening"]
    assert public.registration == RegistrationMode.OPEN and public.starts_at > utcnow()
    officers = events["Briefing: trust after stop and search"]
    assert officers.registration == RegistrationMode.APPROVAL
    listed = client.get("/s/community-voices/events").get_data(as_text=True)
    assert "Neighbourhood listening evening" in listed
    assert client.get(f"/s/police-practitioners/events/{officers.public_id}").status_code == 404
