"""Seed a large forum into a fresh database (SQLite, or PostgreSQL) with bulk inserts, as the app
would store it."""

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert

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
    Post,
    PostStatus,
    Role,
    Space,
    Thread,
    User,
    Visibility,
)
from forum.models.post import new_public_id, path_segment

MEMBER_USERNAME = "bench_member"
MEMBER_PASSWORD = "quiet lantern orchard 1987"  # noqa: S105 (a throwaway benchmark account)
BENCH_SPACE = "space-01"  # public, open, name or pseudonym: the space page the bench loads
# The public ids of the 1,000- and the 100-post threads, fixed so a reused database finds them.
BENCH_THREAD_IDS = {1: "benchthreada", 2: "benchthreadb"}
THREAD_1000_PATH = f"/s/{BENCH_SPACE}/t/{BENCH_THREAD_IDS[1]}"
THREAD_100_PATH = f"/s/{BENCH_SPACE}/t/{BENCH_THREAD_IDS[2]}"
BATCH = 20_000
# Replies beyond this fraction of a thread start a new top-level reply (a Reddit-like shape).
TOP_LEVEL_SHARE = 0.12
MAX_DEPTH = 40

BODIES = [
    "I have been thinking about this for a while. **It matters** that we can talk about it.",
    "Thank you for saying this. It took courage.\n\nI felt the same when it happened to us.",
    "A few things helped me:\n\n1. Talking to someone I trust\n2. Writing it down\n"
    "3. Taking a break from the news",
    "> What do we tell the children?\n\nThe truth, in words they can carry. There is a good "
    "guide at https://example.org/guide about this.",
    "I disagree, and I want to say why without shouting. The report says ~~one thing~~ another.",
    "Short reply: yes.",
    "| Where | When |\n|---|---|\n| Community centre | Tuesday 7pm |\n| Library | Friday 6pm |",
    "As a youth worker I see this *every week*. The `safeguarding` lead is the first call.",
]
TITLES = [
    "How do we talk about this with our neighbours?",
    "What helped you after the incident?",
    "Questions for the police liaison",
    "Resources for parents",
    "Is anyone else worried about the new policy?",
    "Meeting notes and next steps",
    "Hard conversation: where do we draw the line?",
    "Research findings, plainly explained",
]


# Words appended to every post, drawn by Zipf's law as words are in real text, so that search
# has common and rare words to find (bench/search.py): VOCABULARY[0] is in most posts, the last
# word in a few dozen. Drawn by a generator of their own, so the threads' shapes do not change.
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zu", "be", "da", "fe", "go", "hu"]
VOCABULARY_SIZE = 3_000
WORDS_PER_POST = 8


def vocabulary(rng: random.Random) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < VOCABULARY_SIZE:
        words["".join(rng.choices(SYLLABLES, k=rng.choice((3, 4))))] = None
    return list(words)


VOCABULARY = vocabulary(random.Random(7))  # noqa: S311 (test data, nothing secret)


@dataclass(frozen=True)
class Dataset:
    """What the benchmark loads: URLs of the pages, and the member account's credentials."""

    database: Path
    space_path: str
    thread_100_path: str
    thread_1000_path: str
    username: str = MEMBER_USERNAME
    password: str = MEMBER_PASSWORD


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


