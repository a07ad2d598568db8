"""Test data made by the real services, so it obeys the same rules as real data.

Every factory commits, as a request would. Fixtures in conftest.py wrap these; tests that build
a world of their own (module-scoped fixtures, a second app) call them directly.
"""

from sqlalchemy import select

from forum import labels
from forum.accounts import services as accounts
from forum.admin import services as admin
from forum.extensions import db
from forum.models import (
    IdentityMode,
    JoinPolicy,
    Membership,
    Post,
    Premoderation,
    Role,
    Space,
    Thread,
    User,
    Visibility,
)
from forum.spaces import membership as memberships
from forum.spaces.settings import SpaceSettings
from forum.threads import services as posting
from moderation import services as moderation
from tests.support.client import Client

PASSWORD = "plum tiger lantern 42"
POLICE = "Police officer"

# Who can read a space and how people get in, by a short name for its kind.
SPACE_KINDS = {
    "public": (Visibility.PUBLIC, JoinPolicy.OPEN),
    "request": (Visibility.PUBLIC, JoinPolicy.REQUEST),
    "members": (Visibility.MEMBERS, JoinPolicy.REQUEST),
    "hidden": (Visibility.HIDDEN, JoinPolicy.INVITE),
}


def space_settings(kind: str = "public", **overrides) -> SpaceSettings:
    """Settings for a space of a kind, with any setting overridden."""
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


def make_label(name: str = POLICE) -> str:
    """Put the label on the admins' list, unless it is there already; return its name."""
    if labels.find_label(name) is None:
        admin.add_label(None, name)
        db.session.commit()
    return labels.find_label(name).name


def make_user(
    username: str, password: str = PASSWORD, *, label: str | None = None, **kwargs
) -> User:
    """Register an account; a label is listed if need be and granted as an admin would."""
    user = accounts.register_user(username, password, **kwargs).user
    if label:
        admin.set_label(None, user, make_label(label), note="granted by a test")
    db.session.commit()
    return user


def grant_label(user: User, label: str | None) -> None:
    """Grant (or, with None, revoke) a verified label, as a site admin would."""
    admin.set_label(None, user, make_label(label) if label else None, note="a test")
    db.session.commit()


def make_space(
    slug: str = "talk", owner: User | None = None, kind: str = "public", **settings
) -> Space:
    """Create a space of a kind, owned by `owner`, as a site admin would."""
    if settings.get("required_label"):
        make_label(settings["required_label"])
    space = admin.create_space(None, slug, space_settings(kind, **settings), owner=owner)
    db.session.commit()
    return space


def add_member(space: Space, user: User, role: Role = Role.MEMBER) -> Membership:
    """Add someone to a space with a role, as the command line does (logged)."""
    membership = memberships.add_member(space, user, role)
    db.session.commit()
    return membership


def ask_to_join(
    space: Space, user: User, note: str = "I run a youth club and want to learn."
) -> Membership:
    """File a written request to join, rules accepted, as the requester would."""
    membership = memberships.request_to_join(user, space, note, accepted_rules=True)
    db.session.commit()
    return membership


def ban(
    space: Space, user: User, *, by: User, reason: str = "Broke the rules.", until=None
) -> Membership:
    """Ban a member, as a moderator `by` would."""
    target = membership_of(space, user)
    banned = moderation.ban_member(by, space, target.id, reason, until)
    db.session.commit()
    return banned


def membership_of(space: Space, user: User) -> Membership | None:
    """Read a membership afresh from the database."""
    db.session.expire_all()
    return db.session.scalar(
        select(Membership).where(Membership.space_id == space.id, Membership.user_id == user.id)
    )


def start_thread(
    user: User,
    space: Space,
    title: str = "How do we talk about this?",
    body: str = "First post.",
    kind: str = "pseudonym",
    **extra,
) -> Thread:
    """Start a thread through the posting service, without its rate limits' interference."""
    thread = posting.start_thread(user, space, title=title, body=body, kind=kind, **extra)
    db.session.commit()
    return thread


def reply(user: User, parent: Post, body: str = "A reply.", kind: str = "pseudonym", **extra):
    """Reply to a post through the posting service."""
    post = posting.post_reply(user, parent, body=body, kind=kind, **extra)
    db.session.commit()
    return post


def first_post(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))


def sign_in(app, user: User, password: str = PASSWORD) -> Client:
    """A new client signed in as `user` through the real sign-in form."""
    client = app.test_client()
    response = client.submit("/login", {"username": user.username, "password": password})
    assert response.status_code == 302, "sign-in failed"
    client.get("/")  # shows (and so clears) the "Welcome back, <name>" message
    return client
