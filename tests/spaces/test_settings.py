"""Space settings: staff change them, the service validates them, rules changes are versioned."""

import html
import re

import pytest

from forum.models import ActionKind, IdentityMode, JoinPolicy, Premoderation, Visibility
from tests.factories import make_label
from tests.support.log import last_log_entry, mod_log, reload_space
from tests.support.pages import csrf_token, form_errors, text


def current_form(client, space) -> dict:
    """The settings form as the page fills it, with the text areas and selects read too."""
    page = client.get(f"/s/{space.slug}/settings").get_data(as_text=True)
    values = {}
    for name in ("description", "rules"):
        found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
        values[name] = html.unescape(found.group(1)).lstrip("\n")
    for name in ("visibility", "join_policy", "required_label", "identity_mode", "premoderation"):
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
        values[name] = re.search(r'<option selected value="([^"]*)"', select).group(1)
    return values


def save(client, space, **changes):
    """Submit the settings form as it stands with the changes, and a reason for them."""
    data = current_form(client, space) | {"reason": "Agreed with the members."} | changes
    return client.submit(f"/s/{space.slug}/settings", data, action=f"/s/{space.slug}/settings")


# Who may open the page


@pytest.mark.parametrize("viewer", ["owner", "moderator"])
def test_space_staff_see_the_settings(staffed, sign_in, viewer):
    space = staffed("members")
    response = sign_in(getattr(space, viewer)).get(f"/s/{space.slug}/settings")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_site_admin_sees_a_hidden_space_settings(staffed, admin_client):
    space = staffed("hidden")
    assert admin_client.get(f"/s/{space.slug}/settings").status_code == 200


def test_plain_member_is_refused_the_settings(staffed, sign_in):
    space = staffed("public")
    assert sign_in(space.member).get(f"/s/{space.slug}/settings").status_code == 403


def test_hidden_space_settings_are_404_to_members_and_non_members(staffed, sign_in, member_client):
    space = staffed("hidden")
    assert sign_in(space.member).get(f"/s/{space.slug}/settings").status_code == 404
    response = member_client.get(f"/s/{space.slug}/settings")
    assert response.status_code == 404
    assert space.space.name not in text(response)


def test_visitor_is_sent_to_sign_in(staffed, client):
    space = staffed("public")
    response = client.get(f"/s/{space.slug}/settings")
    assert response.headers["Location"].startswith("/login?next=")


# The form


def test_form_shows_every_current_setting_and_the_slug_is_not_editable(
    make_space, make_user, sign_in
):
    owner = make_user("yusuf_youth", label="Youth worker")
    space = make_space(
        "members-circle",
        owner,
        "members",
        slow_mode_seconds=30,
        required_label="Youth worker",
    )
    page = text(sign_in(owner).get(f"/s/{space.slug}/settings"))
    assert 'value="The members circle"' in page
    assert "A members space for hard conversations." in page
    assert "Be kind. Assume good faith." in page
    assert '<option selected value="members">' in page
    assert '<option selected value="request">' in page
    assert 'value="Youth worker"' in page
    assert 'value="30"' in page
    assert 'value="3"' in page
    assert f"/s/{space.slug}</code>" in page
    assert 'name="slug"' not in page


def test_page_says_a_rules_change_must_be_accepted_again(staffed, sign_in):
    space = staffed("members")
    page = text(sign_in(space.owner).get(f"/s/{space.slug}/settings"))
    assert (
        "changing the text later, even to fix a typo, makes every member read and accept the "
        "new version before their next post."
    ) in page


# Saving


def test_site_admin_changes_every_setting_and_the_change_is_logged(staffed, admin, admin_client):
    space = staffed("members")
    make_label("Researcher")
    response = save(
        admin_client,
        space.space,
        name="The quiet room",
        description="Talk slowly here.",
        visibility="hidden",
        join_policy="invite",
        required_label="Researcher",
        identity_mode="pseudonymous",
        premoderation="new_members",
        slow_mode_seconds="120",
        flag_hide_threshold="5",
    )
    assert response.status_code == 302
    saved = reload_space(space.space)
    assert (saved.name, saved.description) == ("The quiet room", "Talk slowly here.")
    assert (saved.visibility, saved.join_policy) == (Visibility.HIDDEN, JoinPolicy.INVITE)
    assert saved.required_label == "Researcher"
    assert saved.identity_mode == IdentityMode.PSEUDONYMOUS
    assert saved.premoderation == Premoderation.NEW_MEMBERS
    assert (saved.slow_mode_seconds, saved.flag_hide_threshold) == (120, 5)
    assert saved.slug == "members-circle"
    entry = last_log_entry(space.space)
    assert (entry.action, entry.actor_id) == (ActionKind.SETTINGS_CHANGED, admin.id)
    assert {"visibility", "name", "required_label"} <= set(entry.changes["changed"])


def test_moderator_changes_settings_and_the_change_is_logged(staffed, sign_in):
    space = staffed("members")
    response = save(
        sign_in(space.moderator),
        space.space,
        identity_mode="pseudonymous",
        premoderation="all",
        slow_mode_seconds="60",
    )
    assert response.status_code == 302
    saved = reload_space(space.space)
    assert (saved.identity_mode, saved.premoderation) == (
        IdentityMode.PSEUDONYMOUS,
        Premoderation.ALL,
    )
    entry = last_log_entry(space.space)
    assert (entry.action, entry.actor_id) == (ActionKind.SETTINGS_CHANGED, space.moderator.id)


