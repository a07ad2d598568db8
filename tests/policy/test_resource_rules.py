"""The library's rules, whose targets are resources: every viewer × every kind of space."""

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, Resource
from forum.policy import Action, can
from tests.resources.conftest import add_resource
from tests.spaces.test_access_matrix import READS
from tests.support.access import KINDS, VIEWERS
from tests.support.decisions import decide

# Actions tested here with their own targets, outside test_rules.py's tables.
RESOURCE_ACTIONS = {Action.READ_RESOURCE, Action.EDIT_RESOURCE}
STAFF = {"owner", "moderator"}


def _allowed(world, action, resource) -> set[str]:
    users = {v: AnonymousUserMixin() if v == "visitor" else world.users.get(v) for v in VIEWERS}
    return {viewer for viewer, user in users.items() if can(user, action, resource)}


@pytest.mark.parametrize("kind", KINDS)
def test_readers_of_the_space_read_its_resource_and_only_the_contributor_edits(access_world, kind):
    resource = add_resource(access_world.users["member"], access_world.spaces[kind])
    assert _allowed(access_world, Action.READ_RESOURCE, resource) == READS[kind]
    assert _allowed(access_world, Action.EDIT_RESOURCE, resource) == {"member"}


@pytest.mark.parametrize("kind", KINDS)
def test_a_removed_resource_is_read_by_its_contributor_and_staff_and_edited_by_nobody(
    access_world, kind
):
    resource = add_resource(access_world.users["member"], access_world.spaces[kind])
    first = db.session.scalar(
        select(Post).where(Post.thread_id == resource.thread_id, Post.depth == 0)
    )
    decide(access_world.users["moderator"], first)
    db.session.commit()
    resource = db.session.get(Resource, resource.id)
    assert _allowed(access_world, Action.READ_RESOURCE, resource) == {"member"} | STAFF
    assert _allowed(access_world, Action.EDIT_RESOURCE, resource) == set()
