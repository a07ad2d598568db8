"""What makes a username and a password acceptable."""

import re

from zxcvbn import zxcvbn

from forum.errors import DomainError
from forum.models.user import USERNAME_MAX_LENGTH

USERNAME_MIN_LENGTH = 3
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 1000
# zxcvbn's scores run 0..4; 3 is "safely unguessable: moderate protection from offline attack".
PASSWORD_MIN_STRENGTH = 3

# Names that would let an account pass for the site, its staff or a placeholder.
RESERVED_USERNAMES = frozenset(
    [
        "admin",
        "administrator",
        "admins",
        "root",
        "system",
        "sysadmin",
        "superuser",
        "staff",
        "support",
        "help",
        "helpdesk",
        "moderator",
        "moderators",
        "mod",
        "mods",
        "modteam",
        "owner",
        "owners",
        "official",
        "team",
        "security",
        "abuse",
        "safespaces",
        "safespace",
        "anonymous",
        "anon",
        "deleted",
        "removed",
        "unknown",
        "nobody",
        "null",
        "none",
        "undefined",
        "guest",
        "user",
        "users",
        "account",
        "accounts",
        "login",
        "logout",
        "register",
        "signup",
        "settings",
        "api",
        "www",
        "mail",
        "postmaster",
        "webmaster",
        "hostmaster",
        "info",
        "contact",
        "police",
    ]
)


# Names of the site's staff and systems: numbered ("moderator_1") or disguised ("m0derator")
# they still pass for staff, unlike a numbered placeholder such as "user42".
STAFF_NAMES = frozenset(
    [
        "admin", "administrator", "admins", "root", "system", "sysadmin", "superuser", "staff",
        "support", "helpdesk", "moderator", "moderators", "mod", "mods", "modteam", "official",
        "security", "abuse", "safespaces", "safespace", "police", "postmaster", "webmaster",
    ]
)  # fmt: skip
# Words that make a name pass for the site's staff wherever they open or close it:
# "admin_jo", "the-moderator", "SafeSpaces_Help". Shorter words (mod, team) count only alone,
# so that "modest" and "teamwork" stay free.
STAFF_TITLES = ("administrator", "admin", "moderator", "safespaces", "safespace", "official")
# Digits that stand in for letters in names made to look like others: "m0derator", "4dmin".
_LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})


def separator_free(username: str) -> str:
    """The name with no case and no separators: "Ad_min" reads as "admin"."""
    return username.casefold().replace("_", "").replace("-", "")


def passes_for_staff(username: str) -> bool:
    """Whether the name could pass for the site, its staff or a placeholder ("Moderator_1")."""
    name = separator_free(username)
    if name in RESERVED_USERNAMES:
        return True
    # Without the digits that number it ("moderator_1"), or with digits read as letters.
    for variant in (name.strip("0123456789"), name.translate(_LOOK_ALIKES)):
        if variant in STAFF_NAMES:
            return True
        if any(variant.startswith(title) or variant.endswith(title) for title in STAFF_TITLES):
            return True
    return False


class AccountError(DomainError):
    """An account use case refused; the message is safe to show to the person who asked."""


class AccountRuleError(AccountError):
    """A username or password breaks a rule; the message says which and how to fix it."""


def username_key(username: str) -> str:
    """Return the case-insensitive key under which a username is unique."""
    return username.strip().lower()


def check_username(username: str) -> None:
    """Raise AccountRuleError unless the username may be registered."""
    if not USERNAME_MIN_LENGTH <= len(username) <= USERNAME_MAX_LENGTH:
        raise AccountRuleError(
            f"Usernames are {USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} characters long."
        )
    if not USERNAME_PATTERN.fullmatch(username):
        raise AccountRuleError(
            "Usernames use only letters A–Z, digits, underscores (_) and hyphens (-)."
        )
    if passes_for_staff(username):
        raise AccountRuleError("That username is reserved. Please choose another.")


def check_password(password: str, *, username: str = "", email: str = "") -> None:
    """Raise AccountRuleError unless the password is long and hard enough to guess."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountRuleError(f"Passwords are at least {PASSWORD_MIN_LENGTH} characters long.")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise AccountRuleError(f"Passwords are at most {PASSWORD_MAX_LENGTH} characters long.")
    # zxcvbn's cost grows with length; the first 100 characters decide any realistic case.
    result = zxcvbn(password[:100], user_inputs=[value for value in (username, email) if value])
    if result["score"] < PASSWORD_MIN_STRENGTH:
        hint = result["feedback"]["warning"] or "It is too common or too easy to guess."
        raise AccountRuleError(
            f"Please choose a stronger password. {hint.rstrip('.')}. "
            "A few unrelated words together make a strong one."
        )
