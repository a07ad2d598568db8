"""Spaces with members ready to post, and helpers that post through the real forms."""

import pytest

from tests.factories import add_member, make_space


@pytest.fixture
def owner(make_user):
    return make_user("owner_o")


@pytest.fixture
def space(app, owner, member):
    space = make_space("talk", owner=owner, name="Talk Space", identity_mode="choice")
    add_member(space, member)
    return space


def start_thread(
    client,
    slug="talk",
    title="How do we talk about this?",
    body="First post.",
    identity="pseudonym",
    **extra,
):
    """Start a thread through the new-thread form, as a member would."""
    data = {"title": title, "body": body, "identity": identity} | extra
    return client.submit(f"/s/{slug}/new", data)


def reply(client, post_id: str, body="A reply.", identity="pseudonym", **extra):
    """Reply through the reply form, as a member would."""
    return client.submit(f"/p/{post_id}/reply", {"body": body, "identity": identity} | extra)
