"""Reporting posts: one report per member and post, never one's own, limited per hour; enough
reporters hide a post until a moderator decides, and nobody is ever shown who reported."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    ActionKind,
    Flag,
    FlagReason,
    PersonaSanction,
    Post,
    PostStatus,
    QueueItem,
    QueueKind,
    QueueStatus,
    Thread,
)
from forum.models.types import utcnow
from moderation import flags
from tests.factories import add_member, first_post, membership_of, reply, start_thread
from tests.support.log import mod_log
from tests.support.pages import csrf_token, form_errors, text

BODY = "Gallant marmalade opinions about the bus timetable."


@pytest.fixture
def world(staffed, make_user):
    """A public space, a thread by its member (mia_member) and a reply by another member, and
    three more members who may report."""
    space = staffed("public")
    reporters = [make_user(name) for name in ("whistle_wren", "quiet_quill", "third_tern")]
    for reporter in reporters:
        add_member(space.space, reporter)
    thread = start_thread(space.member, space.space, body=BODY)
    answer = reply(reporters[2], first_post(thread), "An answer.")
    return space, reporters, thread, answer


def report(client, post: Post, reason: str = "spam", note: str = "", **kwargs):
    return client.submit(f"/p/{post.public_id}/flag", {"reason": reason, "note": note}, **kwargs)


def flags_of(post: Post) -> list[Flag]:
    db.session.expire_all()
    return list(db.session.scalars(select(Flag).where(Flag.post_id == post.id)))


def open_item(post: Post) -> QueueItem | None:
    db.session.expire_all()
    return db.session.scalar(
        select(QueueItem).where(QueueItem.post_id == post.id, QueueItem.status == QueueStatus.OPEN)
    )


def status_of(post: Post) -> PostStatus:
    db.session.expire_all()
    return db.session.get(Post, post.id).status


def test_member_reports_a_post_and_is_thanked(world, sign_in):
    space, reporters, thread, _ = world
    post = first_post(thread)
    response = report(sign_in(reporters[0]), post, "harassment", "Targets one member.")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/{post.public_id}"
    page = text(sign_in(reporters[0]).get(response.headers["Location"], follow_redirects=True))
    [flag] = flags_of(post)
    assert (flag.reason, flag.note) == (FlagReason.HARASSMENT, "Targets one member.")
    item = open_item(post)
    assert (item.kind, item.hidden, item.space_id) == (QueueKind.FLAGGED, False, space.space.id)
    assert status_of(post) == PostStatus.VISIBLE  # one report hides nothing
    assert "Report" in page


def test_thanks_are_flashed_after_reporting(world, sign_in):
    _, reporters, thread, _ = world
    client = sign_in(reporters[0])
    response = report(client, first_post(thread), follow_redirects=True)
    assert "Thank you. The moderators will review it." in text(response)


def test_reports_of_one_post_join_its_one_open_item(world, sign_in):
    _, reporters, thread, _ = world
    post = first_post(thread)
    for reporter in reporters[:2]:
        assert report(sign_in(reporter), post).status_code == 302
    assert len(flags_of(post)) == 2
    assert db.session.scalar(select(QueueItem.id).where(QueueItem.post_id == post.id)) is not None
    assert len(list(db.session.scalars(select(QueueItem)))) == 1


def test_a_second_report_is_refused_and_changes_nothing(world, sign_in):
    _, reporters, thread, _ = world
    post = first_post(thread)
    client = sign_in(reporters[0])
    report(client, post, "spam")
    response = report(client, post, "other", "Again, louder.")
    assert response.status_code == 400
    page = text(response)
    assert "You have already reported this post." in form_errors(page)
    assert "Again, louder." in page  # the note is kept
    [flag] = flags_of(post)
    assert flag.reason == FlagReason.SPAM


def test_two_reports_at_once_make_one_flag(world, monkeypatch):
    # Both requests passed the look-up before either wrote: the unique constraint decides.
    _, reporters, thread, _ = world
    post = first_post(thread)
    flags.flag_post(reporters[0], post, "spam")
    db.session.commit()
    monkeypatch.setattr(flags, "_has_reported", lambda user, post: False)
    with pytest.raises(flags.FlagError, match="You have already reported this post."):
        flags.flag_post(reporters[0], post, "threat")
    db.session.rollback()
    assert [flag.reason for flag in flags_of(post)] == [FlagReason.SPAM]


def test_author_cannot_report_their_own_post(world, sign_in):
    space, _, thread, _ = world
    post = first_post(thread)
    author = sign_in(space.member)
    page = author.get(f"/p/{post.public_id}/flag")
    assert page.status_code == 403
    assert "You cannot report your own post." in text(page)
    forced = author.post(
        f"/p/{post.public_id}/flag",
        data={"reason": "spam", "note": "", "csrf_token": csrf_token(author)},
    )
    assert forced.status_code == 403
    assert flags_of(post) == [] and open_item(post) is None


def test_other_needs_a_note_and_a_note_has_a_limit(world, sign_in):
    _, reporters, thread, _ = world
    post = first_post(thread)
    client = sign_in(reporters[0])
    response = report(client, post, "other", "   ")
    assert response.status_code == 400
    assert "Please say in the note what is wrong with the post." in form_errors(text(response))
    long_note = "Far too long. " * 40
    response = report(client, post, "harassment", long_note)
    assert response.status_code == 400
    assert "Please keep the note under 500 characters." in form_errors(text(response))
    assert long_note.strip() in text(response)
    response = report(client, post, "watched_word", "")  # the system's reason, not a member's
    assert response.status_code == 400
    assert flags_of(post) == []


@pytest.mark.parametrize("viewer", ["outsider", "visitor-made-up"])
def test_a_post_the_viewer_may_not_read_answers_like_a_made_up_one(
    staffed, make_user, sign_in, viewer
):
    space = staffed("members")
    thread = start_thread(space.member, space.space, body=BODY)
    client = sign_in(make_user("lone_outsider"))
    real = client.get(f"/p/{first_post(thread).public_id}/flag")
    made_up = client.get("/p/aaaaaaaaaaaa/flag")
    assert real.status_code == made_up.status_code == 404
    assert real.get_data() == made_up.get_data()


def test_a_pending_post_of_someone_else_is_404(world, sign_in):
    _, reporters, thread, answer = world
    answer.status = PostStatus.PENDING
    db.session.commit()
    assert sign_in(reporters[0]).get(f"/p/{answer.public_id}/flag").status_code == 404


def test_a_visitor_is_sent_to_sign_in(world, client):
    _, _, thread, _ = world
    response = client.get(f"/p/{first_post(thread).public_id}/flag")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_non_member_of_a_public_space_may_read_but_not_report(world, make_user, sign_in):
    _, _, thread, _ = world
    response = sign_in(make_user("passer_by")).get(f"/p/{first_post(thread).public_id}/flag")
    assert response.status_code == 403
    assert "Only members of this space can do that." in text(response)


def test_a_muted_member_may_still_report(world):
    space, reporters, thread, _ = world
    membership = membership_of(space.space, reporters[0])
    membership.persona_sanction = PersonaSanction.MUTED
    membership.persona_sanction_until = utcnow() + timedelta(days=7)
    db.session.commit()
    flags.flag_post(reporters[0], first_post(thread), "spam")
    db.session.commit()
    assert len(flags_of(first_post(thread))) == 1


def test_reports_are_limited_per_hour_and_the_note_is_kept(world, app, sign_in):
    _, reporters, thread, answer = world
    app.config["RATELIMIT_FLAG"] = "1 per hour"
    client = sign_in(reporters[0])
    assert report(client, first_post(thread)).status_code == 302
    other = reply(reporters[1], first_post(thread), "Another answer.")
    response = report(client, other, "other", "It repeats an address.")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = text(response)
    assert "Members may report 1 post an hour." in form_errors(page)
    assert "It repeats an address." in page
    assert flags_of(other) == []


# Hiding at the threshold


def test_reports_from_enough_members_hide_a_post_and_its_thread(world, sign_in):
    space, reporters, thread, _ = world
    post = first_post(thread)
    for reporter in reporters[:2]:
        report(sign_in(reporter), post)
    assert status_of(post) == PostStatus.VISIBLE
    report(sign_in(reporters[2]), post)
    assert status_of(post) == PostStatus.HIDDEN
    assert db.session.get(Thread, thread.id).status == PostStatus.HIDDEN
    assert open_item(post).hidden is True
    [entry] = [e for e in mod_log(space.space) if e.action == ActionKind.POST_HIDDEN]
    assert entry.actor_id is None
    assert (entry.target_persona_id, entry.target_post_id) == (post.persona_id, post.id)
    assert entry.target_user_id is None and entry.target_membership_id is None
    assert entry.changes == {"flags": 3}
    # A fourth report joins the item and logs nothing more.
    report(sign_in(space.moderator), post)
    assert len([e for e in mod_log(space.space) if e.action == ActionKind.POST_HIDDEN]) == 1


def test_a_hidden_reply_leaves_its_thread_visible(world, sign_in):
    space, reporters, thread, answer = world
    for reporter in (*reporters[:2], space.moderator):
        report(sign_in(reporter), answer)
    assert status_of(answer) == PostStatus.HIDDEN
    assert db.session.get(Thread, thread.id).status == PostStatus.VISIBLE


def test_the_threshold_is_the_spaces_own(world, sign_in):
    space, reporters, thread, _ = world
    space.space.flag_hide_threshold = 1
    db.session.commit()
    report(sign_in(reporters[0]), first_post(thread))
    assert status_of(first_post(thread)) == PostStatus.HIDDEN


def test_dismissed_reports_do_not_count(world, sign_in):
    space, reporters, thread, _ = world
    post = first_post(thread)
    for reporter in reporters[:2]:
        report(sign_in(reporter), post)
    for flag in flags_of(post):
        flag.dismissed_at = utcnow()  # a moderator approved the post
    db.session.commit()
    report(sign_in(reporters[2]), post)
    assert status_of(post) == PostStatus.VISIBLE


def test_the_author_reads_a_hidden_post_under_review_and_others_a_placeholder(world, sign_in):
    space, reporters, thread, _ = world
    space.space.flag_hide_threshold = 1
    db.session.commit()
    report(sign_in(reporters[0]), first_post(thread))
    url = f"/s/{space.slug}/t/{thread.public_id}"
    author_page = text(sign_in(space.member).get(url))
    assert BODY in author_page
    assert "Hidden while moderators review reports about it" in author_page
    other_page = text(sign_in(reporters[1]).get(url))
    assert BODY not in other_page
    assert "[hidden while moderators review it]" in other_page


# The report link, and who is never shown


def test_a_report_link_on_every_post_the_viewer_may_report(world, sign_in, client, make_user):
    space, reporters, thread, answer = world
    post = first_post(thread)
    thread_url = f"/s/{space.slug}/t/{thread.public_id}"
    branch_url = f"{thread_url}/branch/{answer.public_id}"
    reporter_pages = [text(sign_in(reporters[0]).get(url)) for url in (thread_url, branch_url)]
    assert f'href="/p/{post.public_id}/flag"' in reporter_pages[0]
    assert f'href="/p/{answer.public_id}/flag"' in reporter_pages[0]
    assert f'href="/p/{answer.public_id}/flag"' in reporter_pages[1]
    # Not on one's own post, and not for visitors.
    author_page = text(sign_in(space.member).get(thread_url))
    assert f'href="/p/{post.public_id}/flag"' not in author_page
    assert f'href="/p/{answer.public_id}/flag"' in author_page
    assert "/flag" not in text(client.get(thread_url))
    assert "/flag" not in text(sign_in(make_user("passer_by")).get(thread_url))  # not a member
    # The permalink lands on the thread page, which carries the link.
    landing = sign_in(reporters[1]).get(f"/p/{answer.public_id}", follow_redirects=True)
    assert f'href="/p/{answer.public_id}/flag"' in text(landing)


def test_no_page_names_a_reporter(world, sign_in):
    space, reporters, thread, answer = world
    space.space.flag_hide_threshold = 2
    db.session.commit()
    post = first_post(thread)
    for reporter in reporters[:2]:
        report(sign_in(reporter), post, "other", "Please look at this.")
    urls = [
        f"/s/{space.slug}",
        f"/s/{space.slug}/t/{thread.public_id}",
        f"/p/{post.public_id}/revisions",
        f"/s/{space.slug}/mine",
        "/settings/identities",
        f"/u/{space.member.username}",
        "/",
    ]
    for viewer in (space.member, space.moderator, space.owner, reporters[2]):
        client = sign_in(viewer)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            page = text(response)
            for reporter in reporters[:2]:
                assert reporter.username not in page, (viewer.username, url)


def test_a_watched_words_flag_never_counts_towards_hiding(world, sign_in):
    space, reporters, thread, _ = world
    space.space.flag_hide_threshold = 2
    db.session.commit()
    post = first_post(thread)
    flags.flag_for_watched_words(post, ["bus timetable"])
    db.session.commit()
    report(sign_in(reporters[0]), post)
    assert len(flags_of(post)) == 2
    assert status_of(post) == PostStatus.VISIBLE
