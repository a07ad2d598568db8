"""Loosening a space never surprises its members: owners announce it, it waits for its date,
it can be cancelled until then; tightening is immediate."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import ActionKind, IdentityMode, Role, ScheduledChange, Visibility
from forum.models.types import utcnow
from forum.spaces.loosening import LAST_CHECK_KEY, apply_due_changes
from tests.conftest import Staffed
from tests.factories import make_label, start_thread
from tests.spaces.test_settings import save
from tests.support.log import mod_log, reload_space
from tests.support.pages import csrf_token, form_errors, text


def words(response) -> str:
    """The page's text as a reader reads it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", "", text(response)).split())


def actions(space) -> list[ActionKind]:
    return [entry.action for entry in mod_log(space)]


def pending(space) -> list[ScheduledChange]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(ScheduledChange).where(ScheduledChange.space_id == space.id))
    )


def make_due(space) -> None:
    """Move the space's announced changes to a minute ago, as if the notice period had passed."""
    db.session.execute(
        update(ScheduledChange)
        .where(ScheduledChange.space_id == space.id)
        .values(takes_effect_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()


def cancel_url(space, change_id) -> str:
    return f"/s/{space.slug}/settings/changes/{change_id}/cancel"


@pytest.fixture
def lived_in(staffed):
    """A space of a kind where the member has posted, so loosening it takes notice."""

    def build(kind: str = "members", **settings):
        space = staffed(kind, **settings)
        thread = start_thread(space.member, space.space, title="What we said in private")
        space.thread = thread
        return space

    return build


@pytest.fixture
def labelled(make_user, make_space, add_member) -> Staffed:
    """A members-only space for researchers, whose member has posted."""
    owner, moderator, member = (
        make_user(name, label="Researcher") for name in ("rita_owner", "rhys_mod", "ravi_member")
    )
    space = make_space("research", owner, "members", required_label="Researcher")
    add_member(space, moderator, Role.MODERATOR)
    add_member(space, member)
    start_thread(member, space)
    return Staffed(space, owner, moderator, member)


# Who may loosen


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("members", {"visibility": "public"}),
        ("hidden", {"visibility": "members", "join_policy": "invite"}),
        ("members", {"identity_mode": "named"}),
    ],
)
def test_moderator_who_loosens_is_refused_and_nothing_changes(lived_in, sign_in, kind, change):
    space = lived_in(kind, identity_mode=IdentityMode.PSEUDONYMOUS)
    before = actions(space.space)
    response = save(sign_in(space.moderator), space.space, name="Typed by the moderator", **change)
    assert response.status_code == 403
    page = text(response)
    assert "Only the space's owners (or a site admin) may open it up" in form_errors(page)
    assert 'value="Typed by the moderator"' in page  # the form keeps what they typed
    saved = reload_space(space.space)
    assert saved.name != "Typed by the moderator"
    assert (saved.visibility, saved.identity_mode) == (
        space.space.visibility,
        IdentityMode.PSEUDONYMOUS,
    )
    assert pending(space.space) == []
    assert actions(space.space) == before  # nothing scheduled, applied or changed


def test_moderator_cannot_clear_the_required_label(labelled, sign_in):
    response = save(sign_in(labelled.moderator), labelled.space, required_label="")
    assert response.status_code == 403
    assert reload_space(labelled.space).required_label == "Researcher"
    assert pending(labelled.space) == []


# Scheduling, the announcement, and the space as it stays until the date


def test_admin_who_opens_a_hidden_space_schedules_it_and_outsiders_still_get_404(
    lived_in, admin, admin_client, sign_in, member_client, client, app
):
    space = lived_in("hidden")
    thread_url = f"/s/{space.slug}/t/{space.thread.public_id}"
    response = save(admin_client, space.space, visibility="public")
    assert response.status_code == 302
    flashed = text(admin_client.get(response.headers["Location"]))
    assert "The change of who can see the space is announced in the space" in flashed

    saved = reload_space(space.space)
    assert saved.visibility == Visibility.HIDDEN  # until the date, in every respect
    [change] = pending(space.space)
    days = app.config["SPACE_LOOSENING_NOTICE_DAYS"]
    assert timedelta(days=days) - timedelta(minutes=1) < change.takes_effect_at - utcnow()
    for outsider in (client, member_client):
        assert outsider.get(f"/s/{space.slug}").status_code == 404
        assert outsider.get(thread_url).status_code == 404

    # Logged the moment it is scheduled, with what will change and when.
    entry = mod_log(space.space)[-1]
    assert (entry.action, entry.actor_id) == (ActionKind.CHANGE_SCHEDULED, admin.id)
    assert entry.changes["setting"] == "visibility"
    assert (entry.changes["from"], entry.changes["to"]) == ("hidden", "public")
    assert entry.changes["takes_effect_at"] == change.takes_effect_at.isoformat()
    assert ActionKind.CHANGE_APPLIED not in actions(space.space)


