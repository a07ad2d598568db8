"""The cost of a reply that notifies its thread's watchers: time and SQL statements, in-process.

Run alone with `python -m bench.notify`; `make bench` prints this table after the pages'. A
members-only space whose thread 100 members watch (and one with a single watcher, to compare):
the reply service's call and its commit, p50 and p99 over RUNS replies, and the statements one
reply runs. The target: the same number of statements for 100 watchers as for one.
"""

import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event, func, insert, select

from forum import create_app
from forum.accounts import services as accounts
from forum.admin import services as admin
from forum.extensions import db
from forum.models import (
    IdentityMode,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Notification,
    Post,
    Premoderation,
    ThreadWatch,
    User,
    Visibility,
)
from forum.models.types import utcnow
from forum.spaces import membership
from forum.spaces.settings import SpaceSettings
from forum.threads import services as posting

WORK = Path(__file__).resolve().parent / ".work"
RUNS = 30
WATCHERS = 100
PASSWORD = "quiet lantern orchard 1987"  # noqa: S105 (throwaway benchmark accounts)


def _settings(slug: str) -> SpaceSettings:
    return SpaceSettings(
        name=f"Watched {slug}",
        description="A members-only space whose thread many watch.",
        rules="Be kind.",
        visibility=Visibility.MEMBERS,
        join_policy=JoinPolicy.REQUEST,
        required_label=None,
        identity_mode=IdentityMode.CHOICE,
        premoderation=Premoderation.OFF,
        slow_mode_seconds=0,
        flag_hide_threshold=3,
    )


def _space_with_watchers(slug: str, watchers: int):
    """A members-only space, its owner's thread, and `watchers` members watching it."""
    owner = accounts.register_user(f"{slug}_owner", PASSWORD).user
    space = admin.create_space(None, slug, _settings(slug), owner=owner)
    replier = accounts.register_user(f"{slug}_replier", PASSWORD).user
    membership.admit(replier, space)
    thread = posting.start_thread(owner, space, title="Who watches this?", body="A", kind="named")
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    now = utcnow()
    start = db.session.scalar(select(func.max(User.id))) + 1
    ids = list(range(start, start + watchers - 1))  # the owner watches already
    if not ids:
        db.session.commit()
        return replier, first
    db.session.execute(
        insert(User),
        [
            {
                "id": i,
                "username": f"{slug}{i}",
                "username_key": f"{slug}{i}",
                "password_hash": owner.password_hash,
                "created_at": now,
            }
            for i in ids
        ],
    )
    db.session.execute(
        insert(Membership),
        [
            {
                "user_id": i,
                "space_id": space.id,
                "status": MembershipStatus.ACTIVE,
                "rules_version_accepted": 1,
                "joined_at": now,
            }
            for i in ids
        ],
    )
    db.session.execute(insert(ThreadWatch), [{"user_id": i, "thread_id": thread.id} for i in ids])
    db.session.commit()
    return replier, first


def _measure(replier: User, parent: Post) -> tuple[list[float], int, int]:
    """Reply RUNS times; the times in ms, the statements of the last reply, those told by it."""
    times, statements = [], []

    def count(*_args):
        statements.append(1)

    for _ in range(RUNS):
        before = db.session.scalar(select(func.count()).select_from(Notification))
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        posting.post_reply(replier, parent, body="An answer for everyone.", kind="pseudonym")
        db.session.commit()
        times.append((time.perf_counter() - started) * 1000)
        event.remove(db.engine, "before_cursor_execute", count)
        told = db.session.scalar(select(func.count()).select_from(Notification)) - before
    return times, len(statements), told


def report(database_url: str | None = None) -> tuple[str, bool]:
    """The table of a notifying reply's cost, and whether its statements stay fixed. Without
    `database_url` (an empty database), a fresh SQLite file under bench/.work/."""
    if database_url is None:
        WORK.mkdir(parents=True, exist_ok=True)
        database = WORK / "notify.sqlite3"
        database.unlink(missing_ok=True)
        database_url = f"sqlite:///{database}"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    )
    lines = [
        "| reply | watchers told | p50 ms | p99 ms | SQL statements |",
        "|---|---:|---:|---:|---:|",
    ]
    counts = []
    with app.app_context():
        db.create_all()
        for slug, watchers in (("one", 1), ("many", WATCHERS)):
            replier, parent = _space_with_watchers(slug, watchers)
            times, statements, told = _measure(replier, parent)
            counts.append(statements)
            p99 = statistics.quantiles(times, n=100)[98]
            lines.append(
                f"| to a thread {watchers} watch | {told} | {statistics.median(times):.1f} | "
                f"{p99:.1f} | {statements} |"
            )
        db.session.remove()
    passed = counts[0] == counts[1]
    verdict = "PASS" if passed else "FAIL"
    lines.append(f"\nStatements fixed whatever the watchers: {verdict}")
    return "\n".join(lines), passed


if __name__ == "__main__":
    table, ok = report(sys.argv[1] if len(sys.argv) > 1 else None)
    print(table)
    sys.exit(0 if ok else 1)
