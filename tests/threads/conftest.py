"""Spaces with members ready to post, and helpers that post through the real forms."""

import pytest

from forum.extensions import db
from forum.spaces.services import admit
from moderation.services import create_space
from tests.spaces.conftest import settings as space_settings


@pytest.fixture
def make_space(app):
    def make(slug="talk", owner=None, **overrides):
        space = create_space(None, slug, space_settings(**overrides), owner=owner)
        db.session.commit()
        return space

    return make


@pytest.fixture
def owner(make_user):
    return make_user("owner_o")


@pytest.fixture
def space(make_space, owner, member):
    space = make_space("talk", owner=owner, name="Talk Space", identity_mode="choice")
    admit(member, space)
    db.session.commit()
    return space


def start_thread(
    client,
    slug="talk",
    title="How do we talk about this?",
    body="First post.",
    identity="pseudonym",
    **extra,
):
    data = {"title": title, "body": body, "identity": identity} | extra
    return client.submit(f"/s/{slug}/new", data)


def reply(client, post_id, body="A reply.", identity="pseudonym", **extra):
    return client.submit(f"/p/{post_id}/reply", {"body": body, "identity": identity} | extra)
