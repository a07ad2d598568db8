"""Transactions behave the same on SQLite and PostgreSQL.

The suite runs this module on both. It proves that a savepoint's release is not a commit (a
rolled-back use case takes its savepoints with it); that every refused post, join and staff
decision, sent through the real forms with valid CSRF tokens, leaves every table exactly as it
was, all rows and all columns, including the pseudonym a first post would have made; and that
two people racing for the last use of an invitation get one winner and one clear refusal.
"""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    Invitation,
    Label,
    Membership,
    MembershipStatus,
    Persona,
    PersonaKind,
    Role,
    Space,
    Thread,
    User,
)
from forum.models.types import utcnow
from forum.spaces import invitations
from forum.spaces.settings import current_settings, update_space_settings
from forum.threads import services as posting
from moderation.services import set_thread_locked
from tests import factories
from tests.factories import POLICE, membership_of
from tests.support.forms import read_forms
from tests.support.pages import csrf_token, forced_member_action, member_action, text

# Every row of every table


# What a session records of its own use: a page that shows a waiting message takes it off.
SESSION_BOOKKEEPING = {"data", "last_seen_on"}


def _compared_columns(table) -> list:
    if table.name != "sessions":
        return list(table.columns)
    return [column for column in table.columns if column.name not in SESSION_BOOKKEEPING]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, all columns (but a session's bookkeeping), in key order, read
    on a connection of its own."""
    db.session.rollback()  # the test's own session holds nothing the snapshot should miss
    with db.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(*_compared_columns(table)).order_by(
                        *(list(table.primary_key.columns) or table.columns)
                    )
                )
            ]
            for table in db.metadata.sorted_tables
        }


def differences(before: dict, after: dict) -> list[str]:
    """The rows that went (-) and came or changed (+), table by table."""
    found = []
    for name in before:
        found += [f"{name}: - {row}" for row in before[name] if row not in after[name]]
        found += [f"{name}: + {row}" for row in after[name] if row not in before[name]]
    return found


@contextmanager
def nothing_changes() -> Iterator[None]:
    """Assert that the block leaves every table exactly as it found it."""
    before = snapshot()
    assert any(before.values()), "an empty database proves nothing"
    yield
    changed = differences(before, snapshot())
    assert not changed, "A refused request changed the database:\n" + "\n".join(changed)


def page_form(client, page: str, action: str | None = None) -> dict:
    """The fields of the page's POST form (to `action`), CSRF token included, as loaded now."""
    response = client.get(page)
    assert response.status_code == 200, f"GET {page} answered {response.status_code}"
    for form in read_forms(response.get_data(as_text=True), page):
        path = urlsplit(form.action).path
        if form.method == "post" and path != "/logout" and action in (None, path):
            return {"_action": form.action, **form.fields}
    raise AssertionError(f"no POST form on {page}")


def send(client, form: dict, data: dict):
    """Send a form loaded earlier with `page_form`, with `data` filled in."""
    fields = {key: value for key, value in form.items() if key != "_action"}
    return client.post(form["_action"], data=fields | data)


def labels_seen_elsewhere() -> int:
    with db.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Label))


# Savepoints


def test_a_released_savepoint_is_undone_with_its_outer_transaction(app):
    db.session.rollback()
    with db.session.begin_nested():
        db.session.add(Label(name="Savepoint", name_key="savepoint"))
    # Released, the savepoint is still part of the outer transaction: nobody else sees its row.
    assert db.session.scalar(select(func.count()).select_from(Label)) == 1
    assert labels_seen_elsewhere() == 0
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Label)) == 0
    assert labels_seen_elsewhere() == 0


def test_a_failed_savepoint_undoes_only_itself_and_the_outer_transaction_commits(app):
    # The pattern of a persona made on first use: a clash rolls back the one insert.
    db.session.rollback()
    db.session.add(Label(name="Kept", name_key="kept"))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Label(name="Kept again", name_key="kept"))
    db.session.add(Label(name="Also kept", name_key="also kept"))
    db.session.commit()
    assert labels_seen_elsewhere() == 2
    names = set(db.session.scalars(select(Label.name)))
    assert names == {"Kept", "Also kept"}


# Refused posts: nothing stays behind, not even the pseudonym a first post would make


@dataclass
class Talk:
    """A space where the member may post, another one they belong to, and its owner."""

    owner: User
    member: User
    space: Space
    elsewhere: Space


