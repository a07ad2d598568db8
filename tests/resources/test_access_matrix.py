"""The access matrix of the library: every kind of viewer × every kind of space, page by page."""

import pytest
from sqlalchemy import select

from forum import policy
from forum.extensions import db
from forum.models import Resource
from forum.policy import Action
from forum.resources import queries
from tests.leaks.conftest import lift_posting_limits
from tests.resources.conftest import add_resource
from tests.spaces.test_access_matrix import READS, SEES
from tests.support.access import KINDS, VIEWERS

TITLE = "Confidential Lantern Report"
# Who may add resources (members by default): the space's active members holding its label.
ADDS = {kind: {"member", "moderator", "owner"} for kind in KINDS}


# Every test here only reads: they share one world, with a resource in each space.
pytestmark = pytest.mark.shared_world


@pytest.fixture(scope="module")
def library_world(shared_app, shared_world):
    lift_posting_limits(shared_app)
    for space in shared_world.spaces.values():
        add_resource(shared_world.users["owner"], space, title=TITLE, identity="pseudonym")
    return shared_world


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
