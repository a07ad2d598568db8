"""Flood login, registration, posting, flagging and search past their limits while members read
and reply, then check in the database that every accepted post was stored (`make loadtest`)."""

import itertools
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from limits import parse
from sqlalchemy import select

from bench import flood
from bench.loadclient import OUTCOMES, Browser, FormFields, Tally, botnet_address, percentile
from bench.run import SECRET_KEY, WORK, ensure_debian_command, serve, setting
from bench.seed import BENCH_SPACE, BENCH_THREAD_IDS, THREAD_100_PATH, bench_app, seed
from bench.servers import HOST, Gunicorn, free_port
from forum.accounts import services as accounts
from forum.config import Config
from forum.extensions import db
from forum.models import Persona, Post, PostStatus, Role, Space, Thread, User
from forum.spaces import membership

SECONDS = setting("LOADTEST_SECONDS", 60)  # of flood, after the baseline
BASELINE = setting("LOADTEST_BASELINE", 15)  # seconds of members reading and replying alone
MEMBERS = setting("LOADTEST_MEMBERS", 6)
REPLY_EVERY = setting("LOADTEST_REPLY_EVERY", 6)  # seconds between a member's replies, at least
PASSWORD = "steady harbour lantern 2026"  # noqa: S105 (throwaway load-test accounts)
MARKER = "loadtest"  # every post the load test writes starts with it
ONE_ADDRESS = "203.0.113.7"  # the single-address flood's (TEST-NET-3)


@dataclass
class Ledger:
    """The posts the server accepted (a 2xx/3xx answer), by the account that wrote them."""

    accepted: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def accept(self, username: str, body: str) -> None:
        with self.lock:
            self.accepted.setdefault(username, []).append(body)


def stored_posts(marker: str = MARKER) -> dict[str, list[str]]:
    """The load test's posts in the database, by the account behind each post's persona."""
    rows = db.session.execute(
        select(User.username, Post.body_source)
        .join(Persona, Post.persona_id == Persona.id)
        .join(User, Persona.user_id == User.id)
        .where(Post.body_source.startswith(marker))
    )
    stored: dict[str, list[str]] = {}
    for username, body in rows:
        stored.setdefault(username, []).append(body)
    return stored


def audit(accepted: dict[str, list[str]], stored: dict[str, list[str]]) -> dict[str, list[str]]:
    """By account, what differs between the posts accepted and those stored: an accepted post
    missing (or stored with another body) is lost; a stored post never accepted is unexplained."""
    differences = {}
    for username in accepted.keys() | stored.keys():
        wanted, found = Counter(accepted.get(username, [])), Counter(stored.get(username, []))
        lost = [f"lost: {body}" for body in (wanted - found).elements()]
        unexplained = [f"stored, never accepted: {body}" for body in (found - wanted).elements()]
        if lost or unexplained:
            differences[username] = lost + unexplained
    return differences


# The forum the load test runs on


@dataclass
class World:
    """The seeded forum as the load test uses it: who signs in, what they read and post to."""

    database: Path
    members: list[str]
    spammers: list[str]
    guessed: list[str]  # usernames the login flood tries: 3 from many addresses, 3 from one
    reply_to: list[str]  # public ids of posts members reply to
    flag_targets: list[str]
    pages: list[str]  # what members read


def build_world() -> World:
    """Seed a small forum, then make the members and spammers through the real services."""
    database = WORK / "load.sqlite3"
    seed(database, spaces=4, threads=60, posts=3_000, users=100)
    app = bench_app(database)
    with app.app_context():
        space = db.session.scalar(select(Space).where(Space.slug == BENCH_SPACE))
        members = [f"member{number:02d}" for number in range(1, MEMBERS + 1)]
        spammers = ["spammer_reply", "spammer_thread", "spammer_flag"]
        for username in members + spammers:
            user = accounts.register_user(username, PASSWORD).user
            membership.add_member(space, user, Role.MEMBER)
            if username in members:
                # Established members: an account's first day has a budget a third the size.
                user.created_at = datetime.now(UTC) - timedelta(days=30)
        db.session.commit()
        reply_to = _post_ids(BENCH_THREAD_IDS[2])
        flag_targets = _post_ids(BENCH_THREAD_IDS[1])
        # Credential stuffing aimed at a few accounts, as a botnet that knows some usernames.
        guessed = list(
            db.session.scalars(select(User.username).where(User.id > 1).order_by(User.id).limit(6))
        )
    pages = ["/", f"/s/{BENCH_SPACE}", THREAD_100_PATH]
    return World(database, members, spammers, guessed, reply_to, flag_targets, pages)


def _post_ids(thread_public_id: str) -> list[str]:
    return list(
        db.session.scalars(
            select(Post.public_id)
            .join(Thread, Post.thread_id == Thread.id)
            .where(Thread.public_id == thread_public_id, Post.status == PostStatus.VISIBLE)
            .order_by(Post.id)
        )
    )


