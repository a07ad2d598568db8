"""Rate-limit policies: who may do how much, keyed by account when signed in, else by address."""

import logging
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask.logging import default_handler
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import current_user
from limits import RateLimitItem, parse

from forum.errors import DomainError, render_error


def client_address() -> str:
    """The client's address: X-Forwarded-For counts only through ProxyFix, which create_app()
    installs when TRUSTED_PROXIES says how many proxies set it; otherwise it is the peer's."""
    return request.remote_addr or "unknown"


def requester_key() -> str:
    """Key a limit by account for signed-in users, by address for everyone else."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{client_address()}"


def _default_budget() -> str:
    # Read on each request, like a Budget, so a changed setting applies at once.
    return current_app.config["RATELIMIT_DEFAULT"]


def init_app(app: Flask) -> None:
    """Give the app its own limiter and its 429 page; storage and defaults come from config."""
    # RATELIMIT_DEFAULT is one budget per client across every route (flask-limiter's
    # application-wide limit): as a per-route default, a client could spend it once per route.
    # flask-limiter also reads that setting as a per-route default; that copy never applies.
    limiter = Limiter(
        key_func=requester_key,
        key_prefix="safe-spaces",
        application_limits=[_default_budget],
        default_limits_exempt_when=lambda: True,
        storage_options=_storage_options(app.config),
    )
    limiter.init_app(app)
    # flask-limiter says when Redis stops answering and it counts in memory, to a NullHandler:
    # the operator should read it in the server's log.
    limiter_log = logging.getLogger("flask-limiter")
    if default_handler not in limiter_log.handlers:
        limiter_log.addHandler(default_handler)
    limiter.request_filter(lambda: request.endpoint == "static")
    app.extensions["safe_spaces.limiter"] = limiter
    app.register_error_handler(RateLimitExceeded, _rate_limited_page)


def _storage_options(config) -> dict:
    if not config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        return {}
    # A Redis that stops answering must not hold every request: give up within a second, and
    # flask-limiter falls back to counting in memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED).
    return {
        "socket_timeout": 1,
        "socket_connect_timeout": 1,
        "key_prefix": config["RATELIMIT_REDIS_PREFIX"],
    }


def current_limiter() -> Limiter:
    return current_app.extensions["safe_spaces.limiter"]


class RateLimited(DomainError):
    """A use case was refused because its limit is spent; `retry_after` is in seconds."""

    status = 429

    def __init__(
        self, retry_after: int, reason: str = "Too many attempts.", budget: "Budget | None" = None
    ):
        self.retry_after = retry_after
        self.budget = budget  # the budget that is spent, when a Budget refused
        super().__init__(f"{reason} Try again in {describe_wait(retry_after)}.")

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


@dataclass(frozen=True)
class Budget:
    """A configured limit (named by its setting) spent explicitly by a use case, per key.

    `what` names what is counted, singular and plural, and `who` whose budget it is, so a refusal
    can say which limit was reached: "New accounts may start 2 threads an hour."
    """

    setting: str
    scope: str
    who: str = ""
    what: tuple[str, str] = ("attempt", "attempts")

    def _item(self) -> RateLimitItem:
        return parse(current_app.config[self.setting])

    def spend(self, key: str) -> None:
        """Count one attempt against the budget, raising RateLimited when it is used up."""
        limiter = current_limiter()
        if not limiter.enabled:
            return
        item = self._item()
        if limiter.limiter.hit(item, self.scope, key):
            return
        self._refuse(item, key)

    def check(self, key: str) -> None:
        """Raise RateLimited when the budget is used up, without counting anything."""
        limiter = current_limiter()
        if not limiter.enabled:
            return
        item = self._item()
        if not limiter.limiter.test(item, self.scope, key):
            self._refuse(item, key)

    def describe(self) -> str:
        """The limit in words: "New accounts may start 2 threads an hour."."""
        item = self._item()
        noun = self.what[0] if item.amount == 1 else self.what[1]
        return f"{self.who} {item.amount} {noun} {_per(item)}."

    def _refuse(self, item: RateLimitItem, key: str) -> None:
        reset_at = current_limiter().limiter.get_window_stats(item, self.scope, key).reset_time
        reason = self.describe() if self.who else "Too many attempts."
        raise RateLimited(max(1, math.ceil(reset_at - time.time())), reason, self)


def _per(item: RateLimitItem) -> str:
    unit = item.GRANULARITY.name
    if item.multiples == 1:
        return f"an {unit}" if unit == "hour" else f"a {unit}"
    return f"every {item.multiples} {unit}s"


def describe_wait(seconds: int) -> str:
    """Say how long to wait in words a person reads at a glance."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def _rate_limited_page(error: RateLimitExceeded):
    """flask-limiter's own refusals (the default budget): a page saying when to try again."""
    breached = current_limiter().current_limit
    retry_after = 60 if breached is None else max(1, math.ceil(breached.reset_at - time.time()))
    body, code = render_error(429, f"Too many requests. Try again in {describe_wait(retry_after)}.")
    return body, code, {"Retry-After": str(retry_after)}


LOGIN_ADDRESS = Budget("RATELIMIT_LOGIN_PER_ADDRESS", "login-address")
# A username's budget is shared by every browser without its device cookie (guessers); a
# browser that signed in to the account before spends a budget of its own (accounts/devices.py).
LOGIN_USERNAME = Budget(
    "RATELIMIT_LOGIN_PER_USERNAME",
    "login-username",
    "Each username may be tried",
    ("time", "times"),
)
LOGIN_DEVICE = Budget(
    "RATELIMIT_LOGIN_PER_DEVICE", "login-device", "This browser may try", ("time", "times")
)
RECOVER_ADDRESS = Budget("RATELIMIT_LOGIN_PER_ADDRESS", "recover-address")
RECOVER_USERNAME = Budget(
    "RATELIMIT_LOGIN_PER_USERNAME",
    "recover-username",
    "Each username may be tried",
    ("time", "times"),
)
RECOVER_DEVICE = Budget(
    "RATELIMIT_LOGIN_PER_DEVICE", "recover-device", "This browser may try", ("time", "times")
)
# Accounts made from one address, and failed attempts at making one (typos, taken names), which
# a school or library behind one address makes many of: two budgets, each for what it counts.
REGISTER_ADDRESS = Budget(
    "RATELIMIT_REGISTER_PER_ADDRESS",
    "register-address",
    "This network may make",
    ("new account", "new accounts"),
)
REGISTER_ATTEMPTS = Budget(
    "RATELIMIT_REGISTER_ATTEMPTS_PER_ADDRESS",
    "register-attempts",
    "This network may try",
    ("registration", "registrations"),
)
NEW_THREAD = Budget(
    "RATELIMIT_NEW_THREAD", "new-thread", "Members may start", ("thread", "threads")
)
NEW_THREAD_NEW_ACCOUNT = Budget(
    "RATELIMIT_NEW_THREAD_NEW_ACCOUNT",
    "new-thread",
    "New accounts may start",
    ("thread", "threads"),
)
REPLY = Budget("RATELIMIT_REPLY", "reply", "Members may post", ("reply", "replies"))
REPLY_NEW_ACCOUNT = Budget(
    "RATELIMIT_REPLY_NEW_ACCOUNT", "reply", "New accounts may post", ("reply", "replies")
)
EDIT = Budget("RATELIMIT_EDIT", "edit", "Members may make", ("edit", "edits"))
FLAG = Budget("RATELIMIT_FLAG", "flag", "Members may report", ("post", "posts"))
SEARCH = Budget("RATELIMIT_SEARCH", "search", "Everyone may search", ("time", "times"))