def test_staff_cannot_require_a_label_they_do_not_hold(staffed, sign_in):
    space = staffed("members")
    make_label("Researcher")
    response = save(sign_in(space.owner), space.space, required_label="Researcher")
    assert response.status_code == 400
    assert "requiring it would shut you out of the space" in form_errors(text(response))
    assert '<option selected value="Researcher">' in text(response)
    assert reload_space(space.space).required_label is None


def test_saving_without_changes_says_nothing_changed(staffed, sign_in):
    space = staffed("members")
    owner = sign_in(space.owner)
    data = current_form(owner, space.space)
    response = owner.submit(
        f"/s/{space.slug}/settings", data, action=f"/s/{space.slug}/settings", follow_redirects=True
    )
    assert "Nothing changed." in text(response)
    assert ActionKind.SETTINGS_CHANGED not in {entry.action for entry in mod_log(space.space)}
    assert reload_space(space.space).rules_version == 1


def test_saving_rules_a_browser_sent_with_crlf_line_ends_changes_nothing(staffed, sign_in):
    # Rules written with LF line ends (the command line, the seed); a browser's textarea sends
    # the same text back with CRLF. Saving the form unchanged must not ask members again.
    space = staffed("members", rules="1. Be kind.\n2. No names of children, ever.")
    owner = sign_in(space.owner)
    crlf = current_form(owner, space.space)["rules"].replace("\n", "\r\n") + "\r\n"
    assert "\r\n" in crlf
    response = owner.submit(
        f"/s/{space.slug}/settings",
        current_form(owner, space.space) | {"rules": crlf},
        action=f"/s/{space.slug}/settings",
        follow_redirects=True,
    )
    assert "Nothing changed." in text(response)
    assert reload_space(space.space).rules_version == 1
    assert "The rules have changed" not in text(sign_in(space.member).get(f"/s/{space.slug}"))


def test_a_rules_change_bumps_the_version_and_members_must_accept_it(staffed, sign_in):
    space = staffed("public")
    save(sign_in(space.owner), space.space, rules="Be kind. No names of children, ever.")
    saved = reload_space(space.space)
    assert saved.rules_version == 2
    assert "No names of children" in saved.rules_html
    page = text(sign_in(space.member).get(f"/s/{space.slug}"))
    assert "The rules have changed since you joined." in page


def test_other_changes_keep_the_rules_version(staffed, sign_in):
    space = staffed("public")
    save(sign_in(space.owner), space.space, description="New words.")
    assert reload_space(space.space).rules_version == 1


def test_hidden_and_open_together_are_refused_with_the_services_message(staffed, sign_in):
    space = staffed("public")
    response = save(
        sign_in(space.owner),
        space.space,
        name="Renamed while hiding",
        visibility="hidden",
        join_policy="open",
    )
    assert response.status_code == 400
    page = text(response)
    assert "A hidden space can only be joined by invitation" in form_errors(page)
    assert 'value="Renamed while hiding"' in page
    assert '<option selected value="hidden">' in page
    assert '<option selected value="open">' in page
    saved = reload_space(space.space)
    assert (saved.name, saved.visibility) == ("The public circle", Visibility.PUBLIC)
    # The page header still names the space as stored, not as typed.
    assert "<bdi>The public circle</bdi>" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slow_mode_seconds", "-5", "Slow mode is between 0 seconds"),
        ("flag_hide_threshold", "0", "The flag threshold is between 1 and 100"),
        ("slow_mode_seconds", "soon", "Not a valid integer value."),
        ("name", "", "Please give the space a name."),
        ("required_label", "Astronaut", "There is no verified label called 'Astronaut'."),
    ],
)
def test_invalid_settings_are_refused_and_what_was_typed_is_kept(
    staffed, sign_in, field, value, message
):
    space = staffed("members")
    response = save(
        sign_in(space.owner), space.space, description="Typed before the mistake", **{field: value}
    )
    assert response.status_code == 400
    assert message in form_errors(text(response))
    assert "Typed before the mistake" in text(response)
    assert reload_space(space.space).description == "A members space for hard conversations."


def test_plain_member_cannot_post_settings(staffed, sign_in):
    space = staffed("public")
    member = sign_in(space.member)
    data = {"name": "Mine now", "csrf_token": csrf_token(member)}
    response = member.post(f"/s/{space.slug}/settings", data=data)
    assert response.status_code == 403
    assert reload_space(space.space).name == "The public circle"


def test_settings_refuse_a_post_without_csrf_token(staffed, sign_in):
    space = staffed("public")
    owner = sign_in(space.owner)
    data = current_form(owner, space.space) | {
        "name": "No token",
        "slow_mode_seconds": "0",
        "flag_hide_threshold": "3",
    }
    response = owner.post(f"/s/{space.slug}/settings", data=data)
    assert response.status_code == 400
    assert reload_space(space.space).name == "The public circle"


def test_premoderation_and_flag_threshold_say_what_they_do(staffed, sign_in):
    # Both apply now (tests/moderation): the form says what each does, not "not applied yet".
    space = staffed("members")
    page = text(sign_in(space.owner).get(f"/s/{space.slug}/settings"))
    expected = {
        "premoderation": "until a moderator approves it in the queue",
        "flag_hide_threshold": "it is hidden from everyone but its author and the moderators",
    }
    for field, words in expected.items():
        help_text = page[page.index(f'id="{field}-help"') :]
        help_text = help_text[: help_text.index("</p>")]
        assert words in help_text and "Not applied yet" not in help_text, field
