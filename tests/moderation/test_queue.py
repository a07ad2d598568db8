"""The queue at /mod: who may open it, what each moderator sees, filters, order, cost, leaks."""

import pytest

from forum.models import FlagReason, Role
from tests.factories import first_post, reply, start_thread
from tests.support.pages import text
from tests.support.queue import flag_post, hold_post


@pytest.fixture
def two_spaces(staffed, make_user, add_member, make_space):
    """Space A (staffed) with a flagged post; space B, moderated by someone else, with one."""
    a = staffed("members", slug="space-a")
    b_mod = make_user("bea_mod")
    b = make_space("space-b", b_mod, "public")
    writer = make_user("wren_writer")
    add_member(b, writer)
    post_a = reply(a.member, first_post(start_thread(a.member, a.space)), body="Alpha words.")
    post_b = reply(writer, first_post(start_thread(writer, b)), body="Bravo words.")
    a.item_a = flag_post(post_a, [a.owner], reason=FlagReason.SPAM)
    a.item_b = flag_post(post_b, [b_mod], reason=FlagReason.THREAT, hide=False)
    a.b, a.b_mod, a.writer = b, b_mod, writer
    return a


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get("/mod")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_member_who_moderates_nothing_is_refused(two_spaces, sign_in):
    response = sign_in(two_spaces.member).get("/mod")
    assert response.status_code == 403
    assert "Only moderators" in text(response)


def test_a_moderator_sees_only_the_items_of_their_spaces(two_spaces, sign_in):
    page = text(sign_in(two_spaces.moderator).get("/mod"))
    assert "Alpha words." in page and "Bravo words." not in page
    other = sign_in(two_spaces.b_mod)
    assert "Bravo words." in text(other.get("/mod"))
    # Not by its address either, nor by a forged decision.
    assert other.get(f"/mod/items/{two_spaces.item_a.id}").status_code == 404
    from tests.support.pages import csrf_token

    response = other.post(
        f"/mod/items/{two_spaces.item_a.id}",
        data={"csrf_token": csrf_token(other, "/"), "decision": "approve"},
    )
    assert response.status_code == 404


def test_a_site_admin_sees_every_space(two_spaces, admin_client):
    page = text(admin_client.get("/mod"))
    assert "Alpha words." in page and "Bravo words." in page


def test_hidden_items_come_first_then_the_oldest(two_spaces, admin_client):
    page = text(admin_client.get("/mod"))
    # Alpha is hidden by flags; Bravo is older but only flagged.
    assert page.index("Alpha words.") < page.index("Bravo words.")


def test_rows_show_kind_reasons_and_counts(two_spaces, admin_client):
    page = " ".join(text(admin_client.get("/mod")).split())
    assert "1 report: Spam (1)" in page
    assert "Threat or incitement to violence (1)" in page
    assert "Hidden by reports" in page


@pytest.mark.parametrize(
    ("query", "shows_alpha", "shows_bravo"),
    [
        ("space=space-a", True, False),
        ("space=space-b", False, True),
        ("kind=flagged", True, True),
        ("kind=held", False, False),
        ("reason=threat", False, True),
        ("reason=spam", True, False),
    ],
)
def test_filters(two_spaces, admin_client, query, shows_alpha, shows_bravo):
    page = text(admin_client.get(f"/mod?{query}"))
    assert ("Alpha words." in page) == shows_alpha
    assert ("Bravo words." in page) == shows_bravo


@pytest.mark.parametrize(
    "query", ["kind=nonsense", "reason=%27;drop", "space=space-b", "space=no-such-space"]
)
def test_a_bad_filter_is_400_with_a_message_never_a_500(two_spaces, sign_in, query):
    # space-b is a real space, but not one this moderator runs.
    response = sign_in(two_spaces.moderator).get(f"/mod?{query}")
    assert response.status_code == 400
    page = text(response)
    assert "is not one of the choices" in page
    assert "Alpha words." in page and "Bravo words." not in page


def test_being_reviewed_shows_when_another_moderator_holds_an_item(
    two_spaces, sign_in, make_user, add_member
):
    other = make_user("other_mod")
    add_member(two_spaces.space, other, Role.MODERATOR)
    sign_in(other).get(f"/mod/items/{two_spaces.item_a.id}")
    assert "Being reviewed" in text(sign_in(two_spaces.moderator).get("/mod"))
    assert "Being reviewed" not in text(sign_in(other).get("/mod"))


def test_the_header_counts_waiting_items_for_moderators_only(two_spaces, sign_in, admin_client):
    assert 'Moderation <span class="badge">1<' in text(sign_in(two_spaces.moderator).get("/"))
    admin_page = text(admin_client.get("/"))
    assert 'Moderation <span class="badge">2<' in admin_page
    assert 'href="/admin"' in admin_page
    member_page = text(sign_in(two_spaces.member).get("/"))
    assert 'href="/mod"' not in member_page and 'href="/admin"' not in member_page


def test_the_header_count_agrees_with_the_policy(access_world, client_for):
    from forum.policy import Action, can
    from tests.support.access import VIEWERS

    for viewer in VIEWERS:
        if viewer == "visitor":
            continue
        user = access_world.users[viewer]
        shows_link = 'href="/mod"' in text(client_for(viewer).get("/"))
        assert shows_link == can(user, Action.VIEW_QUEUE), viewer


def _fill(thread, author, count, reporters):
    """`count` replies, alternately held and reported by every reporter (two reasons)."""
    from sqlalchemy import select

    from forum.extensions import db
    from forum.models import Post
    from tests.threads.test_query_counts import bulk_grow

    bulk_grow(thread, [(author, "pseudonym")], count, plan=[0] * count)
    replies = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.depth == 1)
    ).all()
    for n, post in enumerate(replies):
        if n % 2:
            hold_post(post)
        else:
            flag_post(post, reporters[: n % 3 + 1], reason=list(FlagReason)[n % 4], hide=False)


def test_the_queue_costs_the_same_whatever_its_items(staffed, sign_in, count_queries):
    space = staffed("public")
    moderator = sign_in(space.moderator)
    reporters = [space.owner, space.moderator, space.member]
    # Both threads first: bulk_grow() inserts posts with their ids, past PostgreSQL's sequence.
    threads = [start_thread(space.member, space.space) for _ in range(2)]
    _fill(threads[0], space.member, 2, reporters)
    moderator.get("/mod")
    with count_queries() as few:
        assert moderator.get("/mod").status_code == 200
    _fill(threads[1], space.member, 60, reporters)
    with count_queries() as many:
        assert moderator.get("/mod?page=2").status_code == 200
    assert many.count == few.count, str(many)
    assert few.count <= 8, str(few)


def test_the_queue_never_names_the_author_or_a_reporter(two_spaces, admin_client, sign_in):
    for client in (admin_client, sign_in(two_spaces.moderator)):
        page = text(client.get("/mod"))
        for name in (two_spaces.member.username, two_spaces.owner.username, "wren_writer"):
            assert name not in page
