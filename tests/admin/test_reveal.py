"""The break-glass reveal: an admin asks with a reason, a second admin decides, only the asker
sees the one account, and the space's mod log and the person behind the pseudonym are told."""

from dataclasses import dataclass
from urllib.parse import quote_plus

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    ActionKind,
    ModAction,
    Notification,
    Persona,
    PersonaKind,
    QueueItem,
    RevealRequest,
    RevealStatus,
    Space,
    User,
)
from tests.factories import first_post, reply, start_thread
from tests.support.concurrency import post_at_once
from tests.support.pages import csrf_token, form_errors, text
from tests.support.queue import flag_post

REASON = "Credible threat against a named school; police asked us to identify the writer."
NOTE = "Agreed: the threat is specific and the police request is on file."
EMAIL = "mia.private@example.org"


@dataclass
class Scene:
    space: Space
    member: User  # writes under the pseudonym `handle`
    reader: User  # another member, who reads the space's mod log
    moderator: User
    handle: str
    elsewhere: Space  # where the member has another pseudonym
    asker: User
    second: User
    third: User


@pytest.fixture
def scene(staffed, make_user, make_space, add_member) -> Scene:
    space = staffed("members", name="Harbour Listening Circle")
    member = db.session.get(User, space.member.id)
    member.email = EMAIL
    db.session.commit()
    thread = start_thread(space.owner, space.space, kind="named")
    worrying = reply(member, first_post(thread), body="Words that worried the moderators.")
    flag_post(worrying, [space.owner], hide=False)
    # The member's pseudonym in another space: nothing of it may show on a reveal.
    add_member(space.space, make_user("rhea_reader"))
    elsewhere = make_space("elsewhere", space.owner, "public", name="Other Garden")
    add_member(elsewhere, member)
    reply(member, first_post(start_thread(space.owner, elsewhere, kind="named")))
    return Scene(
        space=space.space,
        member=member,
        reader=db.session.scalar(select(User).where(User.username == "rhea_reader")),
        moderator=space.moderator,
        handle=pseudonym_of(member, space.space).handle,
        elsewhere=elsewhere,
        asker=make_user("ada_asks", is_admin=True),
        second=make_user("bea_second", is_admin=True),
        third=make_user("cy_third", is_admin=True),
    )


def pseudonym_of(user: User, space: Space) -> Persona:
    return db.session.scalar(
        select(Persona).where(
            Persona.user_id == user.id,
            Persona.space_id == space.id,
            Persona.kind == PersonaKind.PSEUDONYM,
        )
    )


def ask(client, slug: str, handle: str, reason: str = REASON):
    data = {"space": slug, "handle": handle, "reason": reason}
    return client.submit("/admin/reveals", data, action="/admin/reveals")


def decide(client, request_id: int, decision: str = "approve", note: str = NOTE):
    page = f"/admin/reveals/{request_id}"
    return client.submit(page, {"decision": decision, "note": note}, action=page)


def forced_decision(client, request_id: int, decision: str = "approve", note: str = NOTE):
    """The decision as an attacker sends it, with a valid token, whatever the page offers."""
    data = {"csrf_token": csrf_token(client, "/"), "decision": decision, "note": note}
    return client.post(f"/admin/reveals/{request_id}", data=data)


def the_request() -> RevealRequest:
    db.session.rollback()  # a fresh read: what the requests committed
    return db.session.scalars(select(RevealRequest)).one()


def reveal_entries() -> list[ModAction]:
    db.session.rollback()  # a fresh read: what the requests committed
    kinds = [ActionKind.REVEAL_REQUESTED, ActionKind.REVEAL_APPROVED, ActionKind.REVEAL_REFUSED]
    return list(
        db.session.scalars(
            select(ModAction).where(ModAction.action.in_(kinds)).order_by(ModAction.id)
        )
    )


def notifications_of(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id)
    )


