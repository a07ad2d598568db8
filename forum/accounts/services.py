"""Account use cases: register, authenticate, change password or e-mail, recover with a code."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from forum.accounts.rules import AccountError, check_password, check_username, username_key
from forum.accounts.sessions import end_sessions_of
from forum.extensions import db
from forum.models import User


class UsernameTaken(AccountError):
    pass


class BadCredentials(AccountError):
    def __init__(self):
        # One message for every failure, so nobody learns whether an account exists.
        super().__init__("Incorrect username or password.")


class AccountSuspended(AccountError):
    pass


@dataclass(frozen=True)
class NewAccount:
    user: User
    recovery_code: str


# A hash to check against when the username is unknown, so a miss costs as long as a hit.
_timing_decoy: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _decoy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _timing_decoy:
        _timing_decoy[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _timing_decoy[method]


def new_recovery_code() -> str:
    """Return a fresh recovery code: 100 random bits in five groups a person can copy."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    characters = "".join(secrets.choice(alphabet) for _ in range(20))
    return "-".join(characters[i : i + 4] for i in range(0, 20, 4))


def _hash_recovery_code(code: str) -> str:
    # The code carries 100 random bits, so a fast hash is as safe here as a slow one.
    normalised = code.upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def find_user(username: str) -> User | None:
    """Return the account with this username, ignoring case, or None."""
    return db.session.scalar(select(User).where(User.username_key == username_key(username)))


def register_user(
    username: str,
    password: str,
    *,
    email: str | None = None,
    is_admin: bool = False,
    label: str | None = None,
) -> NewAccount:
    """Create an account and return it with its first recovery code (shown once, stored hashed)."""
    username = username.strip()
    email = (email or "").strip() or None
    check_username(username)
    check_password(password, username=username, email=email or "")
    if find_user(username) is not None:
        raise UsernameTaken("That username is taken. Please choose another.")
    code = new_recovery_code()
    user = User(
        username=username,
        username_key=username_key(username),
        password_hash=hash_password(password),
        email=email,
        is_admin=is_admin,
        label=label,
        recovery_code_hash=_hash_recovery_code(code),
    )
    try:
        # A savepoint, so losing a race for the username leaves the transaction usable.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise UsernameTaken("That username is taken. Please choose another.") from None
    return NewAccount(user, code)


def authenticate(username: str, password: str) -> User:
    """Return the account these credentials open, or raise BadCredentials."""
    user = find_user(username)
    if user is None:
        check_password_hash(_decoy_hash(), password)
        raise BadCredentials()
    if not check_password_hash(user.password_hash, password):
        raise BadCredentials()
    if user.is_suspended():
        raise AccountSuspended(
            f"This account is suspended until {user.suspended_until:%d %B %Y, %H:%M} UTC."
        )
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password after checking the current one; every other session ends."""
    if not check_password_hash(user.password_hash, current_password):
        raise AccountError("Your current password is not correct.")
    check_password(new_password, username=user.username, email=user.email or "")
    _set_password(user, new_password, keep_this_session=True)


def _set_password(user: User, password: str, *, keep_this_session: bool = False) -> None:
    user.password_hash = hash_password(password)
    # Whoever knew the old password may be signed in somewhere: those sessions end.
    end_sessions_of(user, keep_current=keep_this_session)
    db.session.flush()


def set_email(user: User, email: str | None) -> None:
    """Set or clear the account's e-mail address."""
    user.email = (email or "").strip() or None
    db.session.flush()


def set_time_zone(user: User, time_zone: str) -> None:
    """Set the zone event times are shown in; empty shows each in the event's own zone."""
    user.time_zone = time_zone or None
    db.session.flush()


def renew_recovery_code(user: User, current_password: str) -> str:
    """Replace the recovery code after checking the password; return the new code."""
    if not check_password_hash(user.password_hash, current_password):
        raise AccountError("Your current password is not correct.")
    return _issue_recovery_code(user)


def _issue_recovery_code(user: User) -> str:
    code = new_recovery_code()
    user.recovery_code_hash = _hash_recovery_code(code)
    db.session.flush()
    return code


def recover_account(username: str, recovery_code: str, new_password: str) -> NewAccount:
    """Set a new password with a recovery code; the code is spent and a fresh one returned.
    Every session of the account ends."""
    user = find_user(username)
    expected = user.recovery_code_hash if user else None
    given = _hash_recovery_code(recovery_code)
    if expected is None or not hmac.compare_digest(expected, given):
        raise AccountError("That username and recovery code do not match.")
    check_password(new_password, username=user.username, email=user.email or "")
    _set_password(user, new_password)
    return NewAccount(user, _issue_recovery_code(user))
