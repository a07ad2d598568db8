"""The access matrix: every kind of viewer against every kind of space, page by page."""

import pytest
from sqlalchemy import select

from forum import policy
from forum.extensions import db
from forum.models import Space, User
from forum.models.types import utcnow
from forum.policy import Action
from forum.spaces.queries import visible_spaces
from tests.support.access import KINDS, VIEWERS

# Every test here only reads: they share one world.
pytestmark = pytest.mark.shared_world

STAFF = {"owner", "moderator"}
INSIDERS = STAFF | {"member"}

# Who may know each kind of space exists (its page answers 200, it is listed at /).
SEES = {
    "public": set(VIEWERS),
    "members": set(VIEWERS),
    "hidden": INSIDERS | {"admin"},
    "labelled": set(VIEWERS),
}
# Who may read each kind of space's discussions.
READS = {
    "public": set(VIEWERS),
    "members": INSIDERS,
    "hidden": INSIDERS,
    "labelled": INSIDERS,
}
MEMBERS_ONLY_NOTICE = "The discussions in this space are for its members only."


def expected_space_page_status(viewer: str, kind: str) -> int:
    return 200 if viewer in SEES[kind] else 404


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_space_page_answers_by_visibility(client_for, access_world, viewer, kind):
    space = access_world.spaces[kind]
    response = client_for(viewer).get(f"/s/{space.slug}")
    assert response.status_code == expected_space_page_status(viewer, kind)
    page = response.get_data(as_text=True)
    if response.status_code == 404:
        assert KINDS[kind]["name"] not in page
        assert KINDS[kind]["description"] not in page
        return
    reads = viewer in READS[kind]
    assert (MEMBERS_ONLY_NOTICE not in page) == reads
    assert ('id="threads-title">Threads</h2>' in page) == reads
    if space.visibility != "public":
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_directory_lists_exactly_the_spaces_the_viewer_may_see(
    client_for, access_world, viewer, kind
):
    page = client_for(viewer).get("/").get_data(as_text=True)
    assert (KINDS[kind]["name"] in page) == (viewer in SEES[kind])


@pytest.mark.parametrize("viewer", [v for v in VIEWERS if v != "visitor"])
def test_list_queries_agree_with_the_policy(app, access_world, viewer):
    user = access_world.users[viewer]
    listed = {entry.space.id for entry in visible_spaces(user)}
    readable = set(db.session.scalars(select(Space.id).where(policy.readable_spaces_clause(user))))
    for space in access_world.spaces.values():
        assert (space.id in listed) == policy.can(user, Action.SEE_SPACE, space), space.slug
        assert (space.id in readable) == policy.can(user, Action.READ_SPACE, space), space.slug


def test_list_queries_agree_with_the_policy_for_a_visitor(app, access_world):
    from flask_login import AnonymousUserMixin

    visitor = AnonymousUserMixin()
    listed = {entry.space.id for entry in visible_spaces(visitor)}
    readable = set(
        db.session.scalars(select(Space.id).where(policy.readable_spaces_clause(visitor)))
    )
    for space in access_world.spaces.values():
        assert (space.id in listed) == policy.can(visitor, Action.SEE_SPACE, space)
        assert (space.id in readable) == policy.can(visitor, Action.READ_SPACE, space)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_hidden_space_leaks_nowhere_the_viewer_can_reach(client_for, access_world, viewer, kind):
    """Crawl every page the viewer can reach: a hidden space's name shows only to insiders."""
    client = client_for(viewer)
    secret = KINDS["hidden"]["name"]
    pages = ["/", "/login", "/register", "/settings"] + [
        f"/s/{access_world.spaces[kind].slug}{suffix}"
        for suffix in ("", "/members", "/requests", "/invites", "/settings")
    ]
    for path in pages:
        response = client.get(path)
        if response.status_code == 200 and viewer not in SEES["hidden"]:
            assert secret not in response.get_data(as_text=True), path


def test_the_readers_clause_for_telling_many_agrees_with_the_policy(app, access_world):
    """notify_many() filters recipients by this clause: every kind of viewer, every space."""
    accounts = list(access_world.users.values())
    for space in access_world.spaces.values():
        for staff in (False, True):
            statement = (
                select(User.id)
                .where(policy.readers_condition(space, staff=staff))
                .params(now=utcnow())
            )
            told = set(db.session.scalars(statement))
            for user in accounts:
                may = (
                    policy.is_space_staff(user, space)
                    if staff
                    else policy.can(user, Action.READ_SPACE, space)
                )
                assert (user.id in told) == may, (space.slug, user.username, staff)
