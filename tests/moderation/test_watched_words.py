"""Watched words: the site's list (admins) and each space's (its staff); posts that contain one
are refused with the text kept, held, or published and flagged."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    ActionKind,
    Flag,
    FlagReason,
    ModAction,
    Post,
    PostStatus,
    QueueItem,
    QueueKind,
    QueueStatus,
    Thread,
    WatchedWord,
)
from forum.threads.services import PostingError, edit_post
from moderation.watched_words import add_watched_word
from tests.factories import first_post, reply, start_thread
from tests.support.log import mod_log
from tests.support.pages import csrf_token, form_errors, text

TITLE = "Allotment rota for spring"
BODY = "Bring gloves and a flask of tea."


@pytest.fixture
def space(staffed):
    return staffed("public")


def watch(space, phrase: str, action: str, by=None):
    word = add_watched_word(by or space.moderator, space.space if space else None, phrase, action)
    db.session.commit()
    return word


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def new_thread(client, slug: str, **fields):
    data = {"title": TITLE, "body": BODY, "identity": "pseudonym", "content_warning": ""}
    return client.submit(f"/s/{slug}/new", data | fields)


def open_item(post: Post) -> QueueItem | None:
    db.session.expire_all()
    return db.session.scalar(
        select(QueueItem).where(QueueItem.post_id == post.id, QueueItem.status == QueueStatus.OPEN)
    )


# Keeping the lists


def test_space_staff_add_and_remove_watched_words(space, sign_in):
    moderator = sign_in(space.moderator)
    url = f"/s/{space.slug}/watched-words"
    response = moderator.submit(url, {"phrase": "  Go   away ", "action": "block"})
    assert response.status_code == 302
    [word] = db.session.scalars(select(WatchedWord))
    assert (word.space_id, word.phrase, word.folded) == (space.space.id, "Go away", "go away")
    page = text(moderator.get(url))
    assert "Go away" in page and "Block" in page
    added = mod_log(space.space)[-1]
    assert added.action == ActionKind.WATCHED_WORD_ADDED and added.actor_id == space.moderator.id
    assert added.changes == {"phrase": "Go away", "action": "block"}

    response = moderator.submit(url, {}, action=f"{url}/{word.id}/remove")
    assert response.status_code == 302
    assert count(WatchedWord) == 0
    removed = mod_log(space.space)[-1]
    assert removed.action == ActionKind.WATCHED_WORD_REMOVED
    assert removed.changes == {"phrase": "Go away", "action": "block"}


def test_the_staff_tab_links_the_list(space, sign_in):
    page = text(sign_in(space.moderator).get(f"/s/{space.slug}"))
    assert f'href="/s/{space.slug}/watched-words"' in page
    assert "/watched-words" not in text(sign_in(space.member).get(f"/s/{space.slug}"))


def test_a_duplicate_after_folding_is_refused_with_the_text_kept(space, sign_in):
    watch(space, "kill", "hold")
    response = sign_in(space.moderator).submit(
        f"/s/{space.slug}/watched-words", {"phrase": "K1LL", "action": "block"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "“K1LL” is on this list already as “kill”" in form_errors(page)
    assert 'value="K1LL"' in page
    assert count(WatchedWord) == 1


def test_a_phrase_with_nothing_to_match_is_refused(space, sign_in):
    response = sign_in(space.moderator).submit(
        f"/s/{space.slug}/watched-words", {"phrase": "!!!", "action": "block"}
    )
    assert response.status_code == 400
    assert "no letters or digits" in form_errors(text(response))


def test_members_may_not_see_or_change_a_spaces_list(space, sign_in):
    watch(space, "kill", "block")
    member = sign_in(space.member)
    assert member.get(f"/s/{space.slug}/watched-words").status_code == 403
    word = db.session.scalar(select(WatchedWord))
    forced = member.post(
        f"/s/{space.slug}/watched-words/{word.id}/remove", data={"csrf_token": csrf_token(member)}
    )
    assert forced.status_code == 403
    assert count(WatchedWord) == 1


def test_a_hidden_spaces_list_is_404_to_outsiders(staffed, make_user, sign_in):
    hidden = staffed("hidden")
    outsider = sign_in(make_user("lone_outsider"))
    assert outsider.get(f"/s/{hidden.slug}/watched-words").status_code == 404


def test_a_word_of_another_space_cannot_be_removed_from_this_one(space, make_space, sign_in):
    other = make_space("other-circle", space.owner)
    word = add_watched_word(space.owner, other, "kill", "block")
    db.session.commit()
    moderator = sign_in(space.moderator)
    response = moderator.post(
        f"/s/{space.slug}/watched-words/{word.id}/remove",
        data={"csrf_token": csrf_token(moderator)},
        follow_redirects=True,
    )
    assert "not on this list" in text(response)
    assert count(WatchedWord) == 1


def test_site_admins_keep_the_site_wide_list(admin_client, admin, space, sign_in):
    page = text(admin_client.get("/admin"))
    assert 'href="/admin/watched-words"' in page
    response = admin_client.submit("/admin/watched-words", {"phrase": "scam", "action": "flag"})
    assert response.status_code == 302
    word = db.session.scalar(select(WatchedWord))
    assert word.space_id is None
    [entry] = db.session.scalars(
        select(ModAction).where(ModAction.action == ActionKind.WATCHED_WORD_ADDED)
    )
    assert entry.space_id is None and entry.changes == {"phrase": "scam", "action": "flag"}
    assert sign_in(space.moderator).get("/admin/watched-words").status_code == 403


# Screening


def test_a_blocked_word_refuses_a_new_thread_keeping_everything(space, sign_in):
    watch(space, "kill", "block")
    response = new_thread(
        sign_in(space.member),
        space.slug,
        body="I will k1ll the weeds.",
        content_warning="Gardening talk",
    )
    assert response.status_code == 400
    page = text(response)
    assert (
        "Your post contains “kill”, which is not allowed here. Nothing was posted; your text is "
        "kept below." in form_errors(page)
    )
    assert TITLE in page and "I will k1ll the weeds." in page and "Gardening talk" in page
    assert count(Thread) == 0 and count(Post) == 0


@pytest.mark.parametrize("where", ["title", "content_warning"])
def test_the_title_and_the_content_warning_are_screened_too(space, sign_in, where):
    watch(space, "kill", "block")
    response = new_thread(sign_in(space.member), space.slug, **{where: "Kill it with fire"})
    assert response.status_code == 400
    assert count(Thread) == 0


def test_a_blocked_word_refuses_a_reply_and_an_edit(space, sign_in):
    thread = start_thread(space.member, space.space, body=BODY)
    watch(space, "idiot", "block")
    client = sign_in(space.member)
    post = first_post(thread)
    response = client.submit(
        f"/p/{post.public_id}/reply", {"body": "What an 1d1ot.", "identity": "pseudonym"}
    )
    assert response.status_code == 400
    assert "“idiot”" in form_errors(text(response)) and "What an 1d1ot." in text(response)
    response = client.submit(f"/p/{post.public_id}/edit", {"body": "Edited: ІDІОТ."})
    assert response.status_code == 400
    assert "Edited: ІDІОТ." in text(response)
    db.session.expire_all()
    assert db.session.get(Post, post.id).body_source == BODY
    assert count(Post) == 1


def test_a_held_word_holds_the_post(space, sign_in):
    watch(space, "meet up", "hold")
    response = new_thread(sign_in(space.member), space.slug, body="Let us MEET-UP tonight.")
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.status == PostStatus.PENDING
    item = open_item(first_post(thread))
    assert item.kind == QueueKind.HELD
    [entry] = [e for e in mod_log(space.space) if e.action == ActionKind.POST_HELD]
    assert entry.changes == {"by": "watched_word"} and "meet up" in entry.private_note


def test_an_edit_that_adds_a_held_word_takes_a_reply_back_to_waiting(space, sign_in):
    thread = start_thread(space.owner, space.space, body=BODY)
    answer = reply(space.member, first_post(thread), "All fine.")
    watch(space, "meet up", "hold")
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).reply_count == 1
    client = sign_in(space.member)
    response = client.submit(f"/p/{answer.public_id}/edit", {"body": "Let us meet up."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, answer.id).status == PostStatus.PENDING
    assert db.session.get(Thread, thread.id).reply_count == 0
    assert open_item(answer).kind == QueueKind.HELD
    landing = text(client.get(response.headers["Location"], follow_redirects=True))
    assert "waits for a moderator's approval" in landing


def test_an_edit_keeping_a_held_word_it_had_is_not_held_again(space):
    thread = start_thread(space.member, space.space, body="Let us meet up.")
    watch(space, "meet up", "hold")
    edit_post(space.member, first_post(thread), body="Let us meet up, at six.")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).status == PostStatus.VISIBLE


def test_a_flag_word_publishes_the_post_and_queues_it(space, sign_in):
    space.space.flag_hide_threshold = 1  # watched words' flags never count towards it
    db.session.commit()
    watch(space, "cash", "flag")
    response = new_thread(sign_in(space.member), space.slug, body="Easy саsh here")
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    post = first_post(thread)
    assert post.status == PostStatus.VISIBLE
    [flag] = db.session.scalars(select(Flag))
    assert (flag.reporter_id, flag.reason, flag.note) == (None, FlagReason.WATCHED_WORD, "cash")
    assert open_item(post).kind == QueueKind.FLAGGED
    assert open_item(post).hidden is False


def test_the_strongest_action_wins(space):
    watch(space, "cash", "flag")
    watch(space, "meet up", "hold")
    watch(space, "kill", "block")
    thread = start_thread(space.member, space.space, body="cash, meet up")
    assert thread.status == PostStatus.PENDING
    assert count(Flag) == 0  # held, not also flagged
    with pytest.raises(PostingError, match="“kill”"):
        start_thread(space.member, space.space, body="cash, meet up, kill")


def test_site_wide_and_the_spaces_own_words_apply_but_not_another_spaces(
    app, space, make_space, admin
):
    app.config["RATELIMIT_NEW_THREAD_NEW_ACCOUNT"] = "5 per hour"
    other = make_space("other-circle", space.owner)
    watch(None, "scam", "hold", by=admin)
    add_watched_word(space.owner, other, "garden", "hold")
    watch(space, "allotment", "hold")
    assert start_thread(space.member, space.space, body="A scam").status == PostStatus.PENDING
    assert start_thread(space.member, space.space, body="My allotment").status == PostStatus.PENDING
    assert start_thread(space.member, space.space, body="My garden").status == PostStatus.VISIBLE


def test_staff_are_never_held_by_a_word(space):
    watch(space, "meet up", "hold")
    thread = start_thread(space.moderator, space.space, body="Let us meet up.")
    assert thread.status == PostStatus.VISIBLE


def test_the_words_are_loaded_in_one_query_whatever_their_number(space, sign_in, count_queries):
    thread = start_thread(space.owner, space.space, body=BODY)
    client = sign_in(space.member)
    url = f"/p/{first_post(thread).public_id}/reply"

    def posting_queries(body: str) -> int:
        client.get(url)
        with count_queries() as counter:
            assert client.submit(url, {"body": body, "identity": "pseudonym"}).status_code == 302
        return counter.count

    watch(space, "word0", "flag")
    posting_queries("A first reply: the member's persona is made.")
    few = posting_queries("A second reply.")
    for number in range(1, 30):
        watch(space, f"word{number}", "flag")
    assert posting_queries("A third reply.") == few
