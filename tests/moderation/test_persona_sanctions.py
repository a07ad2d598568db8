"""Mutes and bans decided on a persona: they reach the member, lapse on their own, stay hidden."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import policy
from forum.extensions import db
from forum.models import PersonaSanction, Space
from forum.models.types import utcnow
from forum.policy import Action, can
from tests.factories import first_post, membership_of, start_thread
from tests.support.pages import text


def sanction(space, user, kind, until):
    membership = membership_of(space, user)
    membership.persona_sanction = kind
    membership.persona_sanction_until = until
    membership.persona_sanction_reason = "Harassment or hate"
    db.session.commit()


def test_a_muted_member_posting_is_refused_and_keeps_their_text(staffed, sign_in):
    space = staffed("public")
    thread = start_thread(space.owner, space.space)
    sanction(space.space, space.member, PersonaSanction.MUTED, utcnow() + timedelta(days=7))
    member = sign_in(space.member)
    post = first_post(thread).public_id
    response = member.post(
        f"/p/{post}/reply",
        data={"csrf_token": _token(member), "body": "My unsent words", "identity": "pseudonym"},
    )
    assert response.status_code == 403
    page = text(response)
    assert "You are muted in this space until" in page
    assert "My unsent words" in page
    # They still read the space.
    assert member.get(f"/s/{space.slug}/t/{thread.public_id}").status_code == 200


def _token(client):
    from tests.support.pages import csrf_token

    return csrf_token(client, "/")


def test_a_lapsed_mute_stops_on_its_own(staffed):
    space = staffed("public")
    sanction(space.space, space.member, PersonaSanction.MUTED, utcnow() - timedelta(seconds=1))
    policy.forget()
    assert can(space.member, Action.START_THREAD, space.space)
    assert can(space.member, Action.LEAVE_SPACE, space.space)


def test_a_persona_ban_takes_a_closed_space_away(staffed, sign_in):
    space = staffed("members")
    thread = start_thread(space.owner, space.space)
    sanction(space.space, space.member, PersonaSanction.BANNED, None)
    member = sign_in(space.member)
    assert member.get(f"/s/{space.slug}/t/{thread.public_id}").status_code == 404
    assert "You are banned from this space" in text(member.get(f"/s/{space.slug}/new"))


def test_a_persona_ban_keeps_them_from_leaving_and_rejoining(staffed, sign_in):
    space = staffed("public")
    sanction(space.space, space.member, PersonaSanction.MUTED, utcnow() + timedelta(days=1))
    policy.forget()
    reason = policy.check(space.member, Action.LEAVE_SPACE, space.space)
    assert reason is not None and "while a moderator's mute or ban" in reason.message


@pytest.mark.parametrize(
    ("kind", "until", "reads"),
    [
        (PersonaSanction.BANNED, None, False),
        (PersonaSanction.BANNED, timedelta(days=1), False),
        (PersonaSanction.BANNED, -timedelta(seconds=1), True),
        (PersonaSanction.MUTED, None, True),
    ],
)
def test_the_sql_clauses_agree_with_the_rule(staffed, kind, until, reads):
    space = staffed("members")
    sanction(space.space, space.member, kind, None if until is None else utcnow() + until)
    policy.forget()
    assert can(space.member, Action.READ_SPACE, space.space) == reads
    readable = set(
        db.session.scalars(select(Space.id).where(policy.readable_spaces_clause(space.member)))
    )
    assert (space.space.id in readable) == reads


def test_the_roster_never_shows_a_persona_sanction(staffed, sign_in):
    space = staffed("public")
    before = text(sign_in(space.owner).get(f"/s/{space.slug}/members"))
    sanction(space.space, space.member, PersonaSanction.BANNED, None)
    after = text(sign_in(space.owner).get(f"/s/{space.slug}/members"))
    assert "Harassment or hate" not in after
    assert after.count("banned") == before.count("banned")
    assert after.count("muted") == before.count("muted")
    assert space.member.username in after


def test_mute_through_the_queue_refuses_the_next_post(staffed, sign_in):
    from tests.factories import reply
    from tests.support.queue import flag_post

    space = staffed("public")
    thread = start_thread(space.owner, space.space)
    post = reply(space.member, first_post(thread), body="Nasty.")
    item = flag_post(post, [space.owner])
    sign_in(space.moderator).submit(
        f"/mod/items/{item.id}",
        {"decision": "remove_and_mute", "reason": "harassment", "mute_days": "1"},
        action=f"/mod/items/{item.id}",
    )
    response = sign_in(space.member).get(f"/p/{first_post(thread).public_id}/reply")
    assert response.status_code == 403
    assert "You are muted in this space until" in text(response)