def state() -> tuple:
    """Everything a reveal's steps change."""
    db.session.rollback()  # a fresh read: what the requests committed
    requests = db.session.execute(
        select(RevealRequest.id, RevealRequest.status, RevealRequest.decided_by_id)
    ).all()
    return (
        requests,
        db.session.scalar(select(func.count()).select_from(ModAction)),
        db.session.scalar(select(func.count()).select_from(Notification)),
    )


@pytest.fixture
def asked(scene, sign_in) -> RevealRequest:
    response = ask(sign_in(scene.asker), scene.space.slug, scene.handle)
    assert response.status_code == 302, form_errors(text(response))
    return the_request()


# Who may use the reveal's pages


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_only_site_admins_reach_the_reveal_pages(scene, asked, sign_in, who):
    client = sign_in(getattr(scene, who))
    before = state()
    for path in ("/admin/reveals", f"/admin/reveals/{asked.id}", "/admin/reveals/987654"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/")
    attacks = [
        ("/admin/reveals", {"space": scene.space.slug, "handle": scene.handle, "reason": REASON}),
        (f"/admin/reveals/{asked.id}", {"decision": "approve", "note": NOTE}),
    ]
    for path, data in attacks:
        assert client.post(path, data={"csrf_token": token, **data}).status_code == 403
    assert state() == before


def test_the_admin_page_links_to_the_reveal_requests(scene, sign_in):
    page = text(sign_in(scene.asker).get("/admin"))
    assert '<a href="/admin/reveals">Reveal requests</a>' in page


def test_a_forged_request_without_a_csrf_token_changes_nothing(scene, asked, sign_in):
    client = sign_in(scene.second)
    before = state()
    forged = [
        ("/admin/reveals", {"space": scene.space.slug, "handle": scene.handle, "reason": REASON}),
        (f"/admin/reveals/{asked.id}", {"decision": "approve", "note": NOTE}),
    ]
    for path, data in forged:
        for token in ({}, {"csrf_token": "forged-by-another-site"}):
            assert client.post(path, data={**data, **token}).status_code == 400
    assert state() == before


# Asking


def test_an_admin_asks_and_the_space_log_names_the_handle_and_reason_only(scene, asked, sign_in):
    assert asked.status == RevealStatus.PENDING
    assert asked.requested_by_id == scene.asker.id and asked.reason == REASON
    [entry] = reveal_entries()
    assert entry.action == ActionKind.REVEAL_REQUESTED and entry.space_id == scene.space.id
    assert entry.target_persona_id == pseudonym_of(scene.member, scene.space).id
    assert entry.target_user_id is None and entry.public_reason == REASON
    listing = text(sign_in(scene.second).get("/admin/reveals"))
    for shown in (scene.space.name, scene.handle, scene.asker.username, REASON, "Waiting"):
        assert shown in listing
    assert scene.member.username not in listing
    # Members read it in the space's log: the handle and the reason, never an account.
    log = text(sign_in(scene.reader).get(f"/s/{scene.space.slug}/modlog"))
    assert scene.handle in log and REASON in log and "a site admin" in log
    assert scene.asker.username not in log and scene.member.username not in log


def test_a_link_fills_the_form_in_for_the_pseudonym(scene, sign_in):
    handle = pseudonym_of(scene.member, scene.elsewhere).handle
    query = {"space": scene.elsewhere.slug, "handle": handle}
    page = text(sign_in(scene.asker).get("/admin/reveals", query_string=query))
    assert f'<option selected value="{scene.elsewhere.slug}"' in page
    assert f'value="{handle}"' in page


def test_the_moderation_item_links_site_admins_to_the_filled_in_form(scene, sign_in):
    [item_id] = db.session.scalars(select(QueueItem.id)).all()
    link = f"/admin/reveals?space={scene.space.slug}&amp;handle={quote_plus(scene.handle)}"
    assert link in sign_in(scene.asker).get(f"/mod/items/{item_id}").get_data(as_text=True)
    moderators_page = sign_in(scene.moderator).get(f"/mod/items/{item_id}")
    assert moderators_page.status_code == 200 and "/admin/reveals" not in text(moderators_page)


@pytest.mark.parametrize(
    ("handle", "reason", "refusal"),
    [
        ("Nobody Here 99", REASON, "There is no pseudonym “Nobody Here 99” in Harbour Listening"),
        ("olive_owner", REASON, "That is a username, not a pseudonym: there is nothing to reveal."),
        ("{handle}", "", "Please write why"),
        ("{handle}", "x" * 501, "Please keep the reason under 500 characters."),
    ],
)
def test_a_refused_request_says_why_and_keeps_what_was_typed(
    scene, sign_in, handle, reason, refusal
):
    handle = handle.format(handle=scene.handle)
    before = state()
    response = ask(sign_in(scene.asker), scene.space.slug, handle, reason)
    assert response.status_code == 400
    page = text(response)
    assert refusal in form_errors(page)
    assert f'value="{handle}"' in page and reason in page
    assert f'<option selected value="{scene.space.slug}"' in page
    assert state() == before


def test_one_pending_request_per_pseudonym(scene, asked, sign_in):
    before = state()
    response = ask(sign_in(scene.third), scene.space.slug, scene.handle, "Another reason.")
    assert response.status_code == 409
    assert "already waiting for a decision" in form_errors(text(response))
    assert "Another reason." in text(response)
    assert state() == before


# Deciding


def test_the_asker_cannot_approve_their_own_request(scene, asked, sign_in):
    client = sign_in(scene.asker)
    page = text(client.get(f"/admin/reveals/{asked.id}"))
    assert "A second, different site admin must decide" in page
    assert 'name="decision"' not in page
    before = state()
    response = forced_decision(client, asked.id)
    assert response.status_code == 403
    assert state() == before
    assert scene.member.username not in text(client.get(f"/admin/reveals/{asked.id}"))


def test_on_a_one_admin_site_the_asker_may_approve(app, scene, asked, sign_in):
    app.config["REVEAL_WITHOUT_SECOND_ADMIN"] = True
    client = sign_in(scene.asker)
    assert decide(client, asked.id).status_code == 302
    assert the_request().status == RevealStatus.APPROVED
    assert scene.member.username in text(client.get(f"/admin/reveals/{asked.id}"))


def test_a_second_admin_approves_and_only_the_asker_sees_the_username(scene, asked, sign_in):
    approver = sign_in(scene.second)
    response = decide(approver, asked.id)
    assert response.status_code == 302
    decided = the_request()
    assert decided.status == RevealStatus.APPROVED and decided.decided_by_id == scene.second.id
    page = f"/admin/reveals/{asked.id}"

    shown = sign_in(scene.asker).get(page)
    assert shown.headers["Cache-Control"] == "no-store"
    assert scene.member.username in text(shown)
    # That one account's username, and nothing else of it.
    other_pseudonym = pseudonym_of(scene.member, scene.elsewhere)
    assert EMAIL not in text(shown) and other_pseudonym.handle not in text(shown)

    for admin in (approver, sign_in(scene.third)):
        for path in (page, "/admin/reveals"):
            seen = admin.get(path)
            assert seen.status_code == 200
            assert scene.member.username not in text(seen), path
        assert "Approved" in text(admin.get(page))

    [_, entry] = reveal_entries()
    assert entry.action == ActionKind.REVEAL_APPROVED and entry.public_reason == NOTE
    assert entry.target_user_id is None and entry.space_id == scene.space.id


def test_a_refusal_shows_nobody_the_account_and_tells_nobody(scene, asked, sign_in):
    response = decide(sign_in(scene.second), asked.id, "refuse", "Not enough to go on.")
    assert response.status_code == 302
    assert the_request().status == RevealStatus.REFUSED
    assert scene.member.username not in text(sign_in(scene.asker).get(f"/admin/reveals/{asked.id}"))
    [_, entry] = reveal_entries()
    assert (
        entry.action == ActionKind.REVEAL_REFUSED and entry.public_reason == "Not enough to go on."
    )
    assert notifications_of(scene.member) == 0
    log = text(sign_in(scene.reader).get(f"/s/{scene.space.slug}/modlog"))
    assert "Reveal refused" in log and "Not enough to go on." in log


def test_a_decided_request_answers_already_decided_and_changes_nothing(scene, asked, sign_in):
    assert decide(sign_in(scene.second), asked.id).status_code == 302
    before = state()
    response = forced_decision(sign_in(scene.third), asked.id, "refuse", "Too late.")
    assert response.status_code == 409
    assert "already decided" in text(response)
    assert state() == before


def test_a_decision_needs_a_note_and_keeps_it_on_error(scene, asked, sign_in):
    before = state()
    response = decide(sign_in(scene.second), asked.id, "", "My half-written note")
    assert response.status_code == 400
    assert "Please choose to approve or to refuse." in text(response)
    assert "My half-written note" in text(response)
    response = decide(sign_in(scene.second), asked.id, "approve", "")
    assert response.status_code == 400 and "Please write why" in text(response)
    assert state() == before


def test_an_admin_behind_the_pseudonym_cannot_decide_about_it(scene, sign_in, add_member):
    add_member(scene.space, scene.third)
    reply(scene.third, first_post(start_thread(scene.member, scene.space, kind="named")))
    handle = pseudonym_of(scene.third, scene.space).handle
    assert ask(sign_in(scene.asker), scene.space.slug, handle).status_code == 302
    request = the_request()
    before = state()
    response = forced_decision(sign_in(scene.third), request.id, "refuse", "Leave it.")
    assert response.status_code == 403
    assert state() == before


def test_two_concurrent_decisions_settle_once(scene, asked, sign_in):
    clients = [sign_in(scene.second), sign_in(scene.third)]
    tokens = [csrf_token(client, "/") for client in clients]
    choices = [{"decision": "approve", "note": NOTE}, {"decision": "refuse", "note": "No."}]
    forms = [{"csrf_token": token, **choice} for token, choice in zip(tokens, choices, strict=True)]
    statuses = post_at_once(clients, f"/admin/reveals/{asked.id}", forms)
    assert sorted(statuses) == [302, 409]
    winner = statuses.index(302)
    decided = the_request()
    assert decided.status == (RevealStatus.APPROVED if winner == 0 else RevealStatus.REFUSED)
    assert decided.decided_by_id == (scene.second, scene.third)[winner].id
    assert len(reveal_entries()) == 2  # the request, and one decision
    assert notifications_of(scene.member) == (1 if winner == 0 else 0)


# Telling the person behind the pseudonym


def test_the_person_behind_the_pseudonym_is_told_why_but_not_by_whom(scene, asked, sign_in):
    decide(sign_in(scene.second), asked.id)
    assert notifications_of(scene.member) == 1
    page = text(sign_in(scene.member).get("/notifications"))
    assert (
        f"Your pseudonym {scene.handle} in {scene.space.name} was revealed to a site admin." in page
    )
    assert f'Reason: <q dir="auto">{REASON}</q>' in page
    for admin in (scene.asker, scene.second):
        assert admin.username not in page


def test_the_log_says_a_site_admin_even_where_moderators_are_named(scene, asked, sign_in):
    space = db.session.get(Space, scene.space.id)
    space.shows_moderator_names = True
    db.session.commit()
    decide(sign_in(scene.second), asked.id)
    log = text(sign_in(scene.reader).get(f"/s/{scene.space.slug}/modlog"))
    assert "Reveal approved" in log and NOTE in log and scene.handle in log
    for name in (scene.asker.username, scene.second.username, scene.member.username):
        assert name not in log
