"""Seed a large forum into a fresh database (SQLite, or PostgreSQL) with bulk inserts, as the app
would store it."""

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, insert, select, update

from bench.bulk import bulk_load
from bench.threads import (  # noqa: F401 (VOCABULARY: bench.search reads it from here)
    BATCH,
    BENCH_THREAD_IDS,
    TITLES,
    VOCABULARY,
    Shape,
    load_threads,
    thread_sizes,
)
from forum import create_app, identity, markup
from forum import labels as forum_labels
from forum.accounts import services as accounts
from forum.extensions import db
from forum.models import (
    IdentityMode,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Persona,
    PersonaKind,
    Role,
    Space,
    Thread,
    User,
    Visibility,
)

MEMBER_USERNAME = "bench_member"
MEMBER_PASSWORD = "quiet lantern orchard 1987"  # noqa: S105 (a throwaway benchmark account)
BENCH_SPACE = "space-01"  # public, open, name or pseudonym: the space page the bench loads
THREAD_1000_PATH = f"/s/{BENCH_SPACE}/t/{BENCH_THREAD_IDS[1]}"
THREAD_100_PATH = f"/s/{BENCH_SPACE}/t/{BENCH_THREAD_IDS[2]}"


@dataclass(frozen=True)
class Dataset:
    """What the benchmark loads: URLs of the pages, and the member account's credentials."""

    database: Path
    space_path: str
    thread_100_path: str
    thread_1000_path: str
    username: str = MEMBER_USERNAME
    password: str = MEMBER_PASSWORD
    postgres_url: str | None = None  # when set, the data is there, not in `database`

    @property
    def target(self) -> Path | str:
        """What `bench_app` is given: the SQLite file, or the PostgreSQL database's URL."""
        return self.postgres_url or self.database

    @property
    def url(self) -> str:
        return self.postgres_url or f"sqlite:///{self.database}"


