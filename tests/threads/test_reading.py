"""What is new to a member: read positions, "N new" in thread lists, marks on a thread's posts."""

import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Premoderation, Role, Thread, ThreadRead
from forum.spaces.membership import leave_space
from forum.threads import trees
from forum.threads.queries import NEWS_SHOWN_UP_TO
from tests.factories import add_member, ban, first_post, grant_label, reply, start_thread
from tests.support.decisions import decide
from tests.support.pages import csrf_token
from tests.threads.test_query_counts import limits_off

NEW_IN_LIST = re.compile(r'class="badge badge-new" href="/p/([a-z2-7]{12})">(\d+) new')


@pytest.fixture
def world(make_user, make_space):
    """A public space with an owner (a moderator too), the reader and another member."""
    owner = make_user("olive_owner")
    space = make_space("talk", owner, "public")
    reader, writer = make_user("rae_reader"), make_user("wes_writer")
    add_member(space, reader)
    add_member(space, writer)
    return space, owner, reader, writer


@pytest.fixture
def reader_client(sign_in, world):
    return sign_in(world[2])


def markers(client, url: str) -> list[tuple[str, int]]:
    """The "N new" links of a thread list: (the first unread post's public id, N)."""
    page = client.get(url).get_data(as_text=True)
    return [(public_id, int(count)) for public_id, count in NEW_IN_LIST.findall(page)]


def thread_url(space, thread) -> str:
    return f"/s/{space.slug}/t/{thread.public_id}"


def positions() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ThreadRead))


def test_a_reply_shows_as_new_links_to_itself_and_clears_once_read(world, reader_client):
    space, _, reader, writer = world
    thread = start_thread(reader, space, "Where do we start?")
    reader_client.get(thread_url(space, thread))
    assert markers(reader_client, "/s/talk") == []  # their own thread, read

    answer = reply(writer, first_post(thread), "Start with listening.")
    assert markers(reader_client, "/s/talk") == [(answer.public_id, 1)]
    assert markers(reader_client, "/") == [(answer.public_id, 1)]  # recent threads too

    # The link goes through the permalink to the thread's page showing the post.
    landing = reader_client.get(f"/p/{answer.public_id}")
    assert landing.headers["Location"].endswith(f"{thread_url(space, thread)}#p{answer.public_id}")
    page = reader_client.get(thread_url(space, thread)).get_data(as_text=True)
    assert f'<a href="#p{answer.public_id}">First unread</a>' in page
    assert page.count("since your last visit") == 2  # the note, and the post's mark
    assert f'class="reply is-new" id="p{answer.public_id}"' in page

    assert markers(reader_client, "/s/talk") == []
    again = reader_client.get(thread_url(space, thread)).get_data(as_text=True)
    assert "First unread" not in again and "is-new" not in again


def test_a_thread_never_opened_is_new_when_started_after_joining(
    world, make_user, sign_in, reader_client
):
    space, owner, reader, writer = world
    before = start_thread(writer, space, "Started before the newcomer came")
    reply(owner, first_post(before))
    newcomer = make_user("nina_new")
    add_member(space, newcomer)
    after = start_thread(writer, space, "Started after")
    reply(owner, first_post(after))

    found = dict(markers(sign_in(newcomer), "/s/talk"))
    assert found == {first_post(after).public_id: 2}  # the first post and its reply
    # The reader joined before both: both are new to them.
    assert len(markers(reader_client, "/s/talk")) == 2


def test_ones_own_posts_never_count_as_new(world, reader_client):
    space, _, reader, writer = world
    thread = start_thread(writer, space)
    reader_client.get(thread_url(space, thread))
    reply(reader, first_post(thread), "Mine, under a pseudonym.")
    reply(reader, first_post(thread), "Mine, under my name.", kind="named")
    assert markers(reader_client, "/s/talk") == []


