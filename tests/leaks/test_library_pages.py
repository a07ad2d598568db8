"""The library's pages and downloads never name the account behind a contributor's pseudonym."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Persona, PersonaKind, Thread
from tests.factories import add_member, make_space, make_user, sign_in
from tests.leaks import checks
from tests.leaks.conftest import EMAIL, USERNAME, id_is_distinctive, pad_user_ids
from tests.resources import samples
from tests.resources.conftest import add_resource

VIEWERS = ("visitor", "member", "moderator", "owner", "admin", "author")


@pytest.fixture
def library_scene(app):
    from forum.models import Role

    owner = make_user("lib_owner")
    space = make_space("haven", owner, "public", identity_mode="choice")
    pad_user_ids()
    author = make_user(USERNAME, email=EMAIL)
    people = {
        "owner": owner,
        "author": author,
        "member": make_user("lib_member"),
        "moderator": make_user("lib_steward"),
        "admin": make_user("lib_root", is_admin=True),
    }
    add_member(space, author)
    add_member(space, people["member"])
    add_member(space, people["moderator"], Role.MODERATOR)
    resource = add_resource(author, space, title="Pseudonymous toolkit", file=samples.pdf())
    handle = db.session.scalar(
        select(Persona.handle).where(
            Persona.user_id == author.id, Persona.kind == PersonaKind.PSEUDONYM
        )
    )
    secrets = checks.Secrets(
        USERNAME,
        EMAIL,
        author.id,
        {"haven": handle},
        id_is_distinctive=id_is_distinctive(author.id),
    )
    thread = db.session.get(Thread, resource.thread_id)
    pages = [
        "/s/haven/library",
        "/s/haven/library?sort=title&type=report",
        f"/s/haven/t/{thread.public_id}",
        f"/s/haven/library/{resource.public_id}/edit",
        f"/s/haven/library/{resource.public_id}/download",
        "/s/haven",
    ]
    return people, secrets, pages


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_library_page_or_download_names_the_contributor(app, library_scene, viewer):
    people, secrets, pages = library_scene
    client = app.test_client() if viewer == "visitor" else sign_in(app, people[viewer])
    for path in pages:
        response = client.get(path)
        if response.status_code != 200:
            continue  # the edit page is the contributor's alone
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        findings = checks.find_in_headers(response, secrets, [])
        if viewer != "author":  # their own settings link names their own account, by design
            findings += checks.find_username(body, secrets) + checks.find_email(body, secrets)
            findings += checks.find_user_id(body, secrets)
        assert not findings, f"{path} for {viewer}: {findings}"
        if response.mimetype == "application/pdf":
            assert USERNAME.encode() not in response.data