def _writes_without_waiting_for_the_disk(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def bench_app(database: Path | str):
    """The app on the benchmark's SQLite file, or on the database a URL names."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
        }
    )


def seed(
    database: Path,
    *,
    spaces: int = 20,
    threads: int = 2_000,
    posts: int = 100_000,
    users: int = 400,
    seed_value: int = 2026,
    url: str | None = None,
) -> Dataset:
    """Make a fresh database at `database` (or, given a URL, empty that database: PostgreSQL)
    and fill it; return what the benchmark loads."""
    started = time.monotonic()
    database = database.resolve()
    rng = random.Random(seed_value)  # noqa: S311 (test data, nothing secret)
    words_rng = random.Random(seed_value + 1)  # noqa: S311
    weights = [1 / rank for rank in range(1, len(VOCABULARY) + 1)]
    database.parent.mkdir(parents=True, exist_ok=True)
    if url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)

    app = bench_app(url or database)
    with app.app_context():
        if url is not None:
            db.drop_all()
        db.create_all()
        if url is None:
            # The bulk inserts need not wait for the disk: the data is made anew on every run.
            # A connection setting, set outside any transaction, on every connection opened.
            event.listen(db.engine, "connect", _writes_without_waiting_for_the_disk)
        db.engine.dispose()

        # The member who signs in, through the real registration service.
        member = accounts.register_user(MEMBER_USERNAME, MEMBER_PASSWORD).user
        db.session.commit()
        member_id = member.id
        password_hash = member.password_hash  # nobody signs in as the others
        now = datetime.now(UTC).replace(microsecond=0)

        listed = ["Police officer", "Researcher", "Youth worker"]
        for name in listed:  # the list of labels accounts hold, through the real service
            forum_labels.add_label(name)
        db.session.commit()
        labels = [None] * 8 + listed
        user_rows = [
            {
                "id": member_id + number,
                "username": f"person{number:04d}",
                "username_key": f"person{number:04d}",
                "password_hash": password_hash,
                "label": labels[number % len(labels)],
                "created_at": now - timedelta(days=400),
            }
            for number in range(1, users)
        ]
        usernames = {row["id"]: row["username"] for row in user_rows}
        usernames[member_id] = MEMBER_USERNAME
        others = [row["id"] for row in user_rows]

        modes = [IdentityMode.CHOICE, IdentityMode.PSEUDONYMOUS, IdentityMode.NAMED]
        space_rows = []
        for number in range(1, spaces + 1):
            visibility = Visibility.PUBLIC
            if number % 7 == 0:
                visibility = Visibility.MEMBERS
            elif number % 10 == 9:
                visibility = Visibility.HIDDEN
            rules = "1. Be kind.\n2. No names of third parties.\n3. Report, don't reply."
            space_rows.append(
                {
                    "id": number,
                    "slug": f"space-{number:02d}",
                    "name": f"Space {number:02d}: {TITLES[number % len(TITLES)][:40]}",
                    "description": "A place to talk about hard things, with care.",
                    "rules": rules,
                    "rules_html": markup.render(rules),
                    "rules_version": 1,
                    "visibility": visibility,
                    "join_policy": JoinPolicy.INVITE
                    if visibility == Visibility.HIDDEN
                    else JoinPolicy.OPEN,
                    "identity_mode": modes[0] if number == 1 else modes[number % 3],
                    "created_at": now - timedelta(days=365),
                    "last_activity_at": now,
                }
            )

        # Members and their personas: the bench member belongs everywhere.
        membership_rows, persona_rows = [], []
        voices: dict[int, list[tuple[int, int]]] = {}  # space: [(persona id, user id)]
        member_voices: dict[int, list[int]] = {}
        for space in space_rows:
            people = [member_id, *rng.sample(others, k=min(120, len(others)))]
            space["member_count"] = len(people)
            kinds = identity.allowed_kinds(Space(identity_mode=space["identity_mode"]))
            handles: set[str] = set()
            voices[space["id"]] = []
            for user_id in people:
                membership_rows.append(
                    {
                        "user_id": user_id,
                        "space_id": space["id"],
                        "role": Role.OWNER if user_id == people[1] else Role.MEMBER,
                        "status": MembershipStatus.ACTIVE,
                        "rules_version_accepted": 1,
                        "joined_at": now - timedelta(days=300),
                    }
                )
                for kind in kinds:
                    handle = usernames[user_id]
                    if kind == PersonaKind.PSEUDONYM:
                        for _ in range(50):
                            handle = identity.random_handle()
                            if handle not in handles:
                                break
                    handles.add(handle)
                    persona_id = len(persona_rows) + 1
                    persona_rows.append(
                        {
                            "id": persona_id,
                            "space_id": space["id"],
                            "user_id": user_id,
                            "kind": kind,
                            "handle": handle,
                            "created_at": now - timedelta(days=300),
                        }
                    )
                    voices[space["id"]].append((persona_id, user_id))
                    if user_id == member_id:
                        member_voices.setdefault(space["id"], []).append(persona_id)

        # Threads: the 1,000- and 100-post threads are in the bench space.
        sizes = thread_sizes(threads, posts, [1_000, 100], rng)
        shape = Shape(spaces, voices, member_voices, now, rng, words_rng, weights)
        with db.engine.begin() as connection:
            for model, rows in (
                (User, user_rows),
                (Space, space_rows),
                (Membership, membership_rows),
                (Persona, persona_rows),
            ):
                for start in range(0, len(rows), BATCH):
                    connection.execute(insert(model.__table__), rows[start : start + BATCH])
            with bulk_load(connection):
                post_count = load_threads(connection, sizes, shape)
                loaded = time.monotonic()
            indexed = time.monotonic()
            # A space's last activity is its latest thread's (a year ago when it has none).
            connection.execute(
                update(Space.__table__).values(
                    last_activity_at=func.coalesce(
                        select(func.max(Thread.last_activity_at))
                        .where(Thread.space_id == Space.id)
                        .scalar_subquery(),
                        now - timedelta(days=365),
                    )
                )
            )
        raw = db.engine.raw_connection()
        if url is None:
            # Outside any transaction, where SQLite allows it: fold the WAL into the file.
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            raw.driver_connection.autocommit = True
            raw.driver_connection.execute("VACUUM ANALYZE")  # statistics for the planner
        raw.close()
        db.session.remove()
        db.engine.dispose()

    where = "PostgreSQL" if url else database.name
    print(
        f"Seeded {where}: {spaces} spaces, {threads:,} threads, {post_count:,} posts, "
        f"{users} users, {len(persona_rows):,} personas in {time.monotonic() - started:.1f} s "
        f"(rows {loaded - started:.0f} s, indexes and search documents {indexed - loaded:.0f} s, "
        f"commit and statistics {time.monotonic() - indexed:.0f} s)"
    )
    return Dataset(
        database=database,
        space_path=f"/s/{BENCH_SPACE}",
        thread_100_path=THREAD_100_PATH,
        thread_1000_path=THREAD_1000_PATH,
        postgres_url=url,
    )
