"""The load test's flood: bots sending each kind of limited request as fast as they are answered,
from one address and from a botnet's many."""

import itertools
import random
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.loadclient import Browser, FormFields, Tally, botnet_address
from bench.seed import BENCH_SPACE, VOCABULARY


@dataclass
class FloodKind:
    name: str
    source: str
    tally: Tally = field(default_factory=Tally)
    posts: bool = False  # its accepted requests are posts the audit looks for
    thread: threading.Thread | None = None


def start(port, world, spammers: dict[str, Browser], ledger, stop, one_address, marker):
    """Start one bot per kind of request and source; return the kinds, each with its tally."""
    rng = random.Random(7)  # noqa: S311 (load, nothing secret)
    many = "many addresses"
    one = f"one address ({one_address})"
    kinds = []

    def launch(name: str, source: str, bot: Callable, browser: Browser, posts=False, *args):
        kind = FloodKind(name, source, posts=posts)
        kind.thread = threading.Thread(
            target=bot, args=(browser, kind.tally, stop, *args), daemon=True
        )
        kinds.append(kind)

    # Each source guesses passwords of its own three accounts and searches words of its own
    # choosing: the same search twice within ANON_CACHE_SECONDS is the same cached page, and
    # spends no budget.
    sources = (
        (many, botnet_address(rng), world.guessed[:3]),
        (one, one_address, world.guessed[3:]),
    )
    for number, (source, address, usernames) in enumerate(sources):
        launch("login", source, guess_passwords, Browser(port, address), False, usernames)
        launch("registration", source, register_accounts, Browser(port, address))
        words = random.Random(number)  # noqa: S311
        launch("search", source, search, Browser(port, address), False, words)
    replier, opener, flagger = world.spammers
    launch(
        "reply", f"{replier} (new account), {many}", post_again, spammers[replier], True,
        replier, f"/p/{world.flag_targets[0]}/reply", "", ledger, marker,
    )  # fmt: skip
    launch(
        "new thread", f"{opener} (new account), {many}", post_again, spammers[opener], True,
        opener, f"/s/{BENCH_SPACE}/new", "Buy now", ledger, marker,
    )  # fmt: skip
    launch("flag", f"{flagger} (new account), {many}", flag_posts, spammers[flagger], False,
           world.flag_targets[1:])  # fmt: skip
    for kind in kinds:
        kind.thread.start()
    return kinds


def guess_passwords(browser: Browser, tally: Tally, stop, usernames: list[str]) -> None:
    """Credential stuffing: wrong passwords for known usernames, one after another."""
    token = FormFields(browser.get("/login").body).csrf_token
    for username in itertools.cycle(usernames):
        if stop.is_set():
            return
        answer = browser.post(
            "/login", {"csrf_token": token, "username": username, "password": "Summer2026!"}
        )
        tally.count(answer)


def register_accounts(browser: Browser, tally: Tally, stop) -> None:
    """Make accounts as fast as the server lets; each success signs the bot in, so start over."""
    token = ""
    while not stop.is_set():
        if not token:
            browser.cookies.clear()
            token = FormFields(browser.get("/register").body).csrf_token
        password = f"bot {secrets.token_urlsafe(12)} harbour"
        answer = browser.post(
            "/register",
            {
                "csrf_token": token,
                "username": f"bot_{secrets.token_hex(6)}",
                "password": password,
                "confirm": password,
                "email": "",
            },
        )
        tally.count(answer)
        if answer.status == 302:
            token = ""


def search(browser: Browser, tally: Tally, stop, rng: random.Random) -> None:
    while not stop.is_set():
        tally.count(browser.get(f"/search?q={rng.choice(VOCABULARY[:500])}"))


def post_again(browser, tally, stop, username, path, title, ledger, marker) -> None:
    """Post through the form at `path` (a reply's, or a new thread's when there is a title) as
    fast as the server answers; the audit looks for every post it accepted."""
    fields = FormFields(browser.get(path).body)
    for number in itertools.count(1):
        if stop.is_set():
            return
        body = f"{marker} {username} spam {number}"
        form = {"csrf_token": fields.csrf_token, "identity": fields.identity, "body": body}
        if title:
            form["title"] = f"{title} {number}"
        answer = browser.post(path, form)
        tally.count(answer)
        if 200 <= answer.status < 400:
            ledger.accept(username, body)


def flag_posts(browser: Browser, tally: Tally, stop, targets: list[str]) -> None:
    """Report one post after another (one report per post and member is all a member has)."""
    token = FormFields(browser.get(f"/p/{targets[0]}/flag").body).csrf_token
    for target in itertools.cycle(targets):
        if stop.is_set():
            return
        answer = browser.post(
            f"/p/{target}/flag", {"csrf_token": token, "reason": "spam", "note": ""}
        )
        tally.count(answer)
