"""Site admin pages: who may use them, accounts and verified labels, creating spaces."""

import pytest
from sqlalchemy import func, select

from forum import policy
from forum.admin import services as admin_services
from forum.extensions import db
from forum.models import (
    ActionKind,
    IdentityMode,
    JoinPolicy,
    Membership,
    ModAction,
    Premoderation,
    Role,
    Space,
    User,
    Visibility,
)
from forum.policy import Action
from forum.spaces.membership import admit
from tests.factories import make_label, make_space
from tests.support.forms import read_forms
from tests.support.pages import text

POLICE = "Police officer"


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def csrf_token_of(client) -> str:
    """A valid CSRF token of the client's session, read off a page it may open."""
    forms = read_forms(client.get("/").get_data(as_text=True), "/")
    return next(
        value
        for form in forms
        for name, value in form.fields.items()
        if name.endswith("csrf_token")
    )


def label_action(user: User) -> str:
    return f"/admin/users/{user.id}/label"


def submit_label(client, user: User, page: str = "/admin", **values):
    data = {f"user-{user.id}-{name}": value for name, value in values.items()}
    return client.submit(page, data, action=label_action(user))


def label_entries() -> list[ModAction]:
    """The log's grants and revocations of labels, oldest first."""
    db.session.expire_all()
    kinds = [ActionKind.LABEL_GRANTED, ActionKind.LABEL_REVOKED]
    return list(
        db.session.scalars(
            select(ModAction).where(ModAction.action.in_(kinds)).order_by(ModAction.id)
        )
    )


@pytest.fixture(autouse=True)
def listed_labels(app):
    for label in (POLICE, "Researcher", "Youth worker"):
        make_label(label)


# Who may use the admin pages


@pytest.mark.parametrize("path", ["/admin", "/admin/spaces/new"])
def test_admin_pages_send_visitors_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/admin", "/admin/spaces/new"])
def test_admin_pages_are_forbidden_to_members(member_client, path):
    response = member_client.get(path)
    assert response.status_code == 403
    assert "Site admin" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin", "/admin/spaces/new"])
def test_admin_pages_open_for_site_admins_and_stay_out_of_caches(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_member_cannot_set_labels_even_with_a_valid_form(member_client, member):
    token = csrf_token_of(member_client)
    response = member_client.post(
        label_action(member),
        data={f"user-{member.id}-csrf_token": token, f"user-{member.id}-label": POLICE,
              f"user-{member.id}-note": "trust me"},
    )  # fmt: skip
    assert response.status_code == 403
    assert reload(User, member.id).label is None
    assert label_entries() == []


def test_a_member_cannot_create_spaces_even_with_a_valid_form(member_client):
    token = csrf_token_of(member_client)
    response = member_client.post(
        "/admin/spaces/new", data={"csrf_token": token, **space_form(slug="mine")}
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Space)) == 0


def test_only_admins_see_the_new_space_button_at_home(admin_client, member_client):
    assert "/admin/spaces/new" in admin_client.get("/").get_data(as_text=True)
    assert "/admin/spaces/new" not in member_client.get("/").get_data(as_text=True)


# The accounts list


def test_accounts_list_shows_username_created_date_admin_flag_and_label(
    admin_client, admin, make_user
):
    olu = make_user("officer_olu", label=POLICE)
    page = admin_client.get("/admin").get_data(as_text=True)
    for user in (admin, olu):
        assert f'id="user-{user.id}"' in page
        assert user.created_at.strftime("%d %b %Y") in page
    assert ">officer_olu</bdi>" in page
    assert POLICE in page
    assert ">Admin</span>" in page


def test_account_search_is_a_case_insensitive_prefix_match(admin_client, make_user):
    for name in ("Olu_one", "olumide", "bolu", "o_l_u"):
        make_user(name)
    page = admin_client.get("/admin?q=OLU").get_data(as_text=True)
    assert ">Olu_one</bdi>" in page
    assert ">olumide</bdi>" in page
    assert ">bolu</bdi>" not in page
    assert "2 accounts whose username starts with" in page
    # Wildcards are matched literally, not as LIKE patterns.
    page = admin_client.get("/admin?q=o_").get_data(as_text=True)
    assert ">o_l_u</bdi>" in page
    assert ">olumide</bdi>" not in page
    assert "No account matches." in admin_client.get("/admin?q=%25").get_data(as_text=True)


