"""Device cookies: a browser that signed in to an account before is not locked out with it.

OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a successful sign-in (or
recovery) gives the browser a signed, long-lived cookie bound to the account. An attempt that
presents a valid one for the username it names spends that device's own budget; every other
attempt spends the username's shared budget. So a guesser who spends the username's budget
locks out only other guessers, never the owner's own browser, and a stolen device cookie still
runs out after a few wrong passwords. The cookie names the account only by a keyed hash.
"""

import hashlib
import hmac
import secrets

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

from forum.accounts.rules import username_key
from forum.limits import Budget

COOKIE_NAME = "safe_spaces_device"
# Sent only where it is read, so a signed-out browser still gets the visitors' page cache.
COOKIE_PATHS = ("/login", "/recover")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="safe-spaces device cookie")


def _account_tag(username: str) -> str:
    # A keyed hash: the cookie says which account it is for only to someone holding the key.
    key = current_app.secret_key.encode()
    return hmac.new(key, username_key(username).encode(), hashlib.sha256).hexdigest()[:32]


def _lifetime_seconds() -> int:
    return current_app.config["DEVICE_COOKIE_DAYS"] * 24 * 60 * 60


def device_for(username: str) -> str | None:
    """This browser's device id when its device cookie is valid and for `username`, else None."""
    value = request.cookies.get(COOKIE_NAME)
    if not value:
        return None
    try:
        tag, device = _serializer().loads(value, max_age=_lifetime_seconds())
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(tag, str) or not hmac.compare_digest(tag, _account_tag(username)):
        return None
    return device if isinstance(device, str) else None


def spend_attempt(username: str, *, per_username: Budget, per_device: Budget) -> None:
    """Count a sign-in or recovery attempt against this device's budget when the browser has
    signed in to the account before, else against the username's shared one."""
    device = device_for(username)
    if device is None:
        per_username.spend(username_key(username))
    else:
        per_device.spend(device)


def remember_device(response: Response, username: str) -> Response:
    """Give the browser a new device cookie for the account it just proved it holds."""
    value = _serializer().dumps([_account_tag(username), secrets.token_urlsafe(16)])
    for path in COOKIE_PATHS:
        response.set_cookie(
            COOKIE_NAME,
            value,
            max_age=_lifetime_seconds(),
            path=path,
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            samesite="Lax",
        )
    return response