@pytest.fixture
def talk(make_user, make_space, add_member) -> Talk:
    owner = make_user("owner_o")
    member = make_user("member_mo")
    space = make_space("talk", owner, "public", name="Talk Space", identity_mode="choice")
    elsewhere = make_space("elsewhere", owner, "public", name="Elsewhere")
    add_member(space, member)
    add_member(elsewhere, member)
    return Talk(owner, member, space, elsewhere)


def change_settings(talk: Talk, **changes) -> None:
    """Change the space's settings as its owner would on the settings page."""
    space = db.session.get(Space, talk.space.id)
    update_space_settings(talk.owner, space, replace(current_settings(space), **changes))
    db.session.commit()


def start_thread(client, slug: str, identity: str, title: str = "An earlier thread"):
    """Start a thread through the new-thread form; it must be accepted."""
    data = {"title": title, "body": "Words.", "identity": identity}
    response = client.submit(f"/s/{slug}/new", data)
    assert response.status_code == 302, text(response)


def pseudonyms_of(user: User, space: Space) -> list[Persona]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Persona).where(
                Persona.user_id == user.id,
                Persona.space_id == space.id,
                Persona.kind == PersonaKind.PSEUDONYM,
            )
        )
    )


def test_the_snapshot_sees_every_row_an_accepted_post_writes(talk, sign_in):
    member = sign_in(talk.member)
    with pytest.raises(AssertionError) as refused, nothing_changes():
        start_thread(member, "talk", "pseudonym")
    for table in ("personas", "threads", "posts", "spaces"):
        assert f"{table}: + " in str(refused.value), table


REASONS = ["slow mode", "rate limit", "locked thread", "rules not accepted", "empty body"]


@pytest.mark.parametrize("reason", REASONS)
@pytest.mark.parametrize("history", ["first pseudonymous post", "returning pseudonym"])
def test_a_refused_post_leaves_no_row_behind(app, talk, sign_in, reason, history):
    member = sign_in(talk.member)
    if reason == "rate limit":
        app.config["RATELIMIT_NEW_THREAD"] = "1 per hour"
        app.config["RATELIMIT_NEW_THREAD_NEW_ACCOUNT"] = "1 per hour"
    # What the member posted before: a pseudonym of theirs exists in the space or does not.
    if history == "returning pseudonym":
        start_thread(member, "talk", "pseudonym")
    elif reason == "slow mode":
        start_thread(member, "talk", "named")  # under their name, while names were allowed
    elif reason == "rate limit":
        start_thread(member, "elsewhere", "pseudonym")  # the budget counts every space
    if history == "first pseudonymous post":
        change_settings(talk, identity_mode="pseudonymous")
        assert pseudonyms_of(talk.member, talk.space) == []

    if reason == "locked thread":
        thread = factories.start_thread(talk.owner, talk.space, title="Owner's")
        page = f"/p/{factories.first_post(thread).public_id}/reply"
        data = {"body": "My reply.", "identity": "pseudonym"}
    else:
        page = "/s/talk/new"
        data = {"title": "A new thread", "body": "My words.", "identity": "pseudonym"}
    form = page_form(member, page)  # loaded before the refusal's cause, as a browser tab would

    if reason == "slow mode":
        change_settings(talk, slow_mode_seconds=120)
    elif reason == "locked thread":
        set_thread_locked(talk.owner, db.session.get(Thread, thread.id), True)
        db.session.commit()
    elif reason == "rules not accepted":
        change_settings(talk, rules="New rule: be brief.")
    elif reason == "empty body":
        data["body"] = "   "

    status, message = {
        "slow mode": (429, "This space is in slow mode"),
        "rate limit": (429, "New accounts may start 1 thread an hour."),
        "locked thread": (403, "This thread is locked"),
        "rules not accepted": (400, "rules have changed"),
        "empty body": (400, "Please write something before posting."),
    }[reason]
    had_pseudonym = history == "returning pseudonym"
    assert bool(pseudonyms_of(talk.member, talk.space)) == had_pseudonym
    with nothing_changes():
        response = send(member, form, data)
        assert response.status_code == status
        assert message in text(response)
        assert data["body"].strip() in text(response)  # the words are kept for the next try
    assert bool(pseudonyms_of(talk.member, talk.space)) == had_pseudonym


