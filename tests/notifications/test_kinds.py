"""Joining, invitations by name, a space's announced changes and what waits for staff: who is
told, what the page says, where it leads, and what it never shows."""

from datetime import timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Invitation,
    Notification,
    NotificationKind,
    Premoderation,
    ScheduledSetting,
    Visibility,
)
from forum.models.types import utcnow
from forum.notifications import queries
from forum.spaces import loosening, membership
from tests.factories import first_post, membership_of, reply, start_thread
from tests.notifications.test_replies_and_mentions import told
from tests.support.pages import csrf_token, form_errors, text
from tests.threads.test_query_counts import limits_off

MESSAGE = "Welcome aboard: read the pinned thread first."


def invite(staff_client, space, username: str):
    """Invite an account by username from the space's invitations page, as its staff would."""
    invites = f"/s/{space.slug}/invites"
    return staff_client.submit(invites, {"username": username}, action=f"{invites}/by-name")


def page_of(client) -> str:
    response = client.get("/notifications")
    assert response.status_code == 200
    return text(response)


def test_staff_are_told_of_a_request_and_the_requester_of_the_decision(
    staffed, sign_in, make_user, ask_to_join
):
    space = staffed("members")
    asker = make_user("asking_ann")
    request = ask_to_join(space.space, asker)
    assert [n.kind for n in told(space.moderator)] == [NotificationKind.JOIN_REQUEST]
    assert [n.kind for n in told(space.owner)] == [NotificationKind.JOIN_REQUEST]
    assert told(space.member) == []  # members are not staff
    staff_page = page_of(sign_in(space.moderator))
    assert f"A request to join {space.space.name} is waiting." in staff_page
    assert f"/s/{space.slug}/requests" in staff_page
    membership.decide_request(
        space.moderator, space.space, request.id, approve=True, reason=MESSAGE
    )
    db.session.commit()
    asker_page = page_of(sign_in(asker))
    assert f"Your request to join {space.space.name} was approved" in asker_page
    assert MESSAGE in asker_page
    assert space.moderator.username not in asker_page


def test_a_declined_request_says_so_with_the_reason(staffed, sign_in, make_user, ask_to_join):
    space = staffed("members")
    asker = make_user("asking_ann")
    request = ask_to_join(space.space, asker)
    membership.decide_request(
        space.owner, space.space, request.id, approve=False, reason="We are full."
    )
    db.session.commit()
    page = page_of(sign_in(asker))
    assert f"Your request to join {space.space.name} was declined." in page
    assert "We are full." in page


def test_requests_waiting_in_one_space_are_one_entry(staffed, sign_in, make_user, ask_to_join):
    space = staffed("members")
    for name in ("asking_ann", "asking_bo", "asking_cy"):
        ask_to_join(space.space, make_user(name))
    moderator = sign_in(space.moderator)
    page = page_of(moderator)
    assert f"3 requests to join {space.space.name} are waiting." in page
    assert page.count('name="also"') == 2  # marking the entry read marks all three
    newest, *others = sorted((n.id for n in told(space.moderator)), reverse=True)
    response = moderator.post(
        f"/notifications/{newest}/read",
        data={"csrf_token": csrf_token(moderator, "/notifications"), "also": others},
    )
    assert response.status_code == 302
    assert all(n.read_at is not None for n in told(space.moderator))


def test_a_busy_queue_leaves_one_unread_notification(staffed, sign_in):
    space = staffed("members", premoderation=Premoderation.ALL)
    thread = start_thread(space.moderator, space.space)
    with limits_off():
        for _ in range(4):
            reply(space.member, first_post(thread))
    assert [n.kind for n in told(space.owner)] == [NotificationKind.QUEUE_WAITING]
    page = page_of(sign_in(space.owner))
    assert f"New items wait in the moderation queue of {space.space.name}." in page
    assert 'href="/mod"' in page
    db.session.execute(db.update(Notification).values(read_at=utcnow()))
    db.session.commit()
    with limits_off():
        reply(space.member, first_post(thread))
    assert len(told(space.owner, NotificationKind.QUEUE_WAITING)) == 2  # told again once read


def test_members_are_told_when_a_loosening_is_announced_and_when_it_is_called_off(staffed, sign_in):
    space = staffed("members")
    start_thread(space.member, space.space)  # a space with posts takes notice
    change = loosening.schedule_loosening(
        space.owner, space.space, ScheduledSetting.VISIBILITY, Visibility.PUBLIC, utcnow()
    )
    db.session.commit()
    assert told(space.owner) == []  # who announced it knows
    [note] = told(space.member)
    assert note.kind == NotificationKind.SPACE_CHANGE
    member = sign_in(space.member)
    page = page_of(member)
    assert f"{space.space.name} announced a change of who can see the space" in page
    assert f'href="/s/{space.slug}"' in page
    loosening.cancel_change(space.owner, space.space, change.id)
    db.session.commit()
    assert "was called off" in page_of(member)
    assert len(told(space.moderator)) == 2


