"""Spaces of every kind, built with the real services, and people in every relation to them."""

from dataclasses import dataclass, field

import pytest

from forum.extensions import db
from forum.models import (
    IdentityMode,
    JoinPolicy,
    Premoderation,
    Role,
    Space,
    User,
    Visibility,
)
from forum.spaces.services import admit, request_to_join
from moderation.services import SpaceSettings, ban_member, create_space

POLICE = "Police officer"


def settings(**overrides) -> SpaceSettings:
    values = {
        "name": "A space",
        "description": "",
        "rules": "Be kind.",
        "visibility": Visibility.PUBLIC,
        "join_policy": JoinPolicy.OPEN,
        "required_label": None,
        "identity_mode": IdentityMode.CHOICE,
        "premoderation": Premoderation.OFF,
        "slow_mode_seconds": 0,
        "flag_hide_threshold": 3,
    } | overrides
    return SpaceSettings(**values)


@pytest.fixture
def make_space(app):
    """Create a space through the real service; `owner` becomes its owner."""

    def make(slug: str, owner: User | None = None, **overrides) -> Space:
        space = create_space(None, slug, settings(**overrides), owner=owner)
        db.session.commit()
        return space

    return make


# The four kinds of space the access matrix covers, with names that must never leak.
KINDS = {
    "public": dict(
        name="Open Kitchen Table",
        description="Public talk about public things.",
        visibility=Visibility.PUBLIC,
        join_policy=JoinPolicy.OPEN,
    ),
    "members": dict(
        name="Parents Circle",
        description="Members-only talk.",
        visibility=Visibility.MEMBERS,
        join_policy=JoinPolicy.REQUEST,
    ),
    "hidden": dict(
        name="Secret Safeguarding Leads",
        description="Nobody outside may know this exists.",
        visibility=Visibility.HIDDEN,
        join_policy=JoinPolicy.INVITE,
    ),
    "labelled": dict(
        name="Police Practitioners",
        description="For verified police officers.",
        visibility=Visibility.MEMBERS,
        join_policy=JoinPolicy.REQUEST,
        required_label=POLICE,
    ),
}

VIEWERS = [
    "visitor",
    "outsider",
    "pending",
    "member",
    "banned",
    "moderator",
    "owner",
    "admin",
    "unlabelled",
]


@dataclass
class World:
    spaces: dict[str, Space]
    users: dict[str, User] = field(default_factory=dict)


@pytest.fixture
def world(app, make_user) -> World:
    """Every kind of space, and a user in each relation to all of them."""
    users = {
        "owner": make_user("owner_u", label=POLICE),
        "moderator": make_user("moderator_u", label=POLICE),
        "member": make_user("member_u", label=POLICE),
        "pending": make_user("pending_u", label=POLICE),
        "banned": make_user("banned_u", label=POLICE),
        "outsider": make_user("outsider_u", label=POLICE),
        "unlabelled": make_user("unlabelled_u"),
        "admin": make_user("admin_u", is_admin=True),
    }
    spaces = {}
    for kind, values in KINDS.items():
        space = create_space(None, f"{kind}-space", settings(**values), owner=users["owner"])
        admit(users["moderator"], space, Role.MODERATOR)
        admit(users["member"], space)
        banned = admit(users["banned"], space)
        ban_member(users["owner"], space, banned.id, "Broke the rules.")
        if space.join_policy == JoinPolicy.REQUEST:
            request_to_join(users["pending"], space, "Please let me in.")
        spaces[kind] = space
    db.session.commit()
    return World(spaces, users)


@pytest.fixture
def client_for(app, sign_in, world):
    """A client for a named viewer: 'visitor' is signed out."""
    clients = {}

    def client_for(viewer: str):
        if viewer not in clients:
            clients[viewer] = (
                app.test_client() if viewer == "visitor" else sign_in(world.users[viewer])
            )
        return clients[viewer]

    return client_for