def test_accounts_come_fifty_to_a_page(admin_client, make_user):
    for n in range(60):
        make_user(f"user{n:02d}")
    first = admin_client.get("/admin").get_data(as_text=True)
    second = admin_client.get("/admin?page=2").get_data(as_text=True)
    assert first.count('<tr id="user-') == 50
    assert second.count('<tr id="user-') == 11  # 60 users and the admin
    assert "Page 1 of 2" in first
    assert "page=2" in first
    assert ">user59</bdi>" in second
    # A page past the end shows the last page.
    assert admin_client.get("/admin?page=9").get_data(as_text=True).count('<tr id="user-') == 11


def test_admin_page_runs_a_fixed_number_of_queries(admin_client, admin, make_user, count_queries):
    def queries_for_admin_page() -> int:
        with count_queries() as counter:
            response = admin_client.get("/admin")
        assert response.status_code == 200
        return counter.count

    for n in range(5):
        admin_services.set_label(admin, make_user(f"few{n}"), "Researcher", note="checked")
    make_space("one-space")
    db.session.commit()
    few = queries_for_admin_page()
    for n in range(55):
        admin_services.set_label(admin, make_user(f"many{n}"), "Youth worker", note="checked")
    make_space("another-space", visibility=Visibility.HIDDEN, join_policy=JoinPolicy.INVITE)
    db.session.commit()
    many = queries_for_admin_page()
    assert few == many, "the admin page's queries grow with the number of accounts"
    # The signed-in user, the account count and page, label changes, the labels, spaces, and
    # the header's counts of waiting queue items and unread notifications.
    assert many == 7


# Verified labels


def test_granting_a_label_is_logged_with_its_note_and_actor(admin_client, admin, make_user):
    olu = make_user("olu")
    response = submit_label(admin_client, olu, label=POLICE, note="checked warrant card in person")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin#user-{olu.id}")
    assert reload(User, olu.id).label == POLICE
    (entry,) = label_entries()
    assert entry.action == ActionKind.LABEL_GRANTED
    assert entry.actor_id == admin.id
    assert entry.target_user_id == olu.id
    assert entry.private_note == "checked warrant card in person"
    assert entry.changes == {"label": POLICE}
    page = admin_client.get("/admin").get_data(as_text=True)
    assert "olu now holds the label" in page
    assert "checked warrant card in person" in page


def test_a_label_needs_a_note(admin_client, make_user):
    olu = make_user("olu")
    response = submit_label(admin_client, olu, label=POLICE, note="  ")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please write a note saying how the label was checked." in page
    assert f'<option selected value="{POLICE}">' in page  # what the admin chose is kept
    assert reload(User, olu.id).label is None
    assert label_entries() == []


def test_a_label_off_the_list_is_refused_with_a_message(admin_client, make_user):
    olu = make_user("olu")
    response = submit_label(admin_client, olu, label="Police chief", note="checked")
    assert response.status_code == 400
    assert "There is no verified label called 'Police chief'." in text(response)
    assert reload(User, olu.id).label is None


def test_labels_are_chosen_from_the_list_the_admins_keep(admin_client, make_user):
    olu = make_user("olu")
    page = admin_client.get("/admin").get_data(as_text=True)
    form = page[page.index(f'action="{label_action(olu)}') :]
    form = form[: form.index("</form>")]
    assert f'<select dir="auto" id="user-{olu.id}-label"' in form
    for label in (POLICE, "Researcher", "Youth worker"):
        assert f'<option value="{label}">{label}</option>' in form


def test_changing_a_label_logs_the_new_one(admin_client, make_user):
    rae = make_user("rae", label="Researcher")
    response = submit_label(admin_client, rae, label="Youth worker", note="changed jobs")
    assert response.status_code == 302
    assert reload(User, rae.id).label == "Youth worker"
    entry = label_entries()[-1]
    assert (entry.action, entry.changes) == (ActionKind.LABEL_GRANTED, {"label": "Youth worker"})


