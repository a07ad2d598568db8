"""The access matrix of the library: every kind of viewer × every kind of space, page by page."""

import pytest
from sqlalchemy import select

from forum import policy
from forum.extensions import db
from forum.models import Resource, Visibility
from forum.policy import Action
from forum.resources import queries
from tests.factories import add_member
from tests.resources import samples
from tests.resources.conftest import add_resource
from tests.spaces.test_access_matrix import READS, SEES
from tests.support.access import KINDS, VIEWERS

TITLE = "Confidential Lantern Report"
# Who may add resources (members by default): the space's active members holding its label.
ADDS = {kind: {"member", "moderator", "owner"} for kind in KINDS}


@pytest.fixture
def library_world(access_world):
    for space in access_world.spaces.values():
        add_resource(access_world.users["owner"], space, title=TITLE, identity="pseudonym")
    return access_world


def expected(viewer: str, kind: str, allowed: set[str]) -> set[int]:
    if viewer in allowed:
        return {200}
    if viewer not in SEES[kind] or kind == "hidden":
        return {302, 404} if viewer == "visitor" else {404}
    return {302} if viewer == "visitor" else {403, 404}


def resource_of(space) -> Resource:
    return db.session.scalar(select(Resource).where(Resource.space_id == space.id))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_library_page_answers_by_the_read_rule(library_world, client_for, viewer, kind):
    space = library_world.spaces[kind]
    response = client_for(viewer).get(f"/s/{space.slug}/library")
    readers = READS[kind]
    if viewer in readers:
        assert response.status_code == 200
        assert TITLE in response.get_data(as_text=True)
    else:
        # A listed space says why; a hidden one answers 404 even to the site admin who sees it.
        listed = viewer in SEES[kind] and kind != "hidden"
        assert response.status_code == (403 if listed else 404)
        assert TITLE not in response.get_data(as_text=True)
        if kind == "hidden":
            assert KINDS[kind]["name"] not in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_download_is_404_to_whoever_may_not_read(library_world, client_for, viewer, kind):
    space = library_world.spaces[kind]
    resource = resource_of(space)
    response = client_for(viewer).get(f"/s/{space.slug}/library/{resource.public_id}/download")
    if viewer in READS[kind]:
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF-")
    else:
        assert response.status_code in ((403, 404) if viewer in SEES[kind] else (404,))
        assert not response.data.startswith(b"%PDF-")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_add_form_is_for_those_who_may_add(library_world, client_for, viewer, kind):
    space = library_world.spaces[kind]
    response = client_for(viewer).get(f"/s/{space.slug}/library/new")
    assert response.status_code in expected(viewer, kind, ADDS[kind])
    library = client_for(viewer).get(f"/s/{space.slug}/library").get_data(as_text=True)
    assert ("Add a resource" in library) == (viewer in ADDS[kind])


@pytest.mark.parametrize("viewer", [v for v in VIEWERS if v != "visitor"])
def test_the_library_query_agrees_with_the_policy(library_world, viewer):
    user = library_world.users[viewer]
    for space in library_world.spaces.values():
        if not policy.can(user, Action.READ_SPACE, space):
            continue
        listed = {e.public_id for e in queries.library(user, space, 1, queries.Sort.NEWEST, None)}
        for resource in db.session.scalars(select(Resource).where(Resource.space_id == space.id)):
            assert (resource.public_id in listed) == policy.can(
                user, Action.READ_RESOURCE, resource
            )


def test_a_made_up_or_other_spaces_resource_is_404(library_world, client_for):
    public, members = library_world.spaces["public"], library_world.spaces["members"]
    client = client_for("member")
    assert client.get("/s/public-space/library/nosuchthing7/download").status_code == 404
    # A resource of the members space, asked for under the public space's address.
    other = resource_of(members)
    assert client.get(f"/s/{public.slug}/library/{other.public_id}/download").status_code == 404


def test_downloads_stop_when_the_space_is_closed(staffed, sign_in, client):
    from dataclasses import replace

    from forum.spaces.settings import current_settings, update_space_settings

    crew = staffed("public", slug="open-hub")
    resource = add_resource(crew.member, crew.space)
    url = f"/s/open-hub/library/{resource.public_id}/download"
    assert client.get(url).status_code == 200
    assert client.get(url).headers["Cache-Control"] == "private, no-cache"
    update_space_settings(
        crew.owner, crew.space, replace(current_settings(crew.space), visibility=Visibility.MEMBERS)
    )
    db.session.commit()
    assert client.get(url).status_code == 403  # the listed space says it is for members
    member = sign_in(crew.member)
    response = member.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_downloads_stop_when_the_reader_leaves_or_is_banned(staffed, sign_in, make_user):
    from tests.factories import ban

    crew = staffed("members", slug="closed-hub")
    reader, banned = make_user("rita_reader"), make_user("bob_banned")
    add_member(crew.space, reader)
    add_member(crew.space, banned)
    resource = add_resource(crew.member, crew.space)
    url = f"/s/closed-hub/library/{resource.public_id}/download"
    reader_client, banned_client = sign_in(reader), sign_in(banned)
    assert reader_client.get(url).status_code == 200
    assert banned_client.get(url).status_code == 200
    assert (
        reader_client.submit("/s/closed-hub", {}, action="/s/closed-hub/leave").status_code == 302
    )
    ban(crew.space, banned, by=crew.owner)
    assert reader_client.get(url).status_code == 403
    assert banned_client.get(url).status_code in (403, 404)


def test_a_removed_resource_is_for_its_contributor_and_staff_only(staffed, sign_in, make_user):
    from tests.support.decisions import decide

    crew = staffed("public", slug="hub")
    resource = add_resource(crew.member, crew.space, title="Removed Lantern Toolkit")
    thread_first = _first_post(resource)
    decide(crew.moderator, thread_first)
    db.session.commit()
    url = f"/s/hub/library/{resource.public_id}/download"
    other = make_user("otto_other")
    add_member(crew.space, other)
    for who, status in ((other, 404), (crew.member, 200), (crew.moderator, 200)):
        client = sign_in(who)
        assert client.get(url).status_code == status, who.username
        listed = "Removed Lantern Toolkit" in client.get("/s/hub/library").get_data(as_text=True)
        assert listed == (status == 200), who.username
    from forum import storage

    assert storage.storage().read(resource.file_key)  # kept for an appeal


def test_an_authors_delete_deletes_the_stored_file(staffed, sign_in):
    from forum import storage

    crew = staffed("public", slug="hub")
    resource = add_resource(crew.member, crew.space)
    key = resource.file_key
    first = _first_post(resource)
    client = sign_in(crew.member)
    client.submit(f"/p/{first.public_id}/delete", {})
    with pytest.raises(storage.StoredFileMissing):
        storage.storage().read(key)
    assert (
        sign_in(crew.moderator).get(f"/s/hub/library/{resource.public_id}/download").status_code
        == 404
    )
    assert db.session.get(Resource, resource.id).file_key is None


def _first_post(resource):
    from forum.models import Post

    return db.session.scalar(
        select(Post).where(Post.thread_id == resource.thread_id, Post.depth == 0)
    )


def test_samples_are_real_files():
    assert samples.pdf().startswith(b"%PDF-")
