"""The benchmark's threads: their sizes, their reply trees and their rows, as the app stores
them, made one thread at a time and inserted in batches."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert

from forum import markup
from forum.models import Post, PostStatus, Thread
from forum.models.post import new_public_id, path_segment

# The public ids of the 1,000- and the 100-post threads, fixed so a reused database finds them.
BENCH_THREAD_IDS = {1: "benchthreada", 2: "benchthreadb"}
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


@dataclass(frozen=True)
class Shape:
    """What every thread is drawn from: the spaces' voices, the clock and the random draws."""

    spaces: int
    voices: dict[int, list[tuple[int, int]]]  # space: [(persona id, user id)]
    member_voices: dict[int, list[int]]
    now: datetime
    rng: random.Random
    words_rng: random.Random
    weights: list[float]


def _threads(sizes: list[int], shape: Shape):
    """Each thread's row and its posts' rows, one thread at a time (a million posts need not
    all be in memory at once)."""
    rng, now = shape.rng, shape.now
    html = [markup.render(body) for body in BODIES]
    next_post = 1
    for number, size in enumerate(sizes, 1):
        space_id = 1 if number <= 2 else (number % shape.spaces) + 1
        space_voices = shape.voices[space_id]
        member_voices = shape.member_voices.get(space_id)
        created = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 120))
        when = created
        post_rows = []
        paths: list[tuple[int, str, int]] = []  # (id, path, depth) of this thread's posts
        for index, parent in enumerate([None, *tree(size - 1, rng)]):
            post_id = next_post
            next_post += 1
            if index and rng.random() < 0.08 and member_voices:
                persona_id = rng.choice(member_voices)
            else:
                persona_id = rng.choice(space_voices)[0]
            if parent is None:
                parent_id, path, depth = None, path_segment(post_id), 0
            else:
                parent_id, parent_path, parent_depth = paths[parent]
                path, depth = parent_path + path_segment(post_id), parent_depth + 1
            paths.append((post_id, path, depth))
            body = rng.randrange(len(BODIES))
            words = " ".join(shape.words_rng.choices(VOCABULARY, shape.weights, k=WORDS_PER_POST))
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
        thread_row = {
            "id": number,
            "public_id": BENCH_THREAD_IDS.get(number) or new_public_id(),
            "space_id": space_id,
            "persona_id": post_rows[0]["persona_id"],
            "title": f"{TITLES[number % len(TITLES)]} (#{number})",
            "content_warning": "Mentions violence" if number % 13 == 5 else None,
            "pinned": number % 97 == 3,
            "locked": number % 89 == 7,
            "status": PostStatus.VISIBLE,
            "created_at": created,
            "last_activity_at": when,
            "reply_count": size - 1,
        }
        yield thread_row, post_rows


def load_threads(connection, sizes: list[int], shape: Shape) -> int:
    """Insert the threads and their posts in batches of about BATCH posts (each batch's threads
    before its posts, for the foreign keys); return the number of posts."""
    thread_rows, post_rows, count = [], [], 0

    def flush() -> None:
        for model, rows in ((Thread, thread_rows), (Post, post_rows)):
            if rows:
                connection.execute(insert(model.__table__), rows)
            rows.clear()

    for thread_row, posts_of_thread in _threads(sizes, shape):
        thread_rows.append(thread_row)
        post_rows.extend(posts_of_thread)
        count += len(posts_of_thread)
        if len(post_rows) >= BATCH:
            flush()
    flush()
    return count