def test_revoking_a_label_is_logged(admin_client, admin, make_user):
    olu = make_user("olu", label=POLICE)
    response = submit_label(admin_client, olu, label=POLICE, note="left the force", revoke="1")
    assert response.status_code == 302
    assert reload(User, olu.id).label is None
    entry = label_entries()[-1]
    assert entry.action == ActionKind.LABEL_REVOKED
    assert (entry.actor_id, entry.target_user_id) == (admin.id, olu.id)
    assert entry.changes == {"label": POLICE}
    assert entry.private_note == "left the force"


def test_revoking_a_label_takes_away_access_to_spaces_requiring_it(
    admin_client, make_user, practitioner, practitioner_client
):
    owner = make_user("inspector", label=POLICE)
    listed = make_space(
        "police",
        owner,
        name="Police Practitioners",
        visibility=Visibility.MEMBERS,
        join_policy=JoinPolicy.REQUEST,
        required_label=POLICE,
    )
    hidden = make_space(
        "police-leads",
        owner,
        name="Police Leads",
        visibility=Visibility.HIDDEN,
        join_policy=JoinPolicy.INVITE,
        required_label=POLICE,
    )
    for space in (listed, hidden):
        admit(practitioner, space)
    db.session.commit()
    assert policy.can(practitioner, Action.READ_SPACE, listed)
    page = practitioner_client.get("/s/police").get_data(as_text=True)
    assert 'id="threads-title">Threads</h2>' in page
    assert practitioner_client.get("/s/police-leads").status_code == 200

    response = submit_label(admin_client, practitioner, note="retired", revoke="1")
    assert response.status_code == 302

    olu = reload(User, practitioner.id)
    assert not policy.can(olu, Action.READ_SPACE, reload(Space, listed.id))
    assert not policy.can(olu, Action.SEE_SPACE, reload(Space, hidden.id))
    response = practitioner_client.get("/s/police")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The discussions in this space are for its members only." in page
    assert 'id="threads-title">Threads</h2>' not in page
    assert practitioner_client.get("/s/police-leads").status_code == 404
    assert "Police Leads" not in practitioner_client.get("/").get_data(as_text=True)


def test_recent_label_changes_show_newest_first_with_who_and_why(
    admin_client, admin, make_user, app
):
    rae = make_user("rae")
    admin_services.set_label(admin, rae, "Researcher", note="university staff page")
    admin_services.set_label(None, rae, None, note="command line")
    db.session.commit()
    page = admin_client.get("/admin").get_data(as_text=True)
    recent = page[page.index("Recent label changes") :]
    revoked = recent.index("Revoked <q>Researcher</q>")
    granted = recent.index("Granted <q>Researcher</q>")
    assert revoked < granted
    assert "<em>command line</em>" in recent[:granted]
    assert "<bdi>site_root</bdi>" in recent[revoked:]
    assert "university staff page" in recent


def test_an_unchanged_label_logs_nothing(admin_client, make_user):
    rae = make_user("rae", label="Researcher")
    before = label_entries()
    response = submit_label(admin_client, rae, label="Researcher", note="just checking")
    assert response.status_code == 302
    assert label_entries() == before


def test_label_form_for_an_unknown_account_is_404(admin_client, admin):
    token = csrf_token_of(admin_client)
    response = admin_client.post("/admin/users/9999/label", data={"csrf_token": token})
    assert response.status_code == 404


# The spaces list


def test_admin_lists_every_space_with_its_settings(admin_client, make_user):
    owner = make_user("inspector", label=POLICE)
    make_space("open-talk", owner, name="Open Talk")
    make_space(
        "secret-room",
        owner,
        name="Secret Room",
        visibility=Visibility.HIDDEN,
        join_policy=JoinPolicy.INVITE,
        required_label=POLICE,
    )
    page = admin_client.get("/admin").get_data(as_text=True)
    spaces = page[page.index('id="admin-spaces-title"') :]
    assert "Open Talk" in spaces
    assert "Secret Room" in spaces
    assert 'href="/s/secret-room">/s/secret-room</a>' in spaces
    assert "<td>hidden</td>" in spaces
    assert "<td>invite</td>" in spaces
    assert f"<td>{POLICE}</td>" in spaces
    assert "<td>1</td>" in spaces  # member count: the owner
    assert 'href="/admin/spaces/new"' in spaces


# Creating spaces