def tree(replies: int, rng: random.Random):
    """For each reply, the index of its parent among the thread's posts so far (0: the first)."""
    branch = [0]  # the latest post's ancestors and itself
    for number in range(replies):
        if number == 0 or rng.random() < TOP_LEVEL_SHARE:
            parent = 0
        elif len(branch) > MAX_DEPTH:
            parent = rng.choice(branch[: MAX_DEPTH // 2])
        elif rng.random() < 0.6:
            parent = branch[-1]  # one level deeper
        else:
            parent = rng.choice(branch)  # a side branch
        branch = [*branch[: branch.index(parent) + 1], number + 1]
        yield parent


def thread_sizes(threads: int, posts: int, fixed: list[int], rng: random.Random) -> list[int]:
    """Posts per thread: the fixed sizes first, the rest spread randomly to make up `posts`."""
    others = threads - len(fixed)
    left = posts - sum(fixed)
    if others < 1 or left < others:
        raise SystemExit(f"cannot spread {posts} posts over {threads} threads")
    mean = left / others
    sizes = [max(1, round(rng.uniform(0.2, 1.8) * mean)) for _ in range(others)]
    difference = left - sum(sizes)
    step = 1 if difference > 0 else -1
    for _ in range(abs(difference) * 4):  # bounded: each pass moves one post
        if difference == 0:
            break
        index = rng.randrange(others)
        if sizes[index] + step >= 1:
            sizes[index] += step
            difference -= step
    return fixed + sizes


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
        html = [markup.render(body) for body in BODIES]
        thread_rows, post_rows = [], []
        next_post = 1
        last_activity = {space["id"]: now - timedelta(days=365) for space in space_rows}
        for number, size in enumerate(sizes, 1):
            space_id = 1 if number <= 2 else (number % spaces) + 1
            space_voices = voices[space_id]
            created = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 120))
            when = created
            paths: list[tuple[int, str, int]] = []  # (id, path, depth) of this thread's posts
            for index, parent in enumerate([None, *tree(size - 1, rng)]):
                post_id = next_post
                next_post += 1
                if index and rng.random() < 0.08 and member_voices.get(space_id):
                    persona_id = rng.choice(member_voices[space_id])
                else:
                    persona_id = rng.choice(space_voices)[0]
                if parent is None:
                    parent_id, path, depth = None, path_segment(post_id), 0
                else:
                    parent_id, parent_path, parent_depth = paths[parent]
                    path, depth = parent_path + path_segment(post_id), parent_depth + 1
                paths.append((post_id, path, depth))
                body = rng.randrange(len(BODIES))
                words = " ".join(words_rng.choices(VOCABULARY, weights, k=WORDS_PER_POST))
                status = PostStatus.DELETED if index and rng.random() < 0.01 else PostStatus.VISIBLE
                post_rows.append(
                    {
                        "id": post_id,
                        "public_id": new_public_id(),
                        "thread_id": number,
                        "space_id": space_id,
                        "parent_id": parent_id,
                        "persona_id": persona_id,
                        "path": path,
                        "depth": depth,
                        "body_source": f"{BODIES[body]}\n\n{words}",
                        "body_html": f"{html[body]}<p>{words}</p>\n",
                        "render_version": markup.RENDER_VERSION,
                        "status": status,
                        "created_at": when,
                        "edited_at": when + timedelta(minutes=5) if rng.random() < 0.02 else None,
                    }
                )
                when = min(now, when + timedelta(seconds=rng.randrange(30, 3_600)))
            first_persona = post_rows[-size]["persona_id"]
            thread_rows.append(
                {
                    "id": number,
                    "public_id": BENCH_THREAD_IDS.get(number) or new_public_id(),
                    "space_id": space_id,
                    "persona_id": first_persona,
                    "title": f"{TITLES[number % len(TITLES)]} (#{number})",
                    "content_warning": "Mentions violence" if number % 13 == 5 else None,
                    "pinned": number % 97 == 3,
                    "locked": number % 89 == 7,
                    "status": PostStatus.VISIBLE,
                    "created_at": created,
                    "last_activity_at": when,
                    "reply_count": size - 1,
                }
            )
            last_activity[space_id] = max(last_activity[space_id], when)
        for space in space_rows:
            space["last_activity_at"] = last_activity[space["id"]]

        with db.engine.begin() as connection:
            for model, rows in (
                (User, user_rows),
                (Space, space_rows),
                (Membership, membership_rows),
                (Persona, persona_rows),
                (Thread, thread_rows),
                (Post, post_rows),
            ):
                for start in range(0, len(rows), BATCH):
                    connection.execute(insert(model.__table__), rows[start : start + BATCH])
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
        f"Seeded {where}: {spaces} spaces, {threads:,} threads, {len(post_rows):,} posts, "
        f"{users} users, {len(persona_rows):,} personas in {time.monotonic() - started:.1f} s"
    )
    return Dataset(
        database=database,
        space_path=f"/s/{BENCH_SPACE}",
        thread_100_path=THREAD_100_PATH,
        thread_1000_path=THREAD_1000_PATH,
    )