def test_held_and_removed_posts_of_others_never_count(make_user, make_space, sign_in):
    owner = make_user("olive_owner")
    space = make_space("held", owner, "public", premoderation=Premoderation.NEW_MEMBERS)
    reader, writer = make_user("rae_reader"), make_user("wes_writer")
    add_member(space, reader)
    add_member(space, writer)
    thread = start_thread(owner, space)  # staff are never held
    client = sign_in(reader)
    client.get(thread_url(space, thread))

    reply(writer, first_post(thread), "Waiting for a moderator.")  # held: a new member's
    assert markers(client, "/s/held") == []
    shown = reply(owner, first_post(thread), "Published.")
    removed = reply(owner, first_post(thread), "To be removed.")
    moderator = make_user("max_mod")
    add_member(space, moderator, Role.MODERATOR)
    decide(moderator, removed)
    # Only the published post counts, and the link never leads to the removed one.
    assert markers(client, "/s/held") == [(shown.public_id, 1)]
    page = client.get(thread_url(space, thread)).get_data(as_text=True)
    assert page.count("is-new") == 1 and f'href="#p{shown.public_id}"' in page


def test_counts_are_the_same_in_a_space_with_a_removed_post(make_user, make_space, sign_in):
    """A leak test: the marker of a space where a post was removed reads like one where it was
    never written, so a count never tells the reader that something was taken down."""
    owner, reader, moderator = (make_user(n) for n in ("olive_owner", "rae_reader", "max_mod"))
    found = {}
    for slug, removes in (("plain", False), ("removed", True)):
        space = make_space(slug, owner, "members")
        add_member(space, reader)
        add_member(space, moderator, Role.MODERATOR)
        thread = start_thread(owner, space)
        reply(owner, first_post(thread), "Kept.")
        if removes:
            decide(moderator, reply(owner, first_post(thread), "Removed."))
        found[slug] = [count for _, count in markers(sign_in(reader), f"/s/{slug}")]
    assert found["plain"] == found["removed"] == [2]


def test_visitors_and_non_members_write_nothing(world, client, make_user, sign_in, count_queries):
    space, _, _, writer = world
    thread = start_thread(writer, space)
    reply(writer, first_post(thread))
    outsider = sign_in(make_user("otto_outsider"))
    for viewer in (client, outsider):
        with count_queries() as counter:
            assert viewer.get(thread_url(space, thread)).status_code == 200
        writes = [s for s in counter.statements if not s.startswith("SELECT")]
        assert writes == [], writes
        assert "badge-new" not in viewer.get("/s/talk").get_data(as_text=True)
    assert positions() == 0


def test_a_second_view_with_nothing_new_writes_nothing(world, reader_client, count_queries):
    space, _, _, writer = world
    thread = start_thread(writer, space)
    url = thread_url(space, thread)
    with count_queries() as first:
        reader_client.get(url)
    with count_queries() as second:
        reader_client.get(url)
    upserts = [s for s in first.statements if s.startswith("INSERT INTO thread_reads")]
    assert len(upserts) == 1 and positions() == 1
    assert not [s for s in second.statements if not s.startswith("SELECT")]


def test_a_view_held_back_by_news_on_another_page_writes_nothing(
    world, reader_client, monkeypatch, count_queries
):
    space, owner, _, writer = world
    monkeypatch.setattr(trees, "POSTS_PER_PAGE", 2)
    thread = start_thread(owner, space)
    first, second = (reply(writer, first_post(thread), f"Reply {n}") for n in range(2))
    late = reply(writer, first, "A late answer to the first reply.")
    url = thread_url(space, thread)
    # Page 1 shows the first reply and the late answer; the second reply, older than the late
    # answer, is on page 2 and holds the position at the first reply.
    reader_client.get(url)
    assert markers(reader_client, "/s/talk") == [(second.public_id, 2)]
    with count_queries() as again:
        page = reader_client.get(url).get_data(as_text=True)
    assert f'class="reply is-new" id="p{late.public_id}"' in page  # still new: nothing moved
    assert [s for s in again.statements if not s.startswith("SELECT")] == []
    assert markers(reader_client, "/s/talk") == [(second.public_id, 2)]