def test_an_invitation_by_name_is_accepted_from_its_notification(
    staffed, sign_in, make_user, make_space
):
    space = staffed("hidden")
    guest = make_user("guest_gil")
    staff = sign_in(space.owner)
    response = invite(staff, space.space, "Guest_Gil")
    assert response.status_code == 302
    [note] = told(guest)
    assert note.kind == NotificationKind.INVITATION
    invitee = sign_in(guest)
    page = page_of(invitee)
    assert f"The staff of {space.space.name} invited you to join it." in page
    accept = f"/invitations/{note.invitation_id}"
    assert accept in page
    assert "Ignore it" in text(invitee.get(accept))
    unticked = invitee.submit(accept, {"accept_rules": ""})
    assert unticked.status_code == 400 and "accept them" in form_errors(text(unticked))
    assert invitee.submit(accept, {"accept_rules": "y"}).status_code == 302
    assert membership_of(space.space, guest).is_active
    assert "can no longer be used" in page_of(invitee) or "already a member" in text(
        invitee.get(accept)
    )


def test_only_the_invitee_may_use_an_invitation_by_name(staffed, sign_in, make_user):
    space = staffed("hidden")
    guest = make_user("guest_gil")
    staff = sign_in(space.owner)
    invite(staff, space.space, "guest_gil")
    invitation = db.session.scalars(select(Invitation)).one()
    intruder = sign_in(space.member)
    url = f"/invitations/{invitation.id}"
    assert intruder.get(url).status_code == intruder.get("/invitations/999999").status_code == 404
    forged = intruder.post(url, data={"csrf_token": csrf_token(intruder), "accept_rules": "y"})
    assert forged.status_code == 404
    assert membership_of(space.space, guest) is None
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).use_count == 0


def test_an_unknown_username_is_a_form_error_that_keeps_the_text(staffed, sign_in, make_user):
    space = staffed("hidden")
    staff = sign_in(space.owner)
    invites = f"/s/{space.slug}/invites"
    response = invite(staff, space.space, "nobody_by_that")
    assert response.status_code == 400
    page = text(response)
    assert "There is no account with the username “nobody_by_that”" in form_errors(page)
    assert 'value="nobody_by_that"' in page
    again = invite(staff, space.space, space.member.username)
    assert again.status_code == 400 and "already a member" in form_errors(text(again))
    member = sign_in(space.member)
    forged = member.post(
        f"{invites}/by-name", data={"csrf_token": csrf_token(member), "username": "olive_owner"}
    )
    assert forged.status_code == member.get(invites).status_code  # as the page answers them
    assert db.session.scalars(select(Invitation)).all() == []


def test_an_expired_invitation_by_name_leads_nowhere(staffed, sign_in, make_user):
    space = staffed("hidden")
    guest = make_user("guest_gil")
    staff = sign_in(space.owner)
    invite(staff, space.space, "guest_gil")
    invitation = db.session.scalars(select(Invitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    invitee = sign_in(guest)
    page = page_of(invitee)
    assert "can no longer be used" in page
    assert f"/invitations/{invitation.id}" not in page
    late = invitee.post(
        f"/invitations/{invitation.id}",
        data={"csrf_token": csrf_token(invitee), "accept_rules": "y"},
    )
    assert late.status_code == 410
    assert membership_of(space.space, guest) is None


def test_every_kind_has_a_summary_without_titles_or_post_words(staffed, make_user, ask_to_join):
    space = staffed("members")
    thread = start_thread(space.member, space.space, title="A very private title")
    with limits_off():
        reply(space.moderator, first_post(thread), body=f"Secret words @{space.member.username}")
        reply(space.owner, first_post(thread), body="More secret words")
    ask_to_join(space.space, make_user("asking_ann"))
    everyone = [space.member, space.moderator, space.owner]
    for user in everyone:
        ids = [n.id for n in told(user)]
        for said in queries.told(user, ids):
            assert said.summary and space.space.name in said.summary
            for secret in ("A very private title", "Secret words", "More secret words"):
                assert secret not in said.summary
            assert said.link is None or said.link.startswith("/")


def test_marking_a_group_read_never_marks_another_persons(staffed, sign_in, make_user, ask_to_join):
    space = staffed("members")
    ask_to_join(space.space, make_user("asking_ann"))
    [mine] = told(space.moderator)
    [theirs] = told(space.owner)
    moderator = sign_in(space.moderator)
    token = csrf_token(moderator, "/notifications")
    forged = moderator.post(
        f"/notifications/{mine.id}/read", data={"csrf_token": token, "also": [theirs.id]}
    )
    assert forged.status_code == 302
    assert told(space.owner)[0].read_at is None
    assert told(space.moderator)[0].read_at is not None
    for bad in (["x"], ["9" * 40], [str(theirs.id)] * 31):
        response = moderator.post(
            f"/notifications/{mine.id}/read", data={"csrf_token": token, "also": bad}
        )
        assert response.status_code == 400
