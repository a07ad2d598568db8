"""The mod log at /s/<slug>/modlog: who may read it, what each entry says, and what it never
says (a pseudonym's account, private notes to non-staff, moderators' names unless shown)."""

import re

import pytest

from forum.extensions import db
from forum.models import ActionKind, Persona, Space
from forum.spaces.settings import current_settings, update_space_settings
from tests.factories import add_member, make_user, start_thread
from tests.support.decisions import decide, first_post
from tests.support.log import last_log_entry
from tests.support.pages import form_errors, text
from tests.threads.test_query_counts import limits_off

REASON = "Personal attacks are not allowed here."
NOTE = "Third warning this month."


def entry_line(page: str, entry) -> str:
    found = re.search(rf'<li class="modlog-entry" id="entry-{entry.id}">(.*?)</li>', page, re.S)
    assert found, f"entry {entry.id} is not on the page"
    return found.group(1)


def log_of(client, space):
    return client.get(f"/s/{space.slug}/modlog")


@pytest.fixture
def logged(staffed):
    """A space whose moderator removed a pseudonymous member's post and banned another member
    from the roster."""

    def build(kind="public", **settings):
        space = staffed(kind, **settings)
        thread = start_thread(space.member, space.space, title="Night buses", kind="pseudonym")
        entry = decide(space.moderator, first_post(thread), reason=REASON, note=NOTE)
        return space, thread, entry

    return build


def test_a_visitor_reads_a_public_space_log_without_notes_or_accounts(logged, client):
    space, thread, entry = logged("public")
    page = text(log_of(client, space.space))
    persona = entry.target_persona_id
    handle = db.session.get(Persona, persona).handle
    assert "Post removed" in page and handle in page and REASON in page
    assert NOTE not in page
    assert "a moderator" in page
    for name in (space.member.username, space.moderator.username):
        assert name not in page


def test_members_only_log_is_for_members(logged, client, sign_in, make_user):
    space, _, _ = logged("members")
    assert log_of(client, space.space).status_code == 403
    assert log_of(sign_in(make_user("passer_by")), space.space).status_code == 403
    member_page = text(log_of(sign_in(space.member), space.space))
    assert REASON in member_page and NOTE not in member_page


def test_a_hidden_space_log_is_404_to_outsiders(logged, client, sign_in, make_user):
    space, _, _ = logged("hidden")
    assert log_of(client, space.space).status_code == 404
    assert log_of(sign_in(make_user("passer_by")), space.space).status_code == 404
    assert log_of(sign_in(space.member), space.space).status_code == 200


def test_staff_read_private_notes_and_roster_names_but_never_a_pseudonyms_account(logged, sign_in):
    space, _, removal = logged("public")
    target = make_user("roster_row")
    add_member(space.space, target)
    page = text(log_of(sign_in(space.moderator), space.space))
    assert NOTE in page
    assert "roster_row" in page  # "Member added" names the roster's row to staff
    # The removal of the pseudonym's post names the pseudonym, never the account.
    removal_line = entry_line(page, removal)
    assert "Post removed" in removal_line
    assert space.member.username not in removal_line
    member_page = text(log_of(sign_in(space.member), space.space))
    assert "roster_row" not in member_page and "a member" in member_page


def test_moderator_names_show_only_when_the_space_chooses(logged, client, sign_in):
    space, _, _ = logged("public")
    assert space.moderator.username not in text(log_of(client, space.space))
    owner = sign_in(space.owner)
    response = owner.submit(
        f"/s/{space.slug}/settings",
        {"shows_moderator_names": "y", "reason": "Members asked who decides."},
    )
    assert response.status_code == 302
    assert db.session.get(Space, space.space.id).shows_moderator_names
    entry = last_log_entry(space.space)
    assert entry.action == ActionKind.SETTINGS_CHANGED
    assert entry.changes["to"] == {"shows_moderator_names": True}
    page = text(log_of(client, space.space))
    assert space.moderator.username in page
    assert "moderators' names in the mod log: not shown → shown" in page
    assert "Members asked who decides." in page


def test_a_settings_change_needs_a_reason_and_keeps_what_was_typed(staffed, sign_in):
    space = staffed("public")
    owner = sign_in(space.owner)
    response = owner.submit(
        f"/s/{space.slug}/settings", {"slow_mode_seconds": "45", "description": "Kept words."}
    )
    assert response.status_code == 400
    assert "Please give a reason for the change" in form_errors(text(response))
    assert 'value="45"' in text(response) and "Kept words." in text(response)
    assert db.session.get(Space, space.space.id).slow_mode_seconds == 0
    saved = owner.submit(
        f"/s/{space.slug}/settings",
        {"slow_mode_seconds": "45", "rules": "New rules.", "reason": "Heated week."},
    )
    assert saved.status_code == 302
    entry = last_log_entry(space.space)
    assert entry.public_reason == "Heated week."
    assert entry.changes["from"] == {"slow_mode_seconds": 0}
    assert entry.changes["to"] == {"slow_mode_seconds": 45}
    assert "rules" in entry.changes["changed"] and "rules" not in entry.changes["to"]
    page = text(log_of(sign_in(space.member), space.space))
    assert "rules changed; slow mode: off → 45 seconds" in page
    # Saving with nothing changed needs no reason.
    same = owner.submit(f"/s/{space.slug}/settings", {})
    assert same.status_code == 302


def test_a_removed_threads_title_is_for_staff_only(logged, client, sign_in):
    space, thread, _ = logged("public")
    from moderation.services import set_thread_locked

    set_thread_locked(space.moderator, db.session.merge(thread), True, reason="Cooling off")
    db.session.commit()
    assert "Night buses" not in text(log_of(client, space.space))
    assert "a thread that is not shown" in text(log_of(client, space.space))
    assert "Night buses" in text(log_of(sign_in(space.moderator), space.space))


def test_the_space_page_links_the_log(logged, client):
    space, _, _ = logged("public")
    assert f"/s/{space.slug}/modlog" in text(client.get(f"/s/{space.slug}"))


def test_the_log_runs_the_same_queries_for_few_and_many_entries(logged, sign_in, count_queries):
    space, thread, _ = logged("public")
    moderator = sign_in(space.moderator)

    def measure():
        assert log_of(moderator, space.space).status_code == 200
        with count_queries() as counter:
            assert log_of(moderator, space.space).status_code == 200
        return counter

    few = measure()
    for number in range(30):
        add_member(space.space, make_user(f"late_{number:02}"))
        settings = current_settings(db.session.get(Space, space.space.id))
        settings.flag_hide_threshold = number + 4
        update_space_settings(
            space.owner, db.session.get(Space, space.space.id), settings, "tuning"
        )
        db.session.commit()
    with limits_off():
        for _ in range(5):
            start = start_thread(space.moderator, space.space, kind="pseudonym")
            decide(space.owner, first_post(start))
    many = measure()
    assert many.count == few.count, f"few:\n{few}\n\nmany:\n{many}"


def test_an_entry_with_no_person_behind_it_is_by_the_system(logged, client):
    space, _, _ = logged("public")
    add_member(space.space, make_user("late_joiner"))  # from the command line: no actor
    entry = last_log_entry(space.space)
    assert entry.actor_id is None
    line = entry_line(log_of(client, space.space).get_data(as_text=True), entry)
    assert "by <bdi>the system</bdi>" in line