def test_a_later_page_marks_read_only_what_it_showed(world, reader_client, monkeypatch):
    space, owner, _, writer = world
    monkeypatch.setattr(trees, "POSTS_PER_PAGE", 2)
    thread = start_thread(owner, space)
    replies = [reply(writer, first_post(thread), f"Reply {n}") for n in range(4)]

    reader_client.get(f"{thread_url(space, thread)}?page=2")  # the first post, replies 2 and 3
    # Replies 0 and 1 were not shown: they stay new, and so do 2 and 3 behind them.
    assert markers(reader_client, "/s/talk") == [(replies[0].public_id, 4)]
    reader_client.get(thread_url(space, thread))  # replies 0 and 1
    assert markers(reader_client, "/s/talk") == [(replies[2].public_id, 2)]
    reader_client.get(f"{thread_url(space, thread)}?page=2")
    assert markers(reader_client, "/s/talk") == []


def test_a_branch_marks_read_only_its_own_posts(world, reader_client):
    space, owner, _, writer = world
    thread = start_thread(owner, space)
    elsewhere = reply(writer, first_post(thread), "Another branch.")
    branch_root = reply(writer, first_post(thread), "This branch.")
    reply(owner, branch_root, "Inside the branch.")
    reader_client.get(f"{thread_url(space, thread)}/branch/{branch_root.public_id}")
    # The first post was not shown, nor the other branch: all but nothing is still new.
    assert markers(reader_client, "/s/talk") == [(first_post(thread).public_id, 4)]
    reader_client.get(thread_url(space, thread))
    assert markers(reader_client, "/s/talk") == []
    assert elsewhere  # read with the whole thread


def test_mark_all_read_clears_the_space_until_something_new_comes(world, reader_client):
    space, owner, _, writer = world
    threads = [start_thread(a, space, f"By {a.username}") for a in (writer, owner, writer)]
    assert len(markers(reader_client, "/s/talk")) == 3

    response = reader_client.post("/s/talk/read", data={"csrf_token": csrf_token(reader_client)})
    assert response.status_code == 302
    assert markers(reader_client, "/s/talk") == [] and markers(reader_client, "/") == []
    later = reply(owner, first_post(threads[1]), "After the mark.")
    assert markers(reader_client, "/s/talk") == [(later.public_id, 1)]


def test_only_members_mark_a_space_read(world, make_user, sign_in):
    outsider = sign_in(make_user("otto_outsider"))
    response = outsider.post("/s/talk/read", data={"csrf_token": csrf_token(outsider)})
    assert response.status_code == 302
    assert "Only members of this space can do that" in outsider.get("/s/talk").get_data(
        as_text=True
    )


def test_leaving_or_a_ban_takes_the_markers_away(world, sign_in, reader_client):
    space, owner, reader, writer = world
    start_thread(writer, space)
    assert markers(reader_client, "/s/talk")
    writer_client = sign_in(writer)
    assert markers(writer_client, "/s/talk") == []  # their own thread

    leave_space(reader, space)
    db.session.commit()
    assert markers(reader_client, "/s/talk") == []  # a reader of a public space, no member
    assert "Your spaces" not in reader_client.get("/").get_data(as_text=True)

    other = start_thread(owner, space)
    ban(space, writer, by=owner)
    assert markers(writer_client, "/s/talk") == []
    writer_client.get(thread_url(space, other))
    assert db.session.scalar(select(func.count()).select_from(ThreadRead)) == 0


def test_your_spaces_lists_the_members_spaces_with_their_news(
    world, make_space, client, reader_client
):
    space, owner, reader, writer = world
    closed = make_space("circle", owner, "members", name="The Circle")
    add_member(closed, reader)
    make_space("elsewhere", owner, "public", name="Elsewhere")  # not theirs
    start_thread(writer, space)
    start_thread(writer, space, "A second one")

    page = reader_client.get("/").get_data(as_text=True)
    yours = page.split('id="your-spaces-title"')[1].split("</section>")[0]
    assert "2 threads with new posts" in yours and "The Circle" in yours
    assert "nothing new" in yours and "Elsewhere" not in yours
    assert "Your spaces" not in client.get("/").get_data(as_text=True)


