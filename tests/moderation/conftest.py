"""Factories for the staff pages: spaces, members and requests made by the real services."""

import html
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    IdentityMode,
    JoinPolicy,
    Membership,
    Premoderation,
    Role,
    Space,
    User,
    Visibility,
)
from forum.spaces import services as member_services
from moderation import services
from moderation.models import ModAction
from moderation.services import SpaceSettings

SPACE_KINDS = {
    "public": (Visibility.PUBLIC, JoinPolicy.OPEN),
    "members": (Visibility.MEMBERS, JoinPolicy.REQUEST),
    "hidden": (Visibility.HIDDEN, JoinPolicy.INVITE),
}


def space_settings(kind: str = "members", **overrides) -> SpaceSettings:
    visibility, join_policy = SPACE_KINDS[kind]
    values = {
        "name": f"The {kind} circle",
        "description": f"A {kind} space for hard conversations.",
        "rules": "Be kind. Assume good faith.",
        "visibility": visibility,
        "join_policy": join_policy,
        "required_label": None,
        "identity_mode": IdentityMode.CHOICE,
        "premoderation": Premoderation.OFF,
        "slow_mode_seconds": 0,
        "flag_hide_threshold": 3,
    }
    return SpaceSettings(**(values | overrides))


@dataclass
class Staffed:
    """A space with an owner, a moderator and a plain member, each signed in on demand."""

    space: Space
    owner: User
    moderator: User
    member: User

    @property
    def slug(self) -> str:
        return self.space.slug


@pytest.fixture
def make_space(app, make_user):
    """Create a space through the real service, owned by `owner` (a new user by default)."""

    def make(slug: str = "circle", kind: str = "members", owner: User | None = None, **settings):
        owner = owner or make_user(f"{slug.replace('-', '_')}_owner")
        space = services.create_space(None, slug, space_settings(kind, **settings), owner=owner)
        db.session.commit()
        return space

    return make


@pytest.fixture
def add_member(app):
    """Admit a user to a space with a role, as the command line does."""

    def add(space: Space, user: User, role: Role = Role.MEMBER) -> Membership:
        membership = member_services.admit(user, space, role)
        db.session.commit()
        return membership

    return add


@pytest.fixture
def ask_to_join(app):
    """File a written request to join, as the requester would."""

    def ask(space: Space, user: User, note: str = "I run a youth club and want to learn."):
        membership = member_services.request_to_join(user, space, note)
        db.session.commit()
        return membership

    return ask


@pytest.fixture
def staffed(make_space, make_user, add_member):
    """Build a space of a kind with an owner, a moderator and a member."""

    def build(kind: str = "members", slug: str | None = None, **settings) -> Staffed:
        slug = slug or f"{kind}-circle"
        owner = make_user("olive_owner")
        space = make_space(slug, kind, owner=owner, **settings)
        moderator = make_user("max_moderator")
        member = make_user("mia_member")
        add_member(space, moderator, Role.MODERATOR)
        add_member(space, member)
        return Staffed(space, owner, moderator, member)

    return build


def membership(space: Space, user: User) -> Membership | None:
    """Read a membership afresh from the database."""
    db.session.expire_all()
    return db.session.scalar(
        select(Membership).where(Membership.space_id == space.id, Membership.user_id == user.id)
    )


def reload_space(space: Space) -> Space:
    db.session.expire_all()
    return db.session.get(Space, space.id)


def mod_log(space: Space) -> list[ModAction]:
    """The space's moderation log, oldest first."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ModAction).where(ModAction.space_id == space.id).order_by(ModAction.id)
        )
    )


def last_log_entry(space: Space) -> ModAction:
    return mod_log(space)[-1]


def text(response) -> str:
    """The page's HTML with entities decoded, so messages read as written."""
    return html.unescape(response.get_data(as_text=True))


def form_errors(html: str) -> str:
    """The text of the page's error boxes and field errors."""
    found = re.findall(r'class="(?:form-errors|field-error)"[^>]*>(.*?)</(?:div|p)>', html, re.S)
    return " ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found)


def csrf_token(client, page: str) -> str:
    """Read a CSRF token off a page, for a POST no button on that page would send."""
    found = re.search(r'name="[^"]*csrf_token"[^>]*value="([^"]+)"', text(client.get(page)))
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def member_action(client, space: Space, target: Membership, kind: str, **fields):
    """Fill and send one roster row's form (role, remove, ban, unban) from the members page."""
    prefix = f"m{target.id}-{kind}-"
    return client.submit(
        f"/s/{space.slug}/members",
        {prefix + name: value for name, value in fields.items()},
        action=f"/s/{space.slug}/members/{target.id}/{kind}",
    )


def forced_member_action(client, space: Space, target: Membership, kind: str, **fields):
    """Send a roster action whose form the page does not offer, with a valid CSRF token."""
    prefix = f"m{target.id}-{kind}-"
    data = {prefix + name: value for name, value in fields.items()}
    data[prefix + "csrf_token"] = csrf_token(client, "/")
    return client.post(f"/s/{space.slug}/members/{target.id}/{kind}", data=data)