@pytest.mark.parametrize("reason", ["slow mode", "rate limit", "rules not accepted", "empty body"])
def test_a_refused_post_makes_no_write_before_it_refuses(app, talk, reason):
    """Not only undone by the rollback: the use case checks everything before its first write,
    so a caller that carries on (the command line, a batch) finds nothing made in its session."""
    if reason == "rate limit":
        app.config["RATELIMIT_NEW_THREAD_NEW_ACCOUNT"] = "1 per hour"
    factories.start_thread(talk.member, talk.elsewhere, title="Elsewhere first")
    change_settings(talk, identity_mode="pseudonymous")
    body = "   " if reason == "empty body" else "My words."
    if reason == "slow mode":
        change_settings(talk, slow_mode_seconds=120)
        factories.start_thread(talk.member, talk.space, title="A first thread")
    elif reason == "rules not accepted":
        change_settings(talk, rules="New rule: be brief.")
    member, space = db.session.get(User, talk.member.id), db.session.get(Space, talk.space.id)
    accepted = membership_of(space, member).rules_version_accepted
    personas = db.session.scalar(select(func.count()).select_from(Persona))
    with pytest.raises(DomainError):
        posting.start_thread(member, space, title="Refused", body=body, kind="pseudonym")
    # Still inside the refused use case's transaction: nothing was added, changed or flushed.
    assert not db.session.new and not db.session.dirty
    assert db.session.scalar(select(func.count()).select_from(Persona)) == personas
    assert membership_of(space, member).rules_version_accepted == accepted


# Refused joins


@pytest.fixture
def owner(make_user) -> User:
    return make_user("owner_o", label=POLICE)


def new_invitation(space: Space, owner: User, **values) -> tuple[str, Invitation]:
    made = invitations.create_invitation(
        owner, space, **({"expires_in": timedelta(days=7), "max_uses": 1} | values)
    )
    db.session.commit()
    return f"/s/{space.slug}/invite/{made.token}", made.invitation


def test_joining_without_accepting_the_rules_leaves_no_row(make_space, owner, member_client):
    make_space("open", owner, "public")
    form = page_form(member_client, "/s/open", "/s/open/join")
    with nothing_changes():
        response = send(member_client, form, {})
        assert response.status_code == 400
        assert "tick the box to accept them" in text(response)


def test_a_request_without_accepting_the_rules_leaves_no_row(make_space, owner, member_client):
    make_space("circle", owner, "members")
    form = page_form(member_client, "/s/circle", "/s/circle/join")
    with nothing_changes():
        response = send(member_client, form, {"note": "I run a parents' group."})
        assert response.status_code == 400
        assert "tick the box to accept them" in text(response)


def test_a_request_without_the_required_label_leaves_no_row(make_space, owner, member_client):
    make_space("police", owner, "members", required_label=POLICE)
    token = csrf_token(member_client, "/s/police")  # the page offers no form: it is forged
    data = {"csrf_token": token, "note": "Let me in.", "accept_rules": "y"}
    with nothing_changes():
        response = member_client.post("/s/police/join", data=data)
        assert response.status_code == 403
        assert "holding the verified label “Police officer” can join" in text(response)


@pytest.mark.parametrize("problem", ["expired", "used up", "withdrawn"])
def test_a_dead_invitation_leaves_no_row(make_space, owner, make_user, sign_in, problem):
    space = make_space("leads", owner, "hidden")
    link, invitation = new_invitation(space, owner)
    client = sign_in(make_user("late_comer"))
    form = page_form(client, link, link)  # loaded while the link still worked
    if problem == "expired":
        db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    elif problem == "used up":
        assert sign_in(make_user("first_in")).submit(link, {"accept_rules": "y"}).status_code == 302
    else:
        invitations.revoke_invitation(owner, space, invitation.id)
        db.session.commit()
    with nothing_changes():
        response = send(client, form, {"accept_rules": "y"})
        assert response.status_code == 410
        assert "invitation" in text(response)


def test_a_banned_members_invitation_leaves_no_row(make_space, owner, make_user, sign_in):
    space = make_space("leads", owner, "hidden")
    person = make_user("troublemaker")
    factories.add_member(space, person)
    factories.ban(space, person, by=owner)
    link, _ = new_invitation(space, owner)
    client = sign_in(person)
    token = csrf_token(client, link)
    with nothing_changes():
        response = client.post(link, data={"csrf_token": token, "accept_rules": "y"})
        assert response.status_code == 403
        assert "You are banned from this space" in text(response)


# Refused decisions of a space's staff


