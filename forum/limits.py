"""Rate-limit policies: who may do how much, keyed by account when signed in, else by address."""

import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import current_user
from limits import parse


def client_address() -> str:
    # ProxyFix (TRUSTED_PROXIES) has already put the real client in remote_addr.
    return request.remote_addr or "unknown"


def requester_key() -> str:
    """Key a limit by account for signed-in users, by address for everyone else."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{client_address()}"


def init_app(app: Flask) -> None:
    """Give the app its own limiter; storage, defaults and the on/off switch come from config."""
    limiter = Limiter(key_func=requester_key, key_prefix="safe-spaces")
    limiter.init_app(app)
    limiter.request_filter(lambda: request.endpoint == "static")
    app.extensions["safe_spaces.limiter"] = limiter


def current_limiter() -> Limiter:
    return current_app.extensions["safe_spaces.limiter"]


class RateLimited(Exception):
    """A use case was refused because its limit is spent; `retry_after` is in seconds."""

    def __init__(self, retry_after: int, reason: str = "Too many attempts."):
        self.retry_after = retry_after
        super().__init__(f"{reason} Try again in {describe_wait(retry_after)}.")


@dataclass(frozen=True)
class Budget:
    """A configured limit (named by its setting) spent explicitly by a view, one key at a time."""

    setting: str
    scope: str

    def spend(self, key: str) -> None:
        """Count one attempt against the budget, raising RateLimited when it is used up."""
        limiter = current_limiter()
        if not limiter.enabled:
            return
        item = parse(current_app.config[self.setting])
        identifiers = (self.scope, key)
        if limiter.limiter.hit(item, *identifiers):
            return
        reset_at = limiter.limiter.get_window_stats(item, *identifiers).reset_time
        raise RateLimited(max(1, math.ceil(reset_at - time.time())))


def describe_wait(seconds: int) -> str:
    """Say how long to wait in words a person reads at a glance."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


LOGIN_ADDRESS = Budget("RATELIMIT_LOGIN_PER_ADDRESS", "login-address")
LOGIN_USERNAME = Budget("RATELIMIT_LOGIN_PER_USERNAME", "login-username")
RECOVER_ADDRESS = Budget("RATELIMIT_LOGIN_PER_ADDRESS", "recover-address")
RECOVER_USERNAME = Budget("RATELIMIT_LOGIN_PER_USERNAME", "recover-username")
REGISTER_ADDRESS = Budget("RATELIMIT_REGISTER_PER_ADDRESS", "register-address")
NEW_THREAD = Budget("RATELIMIT_NEW_THREAD", "new-thread")
NEW_THREAD_NEW_ACCOUNT = Budget("RATELIMIT_NEW_THREAD_NEW_ACCOUNT", "new-thread")
REPLY = Budget("RATELIMIT_REPLY", "reply")
REPLY_NEW_ACCOUNT = Budget("RATELIMIT_REPLY_NEW_ACCOUNT", "reply")
