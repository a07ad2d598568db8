"""Page cost does not grow with data: each page runs the same SQL statements at any size."""

import random
from contextlib import contextmanager

import pytest
from sqlalchemy import func, insert, select, update

from forum import identity, markup
from forum.extensions import db
from forum.limits import current_limiter
from forum.models import PersonaKind, Post, PostStatus, Space, Thread
from forum.models.post import path_segment
from forum.models.types import utcnow
from forum.spaces.membership import admit
from forum.threads import services, trees

# A page that needs more statements than this has an N+1 or a missing join somewhere. The
# thread page's 13th is its library resource's card (forum/threads/queries.resource_of).
CEILING = 13
POLICE = "Police officer"


@contextmanager
def limits_off():
    """Build data in bulk with rate limits off, then turn them on again for the measurement."""
    limiter = current_limiter()
    assert limiter.enabled, "a test left rate limits off"
    limiter.enabled = False
    try:
        yield
    finally:
        limiter.enabled = True


@pytest.fixture
def people(make_user, member, space):
    """Authors in the space: the member (the signed-in viewer), a labelled officer, others."""
    officer = make_user("officer_olu", label=POLICE)
    others = [make_user(f"poster{i}") for i in range(3)]
    for user in (officer, *others):
        admit(user, space)
    db.session.commit()
    # Named and pseudonymous voices, the viewer's own among them.
    return [
        (member, "pseudonym"),
        (officer, "named"),
        (others[0], "pseudonym"),
        (member, "named"),
        (others[1], "named"),
        (others[2], "pseudonym"),
    ]


def start(space, people, number: int) -> Thread:
    user, kind = people[number % len(people)]
    return services.start_thread(
        user,
        space,
        title=f"Thread number {number}",
        body=f"The **first** post of thread {number}.",
        kind=kind,
        content_warning="Distressing details" if number % 7 == 3 else "",
    )


def tree_plan(replies: int, seed: int):
    """For each new reply, the index of its parent among the posts so far (0: the first post).

    A new top-level reply every few posts, side branches, and now and then a chain a dozen
    levels deep, past the depth cap.
    """
    rng = random.Random(seed)  # noqa: S311 (shapes test data, nothing secret)
    branch = [0]  # the latest post's ancestors and itself
    for number in range(replies):
        in_chain = number % 40 < 12
        if number % 40 == 0 or (not in_chain and number % 4 == 0):
            parent = 0
        elif in_chain or rng.random() < 0.5:
            parent = branch[-1]  # one level deeper
        else:
            parent = rng.choice(branch)  # a side branch
        branch = [*branch[: branch.index(parent) + 1], number + 1]
        yield parent


def first_post(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))


def grow(thread: Thread, people, replies: int, seed: int = 4) -> None:
    """Add replies through the real posting service."""
    posts = [first_post(thread)]
    for number, parent in enumerate(tree_plan(replies, seed)):
        user, kind = people[number % len(people)]
        body = f"Reply {number}: _nested_ text."
        posts.append(services.post_reply(user, posts[parent], body=body, kind=kind))
    db.session.commit()


def bulk_grow(thread: Thread, people, replies: int, seed: int = 5, plan=None) -> None:
    """Add replies in one insert, with the paths, depths, HTML and counters post_reply makes.

    `plan` gives each reply's parent as tree_plan() does; by default, tree_plan()'s shape."""
    space = db.session.get(Space, thread.space_id)
    personas = [identity.persona_for(user, space, PersonaKind(kind)).id for user, kind in people]
    first = first_post(thread)
    posts = [(first.id, first.path, first.depth)]
    next_id = db.session.scalar(select(func.max(Post.id))) + 1
    body = "A reply with _Markdown_ in it."
    body_html = markup.render(body)
    now = utcnow()
    rows = []
    for number, parent in enumerate(plan or tree_plan(replies, seed)):
        parent_id, parent_path, parent_depth = posts[parent]
        post_id = next_id + number
        path = parent_path + path_segment(post_id)
        posts.append((post_id, path, parent_depth + 1))
        rows.append(
            {
                "id": post_id,
                "thread_id": thread.id,
                "space_id": thread.space_id,
                "parent_id": parent_id,
                "persona_id": personas[number % len(personas)],
                "path": path,
                "depth": parent_depth + 1,
                "body_source": body,
                "body_html": body_html,
                "render_version": markup.RENDER_VERSION,
                "status": PostStatus.VISIBLE,
                "created_at": now,
            }
        )
    db.session.execute(insert(Post), rows)
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(reply_count=Thread.reply_count + replies, last_activity_at=now)
    )
    db.session.commit()


def shape(thread: Thread) -> tuple[int, int, int]:
    """The thread's post count, its top-level replies and its deepest level."""
    posts, top, deepest = db.session.execute(
        select(
            func.count(),
            func.sum((Post.depth == 1).cast(db.Integer)),
            func.max(Post.depth),
        ).where(Post.thread_id == thread.id)
    ).one()
    return posts, top, deepest


# A member's thread page may end, after it is rendered, with one read of what the view changes
# and then one upsert of their read position and one update marking read what told them of the
# posts shown (forum/threads/reading.py): counted apart from the page's own statements.
READ_CHECKS = ("AS news_written_at", "AS notified_of_shown")
READ_UPSERT = "INSERT INTO thread_reads"
READ_WRITES = (READ_UPSERT, "UPDATE notifications")


def _records_the_read(statement: str) -> bool:
    return statement.startswith(READ_WRITES) or any(check in statement for check in READ_CHECKS)