def test_members_read_the_announcement_on_the_space_and_thread_pages(lived_in, sign_in):
    space = lived_in("members")
    save(sign_in(space.owner), space.space, visibility="public")
    [change] = pending(space.space)
    date = f"{change.takes_effect_at:%d %B %Y, %H:%M} UTC"
    member = sign_in(space.member)
    for url in (f"/s/{space.slug}", f"/s/{space.slug}/t/{space.thread.public_id}"):
        page = words(member.get(url))
        assert f"Announced change, taking effect on {date}" in page, url
        assert "anyone, signed in or not, will be able to read it" in page
        assert "Every earlier post, yours included, will be readable by anyone" in page


def test_people_who_cannot_read_the_space_are_not_shown_its_announcement(
    lived_in, sign_in, member_client
):
    space = lived_in("members")
    save(sign_in(space.owner), space.space, visibility="public")
    page = text(member_client.get(f"/s/{space.slug}"))
    assert "The discussions in this space are for its members only." in page
    assert "Announced change" not in page


def test_owner_of_an_empty_space_loosens_it_at_once(staffed, sign_in, client):
    space = staffed("members", identity_mode=IdentityMode.PSEUDONYMOUS)
    owner = sign_in(space.owner)
    assert "Nobody has posted here yet" in text(owner.get(f"/s/{space.slug}/settings"))
    response = save(owner, space.space, visibility="public", identity_mode="named")
    assert response.status_code == 302
    saved = reload_space(space.space)
    assert (saved.visibility, saved.identity_mode) == (Visibility.PUBLIC, IdentityMode.NAMED)
    assert pending(space.space) == []
    assert ActionKind.CHANGE_SCHEDULED not in actions(space.space)
    assert actions(space.space)[-1] == ActionKind.SETTINGS_CHANGED
    assert client.get(f"/s/{space.slug}").status_code == 200


def test_settings_page_says_what_would_be_scheduled_and_lists_what_is(lived_in, sign_in):
    space = lived_in("members")
    owner = sign_in(space.owner)
    page = words(owner.get(f"/s/{space.slug}/settings"))
    assert "announced in the space and takes effect 7 days later" in page
    assert "No change is announced." in page
    save(owner, space.space, visibility="public")
    [change] = pending(space.space)
    page = words(owner.get(f"/s/{space.slug}/settings"))
    assert f"Takes effect on {change.takes_effect_at:%d %B %Y, %H:%M} UTC" in page
    assert cancel_url(space, change.id) in text(owner.get(f"/s/{space.slug}/settings"))
    # A moderator sees the announced change but may not cancel it.
    page = text(sign_in(space.moderator).get(f"/s/{space.slug}/settings"))
    assert "Announced changes" in page
    assert cancel_url(space, change.id) not in page


def test_a_second_loosening_of_the_same_setting_is_refused_until_the_first_is_cancelled(
    lived_in, sign_in
):
    space = lived_in("hidden")
    owner = sign_in(space.owner)
    save(owner, space.space, visibility="members")
    response = save(owner, space.space, visibility="public", description="Typed again")
    assert response.status_code == 400
    message = form_errors(text(response))
    assert "A change of who can see the space is already announced" in message
    assert "Cancel it first" in message
    assert "Typed again" in text(response)
    [change] = pending(space.space)
    assert change.value == "members"
    # Asking for the very change already announced changes nothing.
    again = save(owner, space.space, visibility="members")
    assert "Nothing changed." in text(owner.get(again.headers["Location"]))
    assert len(pending(space.space)) == 1


def test_opening_a_hidden_space_to_open_joining_waits_for_its_visibility(lived_in, sign_in):
    space = lived_in("hidden")
    response = save(sign_in(space.owner), space.space, visibility="public", join_policy="open")
    assert response.status_code == 400
    assert "keep “By invitation” until then" in form_errors(text(response))
    assert pending(space.space) == []


