"""Demo data for `make run`: accounts of every kind, with passwords generated on the spot."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from forum.accounts import services


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


DEMO_USERS = [
    # username, is_admin, label, what the account shows off
    ("demo_admin", True, None, "site admin"),
    ("officer_olu", False, "Police officer", "verified Police officer"),
    ("researcher_rae", False, "Researcher", "verified Researcher"),
    ("youthworker_yan", False, "Youth worker", "verified Youth worker"),
    ("member_mo", False, None, "community member"),
    ("member_kit", False, None, "community member"),
]


def seed() -> list[DemoAccount]:
    """Create the demo accounts; their passwords are random, printed and kept in instance/."""
    made = []
    for username, is_admin, label, role in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        services.register_user(username, password, is_admin=is_admin, label=label)
        made.append(DemoAccount(username, password, role))
    _save(made)
    return made


def describe(accounts: list[DemoAccount]) -> list[str]:
    return [f"{a.username:<16} password {a.password}  ({a.role})" for a in accounts]


def _save(accounts: list[DemoAccount]) -> None:
    path = Path(current_app.instance_path) / "demo-accounts.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(describe(accounts)) + "\n")
    path.chmod(0o600)