def measure(client, count_queries, url: str):
    """The statements one GET of the page runs, after a first request warms the session."""
    assert client.get(url).status_code == 200
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    upserts = [s for s in counter.statements if s.startswith(READ_UPSERT)]
    assert len(upserts) <= 1, f"GET {url} wrote the read position twice:\n{counter}"
    for check in READ_CHECKS:
        asked = [s for s in counter.statements if check in s]
        assert len(asked) <= 1, f"GET {url} read what it changes twice:\n{counter}"
    counter.statements = [s for s in counter.statements if not _records_the_read(s)]
    assert counter.count <= CEILING, f"GET {url} ran {counter.count} statements:\n{counter}"
    return counter


def assert_same(small, large, what: str) -> None:
    assert large.count == small.count, (
        f"{what}: {small.count} statements when small, {large.count} when large.\n"
        f"small:\n{small}\n\nlarge:\n{large}"
    )


@pytest.fixture
def viewers(client, member_client):
    return {"visitor": client, "member": member_client}


def test_thread_page_runs_the_same_queries_at_10_and_500_posts(
    space, people, viewers, count_queries
):
    with limits_off():
        thread = start(space, people, 1)
        grow(thread, people, 9)
    assert shape(thread)[0] == 10
    url = f"/s/{space.slug}/t/{thread.public_id}"
    small = {name: measure(client, count_queries, url) for name, client in viewers.items()}

    bulk_grow(thread, people, 490)
    posts, top_level, deepest = shape(thread)
    assert posts == 500
    assert posts > 4 * trees.POSTS_PER_PAGE  # several pages of replies
    assert top_level > 80  # and many top-level replies
    assert deepest > trees.DEPTH_CAP + 1  # some branches continue on a page of their own

    for name, client in viewers.items():
        large = measure(client, count_queries, url)
        assert_same(small[name], large, f"thread page for a {name}")
        later = measure(client, count_queries, f"{url}?page=3")
        assert_same(small[name], later, f"page 3 of the thread for a {name}")
    # The member's page really carries their own posts, with edit and delete controls.
    page = viewers["member"].get(url).get_data(as_text=True)
    assert "badge-you" in page and "/edit" in page and "Continue this thread" in page
    assert "/flag" in page  # and a Report link on the others' posts


def test_branch_page_runs_the_same_queries_whatever_the_branch_size(
    space, people, viewers, count_queries
):
    with limits_off():
        thread = start(space, people, 1)
        grow(thread, people, 10)
        big = start(space, people, 2)
    bulk_grow(big, people, 300)
    small_top, large_top = (
        db.session.scalar(
            select(Post.public_id)
            .where(Post.thread_id == t.id, Post.depth == 1)
            .order_by(Post.path)
            .limit(1)
        )
        for t in (thread, big)
    )
    for name, client in viewers.items():
        small_url = f"/s/{space.slug}/t/{thread.public_id}/branch/{small_top}"
        large_url = f"/s/{space.slug}/t/{big.public_id}/branch/{large_top}"
        small = measure(client, count_queries, small_url)
        large = measure(client, count_queries, large_url)
        assert_same(small, large, f"branch page for a {name}")


def test_space_page_runs_the_same_queries_at_5_and_60_threads(
    space, people, viewers, count_queries
):
    with limits_off():
        for number in range(5):
            grow(start(space, people, number), people, 2)
    db.session.commit()
    url = f"/s/{space.slug}"
    small = {name: measure(client, count_queries, url) for name, client in viewers.items()}

    with limits_off():
        for number in range(5, 60):
            start(space, people, number)
        db.session.commit()
    for name, client in viewers.items():
        assert_same(small[name], measure(client, count_queries, url), f"space page for a {name}")
        later = measure(client, count_queries, f"{url}?page=2")
        assert_same(small[name], later, f"page 2 of the space for a {name}")
    # The member's rows carry what is new to them, the visitor's nothing of the kind.
    assert "badge-new" in viewers["member"].get(url).get_data(as_text=True)
    assert "badge-new" not in viewers["visitor"].get(url).get_data(as_text=True)


def test_home_runs_the_same_queries_at_5_and_60_threads(
    space, people, make_space, owner, member, viewers, count_queries
):
    others = [make_space(f"other-{i}", owner=owner, name=f"Other {i}") for i in range(3)]
    admit(member, others[0])
    db.session.commit()
    with limits_off():
        for number in range(5):
            start(space, people, number)
        db.session.commit()
    small = {name: measure(client, count_queries, "/") for name, client in viewers.items()}

    with limits_off():
        for number in range(5, 60):
            start(space, people, number)
        admit(member, others[1])
        db.session.commit()
    for name, client in viewers.items():
        assert_same(small[name], measure(client, count_queries, "/"), f"home for a {name}")
    page = viewers["member"].get("/").get_data(as_text=True)
    assert "Your spaces" in page and "badge-new" in page


def test_profile_runs_the_same_queries_at_5_and_60_named_posts(
    space, people, member, viewers, count_queries
):
    named_only = [(member, "named")]
    with limits_off():
        thread = start(space, named_only, 0)
        grow(thread, named_only, 4)
    url = f"/u/{member.username}"
    small = {name: measure(client, count_queries, url) for name, client in viewers.items()}

    bulk_grow(thread, named_only, 55)
    for name, client in viewers.items():
        assert_same(small[name], measure(client, count_queries, url), f"profile for a {name}")
        later = measure(client, count_queries, f"{url}?page=3")
        assert_same(small[name], later, f"page 3 of the profile for a {name}")