@contextmanager
def shared_counters():
    """A private redis-server on a free loopback port; memory:// when none can be had."""
    try:
        redis_server = ensure_debian_command("redis-server", "redis-server")
    except (SystemExit, subprocess.CalledProcessError) as error:
        print(f"No redis-server ({error}): each worker counts limits on its own (memory://)")
        yield "memory://"
        return
    port = free_port()
    command = [redis_server, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly",
               "no", "--dir", str(WORK)]  # fmt: skip
    log = (WORK / "redis.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        _wait_for_redis(port, process)
        yield f"redis://{HOST}:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_for_redis(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"redis-server exited; see {WORK / 'redis.log'}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("redis-server did not answer")


# Members


def sign_in(browser: Browser, username: str) -> None:
    """Sign in through the real form, as a person would."""
    token = FormFields(browser.get("/login").body).csrf_token
    answer = browser.post(
        "/login", {"csrf_token": token, "username": username, "password": PASSWORD}
    )
    if answer.status != 302:
        raise SystemExit(f"{username} could not sign in: {answer.status}")


@dataclass
class Record:
    """What the members saw: seconds per page by phase, refused pages, their replies' answers."""

    ledger: Ledger = field(default_factory=Ledger)
    reads: dict[str, list[float]] = field(default_factory=dict)
    errors: Tally = field(default_factory=Tally)
    replies: Tally = field(default_factory=Tally)
    refusals: list[str] = field(default_factory=list)  # each refused reply: status, message
    # Per phase, CPUs busy on average: (the server's processes, the load generator).
    cpu: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Member:
    """Reads the space's pages and replies at a human pace; every answer is timed."""

    username: str
    browser: Browser
    world: World
    record: Record
    rng: random.Random

    def run(self, phase: list[str], stop: threading.Event, reply_every: float) -> None:
        next_reply = time.monotonic() + self.rng.uniform(1, reply_every)
        number = 0
        while not stop.is_set():
            self._read(self.rng.choice(self.world.pages), phase)
            if time.monotonic() >= next_reply:
                number += 1
                self._reply(number, phase)
                next_reply = time.monotonic() + reply_every * self.rng.uniform(1, 1.3)
            stop.wait(self.rng.uniform(0.2, 0.6))  # reading

    def _read(self, path: str, phase: list[str]) -> str:
        started_in = phase[0]
        answer = self.browser.get(path)
        self.record.reads.setdefault(started_in, []).append(answer.seconds)
        if answer.status != 200:
            self.record.errors.count(answer)
        return answer.body

    def _reply(self, number: int, phase: list[str]) -> None:
        parent = self.rng.choice(self.world.reply_to)
        fields = FormFields(self._read(f"/p/{parent}/reply", phase))
        body = f"{MARKER} {self.username} reply {number}: thank you, this helped."
        answer = self.browser.post(
            f"/p/{parent}/reply",
            {"csrf_token": fields.csrf_token, "identity": fields.identity, "body": body},
        )
        self.record.replies.count(answer)
        if 200 <= answer.status < 400:
            self.record.ledger.accept(self.username, body)
        else:
            said = re.search(r'role="alert">\s*<p>(.*?)</p>', answer.body, re.DOTALL)
            self.record.refusals.append(f"{answer.status}: {said[1] if said else '(no message)'}")


def reply_pace() -> float:
    """Seconds between a member's replies: human, and within the reply budget for the run."""
    budget = parse(Config.RATELIMIT_REPLY)
    run = min(BASELINE + SECONDS, budget.get_expiry())
    return max(REPLY_EVERY, run / max(1, budget.amount - 4))


# The run


def run(world: World, server: Gunicorn) -> tuple["Record", list]:
    port = server.port
    rng = random.Random(12)  # noqa: S311 (load, nothing secret)
    record, phase, stop = Record(), ["baseline"], threading.Event()
    members = []
    for number, username in enumerate(world.members, 1):
        browser = Browser(port, f"198.51.100.{number}")  # each at home, on an address of their own
        sign_in(browser, username)
        members.append(Member(username, browser, world, record, random.Random(number)))  # noqa: S311
    spammers = {}
    for username in world.spammers:
        spammers[username] = Browser(port, botnet_address(rng))
        sign_in(spammers[username], username)
    pace = reply_pace()
    threads = [
        threading.Thread(target=member.run, args=(phase, stop, pace), daemon=True)
        for member in members
    ]
    for thread in threads:
        thread.start()
    print(f"Baseline: {len(members)} members read and reply (one reply every {pace:.0f} s+) "
          f"for {BASELINE} s", flush=True)  # fmt: skip
    marks = [_mark(server)]
    stop.wait(BASELINE)
    marks.append(_mark(server))
    phase[0] = "flood"
    floods = flood.start(port, world, spammers, record.ledger, stop, ONE_ADDRESS, MARKER)
    print(f"Flood: {len(floods)} kinds of request for {SECONDS} s", flush=True)
    stop.wait(SECONDS)
    marks.append(_mark(server))
    stop.set()
    for thread in threads + [kind.thread for kind in floods]:
        thread.join(timeout=60)
    for before, after in itertools.pairwise(marks):
        elapsed = after[2] - before[2]
        record.cpu.append(((after[0] - before[0]) / elapsed, (after[1] - before[1]) / elapsed))
    return record, floods


def _mark(server: Gunicorn) -> tuple[float, float, float]:
    """CPU seconds so far of the server and of this process, and the time."""
    return server.cpu_seconds(), time.process_time(), time.monotonic()


def report(record: Record, floods: list, stored: dict[str, list[str]], lost, note: str) -> str:
    """The tables of the run, in Markdown."""
    lines = [
        "| flood request | from | sent | " + " | ".join(OUTCOMES) + " | p50 ms |",
        "|---|---|" + "---:|" * (len(OUTCOMES) + 2),
    ]
    for kind in floods:
        counts = " | ".join(str(kind.tally.outcomes[name]) for name in OUTCOMES)
        p50 = 1000 * percentile(kind.tally.seconds, 0.5)
        lines.append(f"| {kind.name} | {kind.source} | {kind.tally.sent} | {counts} | {p50:.0f} |")
    lines += ["", "| members' pages | requests | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    for phase, words in (("baseline", "alone"), ("flood", "under the flood")):
        seconds = record.reads.get(phase, [])
        lines.append(
            f"| {words} | {len(seconds)} | {1000 * percentile(seconds, 0.5):.1f} | "
            f"{1000 * percentile(seconds, 0.99):.1f} |"
        )
    accepted = record.ledger.accepted
    members = [name for name in accepted if name.startswith("member")]
    flooders = [name for name in accepted if name not in members]
    posted = sum(kind.tally.sent for kind in floods if kind.posts)
    lines += [
        "",
        "| posts | sent | accepted | stored | lost | stored, never accepted |",
        "|---|---:|---:|---:|---:|---:|",
        _posts_row("members' replies", record.replies.sent, members, accepted, stored, lost),
        _posts_row("flooders' posts", posted, flooders, accepted, stored, lost),
        "",
        f"Members refused: {len(record.refusals)} replies and {record.errors.sent} page views."
        f" Limits counted in {note}.",
        "",
        *(
            f"CPUs busy {words}: the server {server:.2f}, the load generator {own:.2f}."
            for (server, own), words in zip(record.cpu, ("alone", "under the flood"), strict=False)
        ),
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.",
        *(f"- refused reply: {refusal}" for refusal in record.refusals),
    ]
    return "\n".join(lines)


def _posts_row(name, sent, accounts_, accepted, stored, lost) -> str:
    taken = sum(len(accepted[account]) for account in accounts_)
    kept = sum(len(stored.get(account, [])) for account in accounts_)
    found = [entry for account in accounts_ for entry in lost.get(account, [])]
    gone = sum(entry.startswith("lost:") for entry in found)
    return f"| {name} | {sent} | {taken} | {kept} | {gone} | {len(found) - gone} |"


def failures(record: Record, floods: list) -> int:
    """Requests answered 5xx or not at all, by the flood or the members."""
    tallies = [kind.tally for kind in floods] + [record.errors, record.replies]
    return sum(tally.outcomes["5xx"] + tally.outcomes["no answer"] for tally in tallies)


def _stop_on_signal(signum, _frame) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def main() -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    WORK.mkdir(parents=True, exist_ok=True)
    world = build_world()
    with shared_counters() as storage:
        env = {
            "DATABASE_URL": f"sqlite:///{world.database}",
            "SECRET_KEY": SECRET_KEY,
            "RATELIMIT_ENABLED": "true",
            "RATELIMIT_STORAGE_URI": storage,
            "TRUSTED_PROXIES": "1",  # the generator's X-Forwarded-For is each request's address
        }
        with serve("load", "wsgi:app", env) as served:
            record, floods = run(world, served)
    with bench_app(world.database).app_context():
        stored = stored_posts()
    lost = audit(record.ledger.accepted, stored)
    note = "Redis, shared by both workers" if storage.startswith("redis") else "each worker"
    table = report(record, floods, stored, lost, note)
    print()
    print(table)
    (WORK / "loadtest.md").write_text(table + "\n")
    failed = failures(record, floods)
    if failed or lost:
        print(f"FAILED: {failed} requests answered 5xx or not at all; lost posts: "
              f"{lost or 'none'}; see {WORK / 'gunicorn-load.log'}")  # fmt: skip
        return 1
    print("No 5xx, nothing lost.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
