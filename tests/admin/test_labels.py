"""The list of verified labels: admins keep it, accounts and spaces choose from it, and what a
label opens follows it when it is granted, renamed or revoked."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import ActionKind, Label, ModAction, Space, User
from tests.factories import POLICE, add_member, grant_label, make_label, make_space, make_user
from tests.support.pages import csrf_token, form_errors, text


def listed() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Label.name).order_by(Label.name_key)))


def add_label(client, name: str):
    return client.submit("/admin", {"name": name}, action="/admin/labels")


def test_an_admin_adds_a_label_and_it_is_logged(admin_client, admin):
    response = add_label(admin_client, "  Youth   worker ")
    assert response.status_code == 302
    assert listed() == ["Youth worker"]
    entry = db.session.scalar(select(ModAction).where(ModAction.action == ActionKind.LABEL_ADDED))
    assert (entry.actor_id, entry.changes) == (admin.id, {"label": "Youth worker"})
    assert "The label &#39;Youth worker&#39; is on the list." in admin_client.get("/admin").text


def test_a_label_is_never_listed_twice_whatever_its_case_or_spacing(admin_client):
    make_label(POLICE)
    response = add_label(admin_client, "police  OFFICER")
    assert response.status_code == 400
    assert "The label 'Police officer' is already on the list." in form_errors(text(response))
    assert 'value="police  OFFICER"' in text(response)  # what the admin typed is kept
    assert listed() == [POLICE]


def test_a_label_name_is_plain_text_of_a_sensible_length(admin_client):
    for name, message in [("x", "A label is 2 to 60 characters long."),
                          ("Police\u202eofficer", "A label is plain text")]:  # fmt: skip
        response = add_label(admin_client, name)
        assert response.status_code == 400
        assert message in form_errors(text(response))
    assert listed() == []


def test_members_cannot_add_labels(member_client, member):
    response = member_client.post(
        "/admin/labels", data={"name": "Anything", "csrf_token": csrf_token(member_client)}
    )
    assert response.status_code == 403
    assert listed() == []


def test_renaming_a_label_renames_it_on_accounts_and_spaces(admin_client, admin, sign_in):
    make_label("Police Officer")
    officer = make_user("officer_ren", label="Police Officer")
    space = make_space("force-room", officer, "members", required_label="Police Officer")
    label = db.session.scalar(select(Label))
    response = admin_client.submit(
        "/admin", {f"label-{label.id}-name": POLICE}, action=f"/admin/labels/{label.id}"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, officer.id).label == POLICE
    assert db.session.get(Space, space.id).required_label == POLICE
    entry = db.session.scalar(select(ModAction).where(ModAction.action == ActionKind.LABEL_RENAMED))
    assert entry.changes == {"from": "Police Officer", "to": POLICE}
    # The officer keeps their place in the space under the new name.
    assert "You are an <strong>owner</strong>" in text(sign_in(officer).get("/s/force-room"))


def test_a_label_is_held_exactly_as_the_space_requires_it(admin_client, sign_in):
    # Labels were free text, and "police officer" did not open a "Police officer" space.
    make_label(POLICE)
    officer = make_user("officer_case")
    owner = make_user("owner_case", label=POLICE)
    make_space("police-room", owner, "request", required_label=POLICE)
    response = admin_client.submit(
        "/admin",
        {f"user-{officer.id}-label": "police officer", f"user-{officer.id}-note": "warrant card"},
        action=f"/admin/users/{officer.id}/label",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, officer.id).label == POLICE
    page = text(sign_in(officer).get("/s/police-room"))
    assert "Ask to join" in page


# A revoked label takes away what it opened, in every list


def test_a_revoked_label_leaves_the_member_count_and_the_directory_standing(sign_in):
    owner = make_user("owner_lapse", label=POLICE)
    officer = make_user("officer_lapse", label=POLICE)
    space = make_space("officers", owner, "public", required_label=POLICE, name="Officers")
    add_member(space, officer)
    db.session.expire_all()
    assert db.session.get(Space, space.id).member_count == 2
    officer_client = sign_in(officer)
    assert "you are a member" in text(officer_client.get("/"))

    grant_label(officer, None)
    db.session.expire_all()
    assert db.session.get(Space, space.id).member_count == 1
    front = text(officer_client.get("/"))
    assert "you are a member" not in front
    assert "your verified label no longer lets you in" in front
    space_page = text(officer_client.get("/s/officers"))
    assert "You are a <strong>member</strong>" not in space_page
    assert "your account no longer holds it" in space_page
    assert "1 member." in space_page

    # Granted again, the membership counts and opens the space again.
    grant_label(officer, POLICE)
    db.session.expire_all()
    assert db.session.get(Space, space.id).member_count == 2
    assert "you are a member" in text(officer_client.get("/"))
