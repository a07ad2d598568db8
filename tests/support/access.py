"""The access world: spaces of every kind, and people in every relation to all of them."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from forum.models import JoinPolicy, Role, Space, User, Visibility
from tests.factories import POLICE, add_member, ask_to_join, ban, make_space, make_user, sign_in
from tests.support.client import Client

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
class AccessWorld:
    """Every kind of space, and a user in each relation to all of them."""

    spaces: dict[str, Space]
    users: dict[str, User] = field(default_factory=dict)


def build_access_world() -> AccessWorld:
    """Every kind of space, and a user in each relation to all of them."""
    users = {
        "owner": make_user("owner_u", label=POLICE),
        "moderator": make_user("staff_u", label=POLICE),
        "member": make_user("member_u", label=POLICE),
        "pending": make_user("pending_u", label=POLICE),
        "banned": make_user("banned_u", label=POLICE),
        "outsider": make_user("outsider_u", label=POLICE),
        "unlabelled": make_user("unlabelled_u"),
        "admin": make_user("root_u", is_admin=True),
    }
    spaces = {}
    for kind, values in KINDS.items():
        space = make_space(f"{kind}-space", users["owner"], **values)
        add_member(space, users["moderator"], Role.MODERATOR)
        add_member(space, users["member"])
        add_member(space, users["banned"])
        ban(space, users["banned"], by=users["owner"])
        if space.join_policy == JoinPolicy.REQUEST:
            ask_to_join(space, users["pending"], "Please let me in.")
        spaces[kind] = space
    return AccessWorld(spaces, users)


def clients_for(app: Flask, world: AccessWorld) -> Callable[[str], Client]:
    """A client for a named viewer of the world, each signed in once: 'visitor' is signed out."""
    clients: dict[str, Client] = {}

    def client_for(viewer: str) -> Client:
        if viewer not in clients:
            clients[viewer] = (
                app.test_client() if viewer == "visitor" else sign_in(app, world.users[viewer])
            )
        return clients[viewer]

    return client_for
