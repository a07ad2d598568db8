"""A thread page holds a bounded number of posts whatever the tree's shape, and its links reach
every post: 5,000 replies to one post, a chain as deep as replies go, 5,000 top-level replies."""

import re

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post
from forum.threads import services, trees
from tests.threads import test_query_counts
from tests.threads.test_query_counts import bulk_grow, limits_off, start

people = test_query_counts.people  # the authors fixture, shared

REPLIES = 5_000
MOST_POSTS_ON_A_PAGE = trees.POSTS_PER_PAGE + trees.DEPTH_CAP
LINK = re.compile(r'<a (?:rel="next" )?href="([^"]+)">(?:Continue this thread|Later replies)')

SHAPES = {
    # Each reply's parent, by its index among the posts so far (0: the thread's first post).
    "one post with 5,000 replies": [0] + [1] * (REPLIES - 1),
    # A chain down to the deepest level a reply may take, then the rest attached there, as
    # post_reply attaches them.
    "a chain as deep as replies go": [
        number if number < services.MAX_DEPTH else services.MAX_DEPTH - 1
        for number in range(REPLIES)
    ],
    "5,000 top-level replies": [0] * REPLIES,
}


def crawl(client, url: str, count_queries) -> tuple[set[str], int]:
    """Follow every "Later replies" and "Continue this thread" link from the thread's page;
    return the posts seen and the number of pages read. Check each page's bounds on the way."""
    seen: set[str] = set()
    queue, visited = [url], set()
    while queue:
        page_url = queue.pop()
        if page_url in visited:
            continue
        visited.add(page_url)
        with count_queries() as counter:
            response = client.get(page_url)
        assert response.status_code == 200, page_url
        html = response.get_data(as_text=True)
        posts = set(re.findall(r'id="p([a-z2-7]{12})"', html))
        assert len(posts) <= MOST_POSTS_ON_A_PAGE, f"{page_url} shows {len(posts)} posts"
        for statement in counter.statements:
            if "body_html" in statement:
                # One page of replies (LIMIT), the few posts above its first one (IN), one post.
                assert re.search(r"LIMIT|path IN|posts.id = |posts.public_id = ", statement), (
                    statement
                )
        seen |= posts
        queue += [link.replace("&amp;", "&") for link in LINK.findall(html)]
    return seen, len(visited)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_page_is_bounded_and_its_links_reach_every_post(
    shape,
    space,
    people,
    member_client,
    count_queries,
):
    with limits_off():
        thread = start(space, people, 1)
    bulk_grow(thread, people, REPLIES, plan=SHAPES[shape])
    every_post = set(db.session.scalars(select(Post.public_id).where(Post.thread_id == thread.id)))
    assert len(every_post) == REPLIES + 1

    seen, pages = crawl(member_client, f"/s/{space.slug}/t/{thread.public_id}", count_queries)

    assert seen == every_post
    # No page is read for nothing: about one page per POSTS_PER_PAGE replies, plus, for the
    # chain, a branch page per DEPTH_CAP levels.
    assert pages <= REPLIES // trees.POSTS_PER_PAGE + services.MAX_DEPTH // trees.DEPTH_CAP + 2


def test_a_reply_awaiting_review_below_the_cap_is_not_hinted_at(
    space,
    people,
    member,
    member_client,
    client,
):
    with limits_off():
        thread = start(space, people, 1)
    deep = [n for n in range(trees.DEPTH_CAP + 1)]  # a chain one level past the cap
    bulk_grow(thread, [(member, "pseudonym")], len(deep), plan=deep)
    below_cap = db.session.scalar(
        select(Post).where(Post.thread_id == thread.id, Post.depth == trees.DEPTH_CAP + 1)
    )
    below_cap.status = "pending"
    db.session.commit()
    url = f"/s/{space.slug}/t/{thread.public_id}"
    # Nobody but its author and the staff learns that a reply waits below the cap.
    assert "Continue this thread" not in client.get(url).get_data(as_text=True)
    assert "Continue this thread" in member_client.get(url).get_data(as_text=True)