def space_form(**overrides) -> dict:
    """Every field of the new-space form (selects and text areas are not read off the page)."""
    return {
        "slug": "youth-workers",
        "name": "Youth Workers",
        "description": "For people who work with young people.",
        "rules": "1. **Be kind.**\n2. No names of young people.",
        "visibility": "members",
        "join_policy": "request",
        "required_label": "",
        "identity_mode": "pseudonymous",
        "premoderation": "new_members",
        "slow_mode_seconds": "30",
        "flag_hide_threshold": "4",
    } | overrides


def test_new_space_form_names_the_admin_as_owner(admin_client, admin):
    page = admin_client.get("/admin/spaces/new").get_data(as_text=True)
    assert f'value="{admin.username}"' in page


def test_creating_a_space_makes_the_creator_its_owner_and_lists_it(admin_client, admin):
    response = admin_client.submit("/admin/spaces/new", space_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/youth-workers"
    space = db.session.scalar(select(Space).where(Space.slug == "youth-workers"))
    assert space.name == "Youth Workers"
    assert space.visibility == Visibility.MEMBERS
    assert space.join_policy == JoinPolicy.REQUEST
    assert space.identity_mode == IdentityMode.PSEUDONYMOUS
    assert space.premoderation == Premoderation.NEW_MEMBERS
    assert (space.slow_mode_seconds, space.flag_hide_threshold) == (30, 4)
    assert space.required_label is None
    assert "<strong>Be kind.</strong>" in space.rules_html
    membership = db.session.scalar(select(Membership).where(Membership.space_id == space.id))
    assert (membership.user_id, membership.role) == (admin.id, Role.OWNER)
    assert space.member_count == 1
    entry = db.session.scalar(select(ModAction).where(ModAction.space_id == space.id))
    assert (entry.action, entry.actor_id, entry.space_id) == (
        ActionKind.SPACE_CREATED,
        admin.id,
        space.id,
    )
    assert "Youth Workers" in admin_client.get("/").get_data(as_text=True)
    assert "Youth Workers" in admin_client.get("/s/youth-workers").get_data(as_text=True)


def test_a_space_can_be_created_for_another_owner(admin_client, practitioner):
    response = admin_client.submit(
        "/admin/spaces/new",
        space_form(slug="police", name="Police", required_label=POLICE, owner="OFFICER_OLU"),
    )
    assert response.status_code == 302
    space = db.session.scalar(select(Space).where(Space.slug == "police"))
    assert space.required_label == POLICE
    owner = db.session.scalar(select(Membership).where(Membership.space_id == space.id))
    assert (owner.user_id, owner.role) == (practitioner.id, Role.OWNER)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "Not A Slug!"}, "lower-case letters, digits and single hyphens"),
        ({"slug": "taken"}, "A space with that address already exists."),
        ({"slug": "admin"}, "That address is reserved."),
        ({"visibility": "hidden", "join_policy": "open"}, "can only be joined by invitation"),
        ({"owner": "nobody_here"}, "There is no account named"),
        ({"required_label": POLICE}, "The owner must hold the label"),
        ({"slow_mode_seconds": "-5"}, "Slow mode is between 0 seconds"),
        ({"slow_mode_seconds": "soon"}, "Not a valid integer value."),
        ({"name": ""}, "Please give the space a name."),
        ({"visibility": "everyone"}, "Not a valid choice."),
    ],
)
def test_new_space_refuses_bad_input_and_keeps_what_was_typed(
    admin_client, admin, overrides, message
):
    make_space("taken", admin)
    data = space_form(**overrides)
    response = admin_client.submit("/admin/spaces/new", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    for key in ("description", "name", "slug"):
        if data[key]:
            assert data[key].replace("!", "") in page.replace("!", "")
    assert "No names of young people." in page  # the rules text is kept
    assert db.session.scalar(select(func.count()).select_from(Space)) == 1


def test_a_hidden_space_created_by_invitation_is_hidden_from_others(admin_client, member_client):
    response = admin_client.submit(
        "/admin/spaces/new",
        space_form(
            slug="leads", name="Safeguarding Leads", visibility="hidden", join_policy="invite"
        ),
    )
    assert response.status_code == 302
    assert "Safeguarding Leads" in admin_client.get("/").get_data(as_text=True)
    assert "Safeguarding Leads" not in member_client.get("/").get_data(as_text=True)
    assert member_client.get("/s/leads").status_code == 404