def test_owner_clears_the_required_label_with_notice(labelled, sign_in):
    save(sign_in(labelled.owner), labelled.space, required_label="")
    [change] = pending(labelled.space)
    assert (change.setting, change.label) == ("required_label", None)
    assert reload_space(labelled.space).required_label == "Researcher"
    page = text(sign_in(labelled.member).get(f"/s/{labelled.slug}"))
    assert "The required label “Researcher” will no longer apply: anyone may join" in page
    apply_due_changes(utcnow() + timedelta(days=8))
    assert reload_space(labelled.space).required_label is None
    assert mod_log(labelled.space)[-1].changes == {
        "setting": "required_label",
        "from": "Researcher",
        "to": None,
    }


def test_admin_replaces_the_required_label_with_notice(labelled, admin_client, sign_in):
    make_label("Youth worker")
    save(admin_client, labelled.space, required_label="Youth worker")
    [change] = pending(labelled.space)
    assert change.label == "Youth worker"
    assert reload_space(labelled.space).required_label == "Researcher"
    page = text(sign_in(labelled.member).get(f"/s/{labelled.slug}"))
    assert "members holding only “Researcher” will lose access" in page


# Cancelling


def test_owner_cancels_and_the_change_never_happens(lived_in, sign_in, client):
    space = lived_in("members")
    owner = sign_in(space.owner)
    save(owner, space.space, visibility="public")
    [change] = pending(space.space)
    response = owner.submit(
        f"/s/{space.slug}/settings", {}, action=cancel_url(space, change.id), follow_redirects=True
    )
    assert "is cancelled: nothing changes" in text(response)
    assert pending(space.space) == []
    assert reload_space(space.space).next_change_at is None
    entry = mod_log(space.space)[-1]
    assert (entry.action, entry.actor_id) == (ActionKind.CHANGE_CANCELLED, space.owner.id)
    assert entry.changes["to"] == "public"
    assert apply_due_changes(utcnow() + timedelta(days=30)) == []
    assert reload_space(space.space).visibility == Visibility.MEMBERS
    assert "Announced change" not in text(sign_in(space.member).get(f"/s/{space.slug}"))
    assert client.get(f"/s/{space.slug}/t/{space.thread.public_id}").status_code == 404


def test_site_admin_cancels_a_hidden_space_opening(lived_in, admin_client):
    space = lived_in("hidden")
    save(admin_client, space.space, visibility="public")
    [change] = pending(space.space)
    admin_client.submit(f"/s/{space.slug}/settings", {}, action=cancel_url(space, change.id))
    assert pending(space.space) == []


def test_cancel_refuses_a_post_without_csrf_token(lived_in, sign_in):
    space = lived_in("members")
    owner = sign_in(space.owner)
    save(owner, space.space, visibility="public")
    [change] = pending(space.space)
    assert owner.post(cancel_url(space, change.id)).status_code == 400
    assert (
        owner.post(cancel_url(space, change.id), data={"csrf_token": "forged"}).status_code == 400
    )
    assert len(pending(space.space)) == 1


def test_moderator_cannot_cancel(lived_in, sign_in):
    space = lived_in("members")
    save(sign_in(space.owner), space.space, visibility="public")
    [change] = pending(space.space)
    moderator = sign_in(space.moderator)
    token = csrf_token(moderator, f"/s/{space.slug}/settings")
    response = moderator.post(cancel_url(space, change.id), data={"csrf_token": token})
    assert response.status_code == 403
    assert len(pending(space.space)) == 1


@pytest.mark.parametrize(("kind", "status"), [("members", 403), ("hidden", 404)])
def test_another_spaces_owner_cannot_cancel(lived_in, make_user, make_space, sign_in, kind, status):
    space = lived_in(kind)
    save(sign_in(space.owner), space.space, visibility="public")
    [change] = pending(space.space)
    rival = make_user("rival_owner")
    theirs = make_space("their-space", rival, "public")
    client = sign_in(rival)
    token = csrf_token(client, f"/s/{theirs.slug}/settings")
    response = client.post(cancel_url(space, change.id), data={"csrf_token": token})
    assert response.status_code == status
    # Nor through their own space's address: the answer is that of a change that never was.
    response = client.post(
        cancel_url(theirs, change.id), data={"csrf_token": token}, follow_redirects=True
    )
    assert "That change is no longer scheduled" in text(response)
    assert len(pending(space.space)) == 1


