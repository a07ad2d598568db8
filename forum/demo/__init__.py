"""Demo data for `make run`: accounts of every kind, a space of each kind, conversations."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app

from forum.accounts import services
from forum.admin import services as admin_services
from forum.demo.events import seed_events
from forum.demo.plans import DEMO_LABELS, DEMO_SPACES, DEMO_THREADS, DEMO_USERS, Reply
from forum.limits import current_limiter
from forum.models import Role, User
from forum.spaces.invitations import create_invitation
from forum.spaces.membership import add_member, request_to_join
from forum.threads import services as posting
from forum.threads import trees

LABEL_NOTE = "demo data: a real grant says how the label was checked"
INVITATION_LIFETIME = timedelta(days=30)
INVITATION_USES = 5
# app.extensions key: packages that forum may not import (moderation) add demo data through it.
DEMO_SEEDERS = "demo_seeders"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


@dataclass(frozen=True)
class DemoSpace:
    name: str
    slug: str
    kind: str

    @property
    def path(self) -> str:
        return f"/s/{self.slug}"


@dataclass(frozen=True)
class Demo:
    accounts: list[DemoAccount]
    spaces: list[DemoSpace]
    invitation_space: str
    invitation_path: str


def _post_conversations(admin: User, users: dict[str, User], spaces: dict) -> None:
    """Post the demo threads and their nested replies through the real posting service, then
    let each package that registered a demo seeder (moderation: its queue) add to them."""
    limiter = current_limiter()
    was_enabled, limiter.enabled = limiter.enabled, False  # demo data is not abuse
    try:
        for plan in DEMO_THREADS:
            space = spaces[plan.space]
            starter = plan.starter
            thread = posting.start_thread(
                users[starter.author],
                space,
                title=plan.title,
                body=starter.body,
                kind=starter.identity,
                content_warning=plan.content_warning,
            )
            _post_replies(users, trees.first_post(thread), starter.replies)
        for seeder in current_app.extensions.get(DEMO_SEEDERS, []):
            seeder(admin, users, spaces)
    finally:
        limiter.enabled = was_enabled


def _post_replies(users: dict[str, User], parent, replies: list[Reply]) -> None:
    for reply in replies:
        post = posting.post_reply(
            users[reply.author],
            parent,
            body=reply.body,
            kind=reply.identity,
            content_warning=reply.content_warning,
        )
        _post_replies(users, post, reply.replies)


def seed() -> Demo:
    """Create the demo accounts and spaces; passwords are random, printed and kept in instance/."""
    users: dict[str, User] = {}
    accounts = []
    for username, is_admin, _label, role in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        users[username] = services.register_user(username, password, is_admin=is_admin).user
        accounts.append(DemoAccount(username, password, role))
    admin = users["demo_steward"]
    for label in DEMO_LABELS:
        admin_services.add_label(admin, label)
    for username, _is_admin, label, _role in DEMO_USERS:
        if label:
            admin_services.set_label(admin, users[username], label, note=LABEL_NOTE)

    spaces = {}
    for plan in DEMO_SPACES:
        space = admin_services.create_space(
            admin, plan.slug, plan.settings, owner=users[plan.owner]
        )
        for username in plan.moderators:
            add_member(space, users[username], Role.MODERATOR)
        for username in plan.members:
            add_member(space, users[username], Role.MEMBER)
        for username, note in plan.requests.items():
            request_to_join(users[username], space, note, accepted_rules=True)
        spaces[plan.slug] = space

    _post_conversations(admin, users, spaces)
    seed_events(users, spaces)

    hidden = spaces["safeguarding-leads"]
    invitation = create_invitation(
        admin,
        hidden,
        expires_in=INVITATION_LIFETIME,
        max_uses=INVITATION_USES,
        note="demo invitation",
    )
    made = Demo(
        accounts=accounts,
        spaces=[DemoSpace(plan.settings.name, plan.slug, plan.kind) for plan in DEMO_SPACES],
        invitation_space=hidden.name,
        invitation_path=f"/s/{hidden.slug}/invite/{invitation.token}",
    )
    _save(made)
    return made


def describe(made: Demo) -> list[str]:
    """What the demo holds, as lines to print: accounts first, one a line, then spaces."""
    return [
        *(f"{a.username:<16} password {a.password}  ({a.role})" for a in made.accounts),
        "",
        "Spaces:",
        *(f"{s.name:<22} {s.path:<24} ({s.kind})" for s in made.spaces),
        "",
        f"Invitation to {made.invitation_space} "
        f"({INVITATION_USES} uses, {INVITATION_LIFETIME.days} days):",
        made.invitation_path,
        "",
        "Moderation queue: /mod (reported and held posts of Community Voices for youthworker_yan,",
        "a held reply of Parents' Circle for member_kit; demo_steward sees every space's).",
    ]


def _save(made: Demo) -> None:
    path = accounts_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Private before the passwords go in, not after.
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("\n".join(describe(made)) + "\n")


def accounts_file() -> Path:
    return Path(current_app.instance_path) / "demo-accounts.txt"


def already_seeded_message() -> str:
    """What `seed-demo --if-empty` says when the database has users already."""
    if accounts_file().exists():
        return (
            "The database already has users, so no demo data was added. The demo accounts "
            f"and their passwords are in {accounts_file()}."
        )
    return (
        "The database already has users, so no demo data was added. "
        f"(No demo accounts were made here: {accounts_file()} does not exist.)"
    )