def request_form(client, space: Space, request_id: int) -> dict:
    return page_form(client, f"/s/{space.slug}/requests", f"/s/{space.slug}/requests/{request_id}")


def test_approving_a_requester_who_lost_the_label_changes_nothing(
    make_space, owner, practitioner, sign_in, ask_to_join
):
    space = make_space("officers", owner, "members", required_label=POLICE)
    request = ask_to_join(space, practitioner)
    factories.grant_label(practitioner, None)
    staff = sign_in(owner)
    form = request_form(staff, space, request.id)
    with nothing_changes():
        response = send(staff, form, {f"r{request.id}-decision": "approve"})
        assert response.status_code == 400
        assert "no longer holds the label" in text(response)


def test_deciding_a_decided_request_changes_nothing(staffed, sign_in, make_user, ask_to_join):
    space = staffed("members")
    request = ask_to_join(space.space, make_user("rosa_requester"))
    staff = sign_in(space.owner)
    form = request_form(staff, space.space, request.id)
    assert send(staff, form, {f"r{request.id}-decision": "approve"}).status_code == 302
    with nothing_changes():
        response = send(staff, form, {f"r{request.id}-decision": "decline"})
        assert response.status_code == 400
        assert "That request has already been decided." in text(response)


def test_a_role_change_that_leaves_no_owner_changes_nothing(staffed, admin_client):
    space = staffed("members")
    target = membership_of(space.space, space.owner)
    with nothing_changes():
        response = member_action(admin_client, space.space, target, "role", role="moderator")
        assert response.status_code == 400
        assert "A space must keep at least one owner." in text(response)


def test_banning_the_last_owner_changes_nothing(staffed, admin_client):
    space = staffed("members")
    target = membership_of(space.space, space.owner)
    with nothing_changes():
        response = member_action(
            admin_client, space.space, target, "ban", reason="Abandoned", duration="30"
        )
        assert response.status_code == 400
        assert "A space must keep at least one owner." in text(response)


def test_removing_a_banned_member_changes_nothing(staffed, sign_in):
    space = staffed("members")
    moderator = sign_in(space.moderator)
    target = membership_of(space.space, space.member)
    member_action(moderator, space.space, target, "ban", reason="Spam", duration="permanent")
    with nothing_changes():
        response = forced_member_action(moderator, space.space, target, "remove", reason="Tidy")
        assert response.status_code == 400
        assert "That member is banned." in text(response)


# Two requests at once


def test_two_people_racing_for_an_invitations_last_use_get_one_winner(
    app, make_space, owner, make_user, sign_in, monkeypatch
):
    space = make_space("leads", owner, "hidden")
    link, invitation = new_invitation(space, owner, max_uses=2)
    assert sign_in(make_user("early_bird")).submit(link, {"accept_rules": "y"}).status_code == 302
    racers = [make_user("rae_racer"), make_user("ray_racer")]
    clients = [sign_in(racer) for racer in racers]
    forms = [page_form(client, link, link) for client in clients]

    # The winner holds its transaction open a moment after counting its use, so the other
    # request arrives while it runs: on PostgreSQL it reads the old count and meets the
    # conditional UPDATE; on SQLite it waits for the write lock its BEGIN IMMEDIATE asks for.
    admit = invitations.admit

    def slow_admit(*args, **kwargs):
        time.sleep(0.3)
        return admit(*args, **kwargs)

    monkeypatch.setattr(invitations, "admit", slow_admit)
    start = threading.Barrier(2)

    def accept(index: int):
        start.wait(timeout=10)
        return send(clients[index], forms[index], {"accept_rules": "y"})

    db.session.rollback()  # the test's own session holds no transaction during the race
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(accept, range(2)))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302, 410], [text(response) for response in responses]
    loser = next(response for response in responses if response.status_code == 410)
    refusal = text(loser)
    assert (
        "This invitation has just been used up or withdrawn." in refusal
        or "used as many times as it allows" in refusal
    ), refusal
    db.session.refresh(invitation)
    assert invitation.use_count == invitation.max_uses == 2
    joined = [membership_of(space, racer) for racer in racers]
    assert sorted(m is not None for m in joined) == [False, True]
    assert all(m is None or m.status == MembershipStatus.ACTIVE for m in joined)
    assert db.session.get(Space, space.id).member_count == 3
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.space_id == space.id, Membership.role == Role.MEMBER)
        )
        == 2
    )