# Tightening


def test_moderator_tightens_at_once_and_cancels_the_pending_loosening(lived_in, sign_in):
    space = lived_in("members")
    save(sign_in(space.owner), space.space, identity_mode="named")
    assert len(pending(space.space)) == 1
    response = save(sign_in(space.moderator), space.space, identity_mode="pseudonymous")
    assert response.status_code == 302
    assert reload_space(space.space).identity_mode == IdentityMode.PSEUDONYMOUS
    assert pending(space.space) == []
    cancelled, changed = mod_log(space.space)[-2:]
    assert (cancelled.action, cancelled.changes["superseded"]) == (
        ActionKind.CHANGE_CANCELLED,
        True,
    )
    assert changed.action == ActionKind.SETTINGS_CHANGED
    assert apply_due_changes(utcnow() + timedelta(days=30)) == []


def test_hiding_a_space_is_immediate(lived_in, sign_in, client):
    space = lived_in("public")
    response = save(sign_in(space.moderator), space.space, visibility="members")
    assert response.status_code == 302
    assert reload_space(space.space).visibility == Visibility.MEMBERS
    assert client.get(f"/s/{space.slug}/t/{space.thread.public_id}").status_code == 404


# Applying what is due


def test_the_command_applies_a_due_change_and_logs_it(lived_in, admin_client, client, app):
    space = lived_in("hidden")
    save(admin_client, space.space, visibility="public")
    assert app.test_cli_runner().invoke(args=["spaces", "apply-due"]).output == (
        "0 scheduled changes applied.\n"
    )
    make_due(space.space)
    result = app.test_cli_runner().invoke(args=["spaces", "apply-due"])
    assert result.exit_code == 0
    assert f"Applied: /s/{space.slug}: who can see the space hidden → public" in result.output
    assert "1 scheduled change applied." in result.output
    saved = reload_space(space.space)
    assert (saved.visibility, saved.next_change_at) == (Visibility.PUBLIC, None)
    assert pending(space.space) == []
    entry = mod_log(space.space)[-1]
    assert (entry.action, entry.actor_id) == (ActionKind.CHANGE_APPLIED, None)
    assert (entry.changes["from"], entry.changes["to"]) == ("hidden", "public")
    assert client.get(f"/s/{space.slug}/t/{space.thread.public_id}").status_code == 200
    # Applied once: a second run finds nothing.
    assert (
        "0 scheduled changes applied."
        in app.test_cli_runner().invoke(args=["spaces", "apply-due"]).output
    )


def test_the_app_applies_a_due_change_at_most_once_a_minute(lived_in, sign_in, client, app):
    space = lived_in("members")
    save(sign_in(space.owner), space.space, visibility="public")
    make_due(space.space)
    app.extensions[LAST_CHECK_KEY] = time.monotonic()  # a worker that looked a moment ago
    assert client.get(f"/s/{space.slug}/t/{space.thread.public_id}").status_code == 404
    assert len(pending(space.space)) == 1

    app.extensions[LAST_CHECK_KEY] = time.monotonic() - 61  # a minute later
    assert client.get(f"/s/{space.slug}/t/{space.thread.public_id}").status_code == 200
    assert pending(space.space) == []
    assert mod_log(space.space)[-1].action == ActionKind.CHANGE_APPLIED


def test_page_views_between_checks_add_no_query(lived_in, client, count_queries, app):
    space = lived_in("public")
    client.get("/")  # the worker's check runs on its first request
    app.extensions[LAST_CHECK_KEY] = time.monotonic()
    with count_queries() as counter:
        assert client.get(f"/s/{space.slug}/t/{space.thread.public_id}").status_code == 200
    assert "scheduled_changes" not in str(counter)
    app.extensions[LAST_CHECK_KEY] = time.monotonic() - 61
    with count_queries() as counter:
        client.get("/")
    assert "scheduled_changes" in str(counter)  # once a minute, one look


def test_a_check_disabled_by_setting_leaves_it_to_the_command(lived_in, sign_in, client, app):
    space = lived_in("members")
    save(sign_in(space.owner), space.space, visibility="public")
    make_due(space.space)
    app.config["SPACE_CHANGES_CHECK_SECONDS"] = 0
    app.extensions.pop(LAST_CHECK_KEY, None)
    assert client.get(f"/s/{space.slug}/t/{space.thread.public_id}").status_code == 404
    assert len(pending(space.space)) == 1