def test_your_spaces_counts_news_up_to_a_bound_and_then_says_so(world, reader_client):
    space, owner, reader, writer = world
    with limits_off():
        for number in range(NEWS_SHOWN_UP_TO + 1):
            start_thread(writer, space, f"Thread {number}")

    page = reader_client.get("/").get_data(as_text=True)
    yours = page.split('id="your-spaces-title"')[1].split("</section>")[0]
    assert f"{NEWS_SHOWN_UP_TO}+ threads with new posts" in yours

    for thread in db.session.scalars(select(Thread).where(Thread.title.like("Thread %")).limit(2)):
        reader_client.get(thread_url(space, thread))
    page = reader_client.get("/").get_data(as_text=True)
    assert f"{NEWS_SHOWN_UP_TO - 1} threads with new posts" in page  # below it: exact again


def your_spaces(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page.split('id="your-spaces-title"')[1].split("</section>")[0]


def test_your_spaces_counts_only_what_the_space_page_marks_new(make_user, make_space, sign_in):
    """The front page's count (the member's membership joined once per space) agrees with the
    space page's markers: own posts, held and removed ones, and threads started before the
    member joined and never opened count for neither."""
    with limits_off():  # new accounts start few threads an hour
        owner = make_user("olive_owner")
        space = make_space("held", owner, "public", premoderation=Premoderation.NEW_MEMBERS)
        writer, moderator = make_user("wes_writer"), make_user("max_mod")
        add_member(space, writer)
        add_member(space, moderator, Role.MODERATOR)
        before = start_thread(owner, space, "Started before the reader joined")  # never opened
        reader = make_user("rae_reader")
        add_member(space, reader)
        client = sign_in(reader)
        start_thread(reader, space, "Their own")  # held too: a new member's
        held = start_thread(owner, space, "Only a held reply since")
        removed = start_thread(owner, space, "Only a removed reply since")
        for thread in (held, removed):
            client.get(thread_url(space, thread))
        reply(writer, first_post(held), "Waiting for a moderator.")  # held: a new member's
        decide(moderator, reply(owner, first_post(removed), "To be removed."))
        news = start_thread(owner, space, "Started after the reader joined")  # never opened
    assert {public_id for public_id, _ in markers(client, "/s/held")} == {
        first_post(news).public_id
    }
    assert "1 thread with new posts" in your_spaces(client)

    client.get(thread_url(space, news))
    assert "nothing new" in your_spaces(client)
    with limits_off():
        reply(owner, first_post(before), "A reply to a thread from before they came.")
    # Never opened and started before they joined: nothing in it is new to them, anywhere.
    assert markers(client, "/s/held") == [] and "nothing new" in your_spaces(client)
    client.get(thread_url(space, before))  # opened now: what comes next is new
    with limits_off():
        reply(owner, first_post(before), "After their visit.")
    assert "1 thread with new posts" in your_spaces(client)


def test_your_spaces_leaves_out_a_space_the_members_label_no_longer_opens(
    make_user, make_space, sign_in
):
    owner = make_user("olive_owner", label="police")
    space = make_space("liaison", owner, "public", required_label="police")
    officer = make_user("pat_officer", label="police")
    add_member(space, officer)
    start_thread(owner, space, "News for the officers")
    client = sign_in(officer)
    assert "1 thread with new posts" in your_spaces(client)

    grant_label(officer, None)  # revoked: the membership no longer grants access
    page = client.get("/").get_data(as_text=True)
    assert 'id="your-spaces-title"' not in page
    assert "your verified label no longer lets you in" in page


def test_your_spaces_after_mark_all_read_counts_nothing_from_before(world, reader_client):
    """Mark all read, then one's own reply makes the thread active again: the older posts,
    new to members who never marked the space read, stay read for this one."""
    space, owner, reader, writer = world
    thread = start_thread(writer, space)
    reply(owner, first_post(thread), "Before marking read.")
    reader_client.post("/s/talk/read", data={"csrf_token": csrf_token(reader_client, "/s/talk")})
    assert "nothing new" in your_spaces(reader_client)
    reply(reader, first_post(thread), "Their own, after marking read.")
    assert "nothing new" in your_spaces(reader_client)
    assert markers(reader_client, "/s/talk") == []
