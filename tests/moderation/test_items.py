"""An item's page: the post in context, reports without reporters, the persona's record, claims."""

import html
from datetime import timedelta

import pytest

from forum.extensions import db
from forum.models import FlagReason, IdentityMode, Post, PostStatus, QueueItem, Role
from forum.models.types import utcnow
from moderation.items import claimed_notice
from tests.factories import first_post, reply, start_thread
from tests.support.pages import csrf_token, text
from tests.support.queue import flag_post, reload


@pytest.fixture
def world(staffed, make_user, add_member, make_space):
    """A pseudonymous author, reported twice, who also writes in a second space."""
    space = staffed("members", identity_mode=IdentityMode.PSEUDONYMOUS)
    second = make_user("second_mod")
    add_member(space.space, second, Role.MODERATOR)
    reporters = [make_user("rita_reporter"), make_user("ravi_reporter")]
    for reporter in reporters:
        add_member(space.space, reporter)
    thread = start_thread(space.owner, space.space, title="Budget talk", body="Parent words here.")
    earlier = reply(space.member, first_post(thread), body="An earlier post of theirs.")
    post = reply(space.member, first_post(thread), body="The reported reply.")
    db.session.add_all([earlier, post])
    elsewhere = make_space("elsewhere", space.owner, "public")
    add_member(elsewhere, space.member)
    other_thread = start_thread(space.member, elsewhere, body="Words in another space.")
    flag_post(post, reporters[:1], reason=FlagReason.OTHER, note="Feels like a threat to me")
    item = flag_post(post, reporters[1:], reason=FlagReason.HARASSMENT)
    space.second, space.reporters, space.post, space.item = second, reporters, post, item
    space.earlier = earlier
    space.thread, space.other_handle = thread, _handle(first_post(other_thread))
    return space


def _handle(post):
    from forum.models import Persona

    return db.session.get(Persona, post.persona_id).handle


def test_the_item_shows_the_post_in_context(world, sign_in):
    page = " ".join(text(sign_in(world.moderator).get(f"/mod/items/{world.item.id}")).split())
    assert "Budget talk" in page
    assert "Parent words here." in page
    assert "The reported reply." in page
    assert "Harassment or hate" in page and "Feels like a threat to me" in page
    assert "An earlier post of theirs." in page
    assert _handle(world.post) in page


def test_the_item_links_the_post_in_its_thread_and_says_its_state_in_words(world, sign_in):
    page = sign_in(world.moderator).get(f"/mod/items/{world.item.id}").get_data(as_text=True)
    assert f'href="/p/{world.post.public_id}"' in page
    words = " ".join(html.unescape(page).split())
    assert reload(Post, world.post.id).status == PostStatus.HIDDEN  # two reports: the threshold
    assert "· hidden by reports" in words and "status:" not in words


def test_the_item_never_names_the_account_its_other_personas_or_reporters(world, sign_in):
    for client in (sign_in(world.moderator), sign_in(world.owner)):
        page = text(client.get(f"/mod/items/{world.item.id}"))
        assert world.member.username not in page
        assert f"/u/{world.member.username}" not in page
        assert world.other_handle not in page
        assert "Words in another space." not in page
        assert "elsewhere" not in page
        for reporter in world.reporters:
            assert reporter.username not in page
        assert f'"{world.member.id}"' not in page and f"user {world.member.id}" not in page


def test_opening_claims_it_and_others_see_it_being_reviewed(world, sign_in, app):
    first = sign_in(world.moderator)
    first.get(f"/mod/items/{world.item.id}")
    item = reload(QueueItem, world.item.id)
    assert item.claimed_by_id == world.moderator.id
    minutes = app.config["QUEUE_CLAIM_MINUTES"]
    assert abs(item.claimed_until - (utcnow() + timedelta(minutes=minutes))) < timedelta(minutes=1)
    other = sign_in(world.second)
    page = text(other.get(f"/mod/items/{world.item.id}"))
    assert claimed_notice(item) in page
    assert "<fieldset disabled>" in page
    assert world.moderator.username not in page
    # A forged decision during the claim is refused with the same words.
    response = other.post(
        f"/mod/items/{world.item.id}",
        data={"csrf_token": csrf_token(other, "/"), "decision": "approve"},
    )
    assert response.status_code == 409
    assert claimed_notice(item) in text(response)
    assert reload(Post, world.post.id).status == PostStatus.HIDDEN


def test_after_the_claim_lapses_another_moderator_decides(world, sign_in):
    sign_in(world.moderator).get(f"/mod/items/{world.item.id}")
    item = reload(QueueItem, world.item.id)
    item.claimed_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    other = sign_in(world.second)
    response = other.submit(
        f"/mod/items/{world.item.id}", {"decision": "approve"}, action=f"/mod/items/{world.item.id}"
    )
    assert response.status_code == 302
    assert reload(Post, world.post.id).status == PostStatus.VISIBLE


def test_a_site_admin_reads_the_queued_post_but_not_the_space_around_it(world, admin_client):
    page = text(admin_client.get(f"/mod/items/{world.item.id}"))
    assert "The reported reply." in page
    assert "Parent words here." not in page
    assert "An earlier post of theirs." not in page
    assert admin_client.get(f"/p/{world.post.public_id}").status_code == 404


def test_an_unknown_item_is_404(world, sign_in):
    assert sign_in(world.moderator).get("/mod/items/987654").status_code == 404


def test_a_member_opening_an_item_gets_404(world, sign_in):
    assert sign_in(world.reporters[0]).get(f"/mod/items/{world.item.id}").status_code == 404


def test_the_item_page_costs_the_same_whatever_its_flags_and_history(
    world, sign_in, count_queries, make_user, add_member
):
    moderator = sign_in(world.moderator)
    moderator.get(f"/mod/items/{world.item.id}")
    with count_queries() as few:
        assert moderator.get(f"/mod/items/{world.item.id}").status_code == 200
    for n in range(5):
        reporter = make_user(f"extra_reporter{n}")
        add_member(world.space, reporter)
        flag_post(world.post, [reporter], reason=FlagReason.SPAM)
    for n in range(4):
        reply(world.member, first_post(world.thread), body=f"More words {n}.")
    with count_queries() as many:
        assert moderator.get(f"/mod/items/{world.item.id}").status_code == 200
    assert many.count == few.count, str(many)


def test_earlier_decisions_are_told_in_words(world, sign_in):
    from tests.support.decisions import decide

    decide(world.second, world.earlier)  # an earlier post of the persona's, removed
    page = " ".join(text(sign_in(world.moderator).get(f"/mod/items/{world.item.id}")).split())
    earlier = page[page.index("Earlier decisions") :]
    assert "Post removed" in earlier
    assert "post_removed" not in earlier and "post removed" not in earlier
