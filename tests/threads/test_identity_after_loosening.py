"""A post keeps the identity it was written under, and nobody who was pseudonymous in a space
posts under their username there without choosing it on that post."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Persona, PersonaKind, Post
from forum.models.types import utcnow
from forum.spaces.loosening import apply_due_changes
from tests.factories import add_member, make_space, start_thread
from tests.spaces.test_settings import save
from tests.support.pages import form_errors, text
from tests.threads.conftest import reply

CONFIRM = "Post under my username member_mo"


@pytest.fixture
def quiet(owner, member):
    """A pseudonymous space where the member has posted under their pseudonym."""
    space = make_space("quiet", owner=owner, name="Quiet Room", identity_mode="pseudonymous")
    add_member(space, member)
    thread = start_thread(member, space, title="Said under a pseudonym", kind="pseudonym")
    return space, thread


def open_to_names(space, owner, sign_in) -> None:
    """The owner announces usernames for the space, and the date comes."""
    assert save(sign_in(owner), space, identity_mode="named").status_code == 302
    assert apply_due_changes(utcnow() + timedelta(days=8)), "nothing was applied"


def first_post_id(thread) -> str:
    return db.session.scalar(
        select(Post.public_id).where(Post.thread_id == thread.id, Post.depth == 0)
    )


def test_earlier_posts_keep_their_pseudonym_after_the_space_shows_usernames(
    quiet, owner, member, sign_in, client
):
    space, thread = quiet
    handle = db.session.scalar(select(Persona.handle).where(Persona.kind == PersonaKind.PSEUDONYM))
    open_to_names(space, owner, sign_in)
    assert handle in text(sign_in(member).get(f"/s/{space.slug}/t/{thread.public_id}"))
    visitor_page = text(client.get(f"/s/{space.slug}/t/{thread.public_id}"))
    assert handle in visitor_page and "member_mo" not in visitor_page
    kinds = db.session.scalars(
        select(Persona.kind)
        .join(Post, Post.persona_id == Persona.id)
        .where(Post.space_id == space.id)
    ).all()
    assert kinds == [PersonaKind.PSEUDONYM]


def test_a_former_pseudonym_must_tick_post_under_my_username_in_a_named_space(
    quiet, owner, member, sign_in
):
    space, thread = quiet
    open_to_names(space, owner, sign_in)
    client = sign_in(member)
    parent = first_post_id(thread)
    assert CONFIRM in text(client.get(f"/s/{space.slug}/t/{thread.public_id}"))

    # The form sent without the box ticked (or forged without the field): nothing is posted.
    response = reply(client, parent, body="My words, kept.", identity="named")
    assert response.status_code == 400
    assert "tick “Post under my username”" in form_errors(text(response))
    assert "My words, kept." in text(response)
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1

    response = reply(client, parent, body="Now under my name.", identity="named", confirm_named="y")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"], follow_redirects=True))
    assert "Now under my name." in page and ">member_mo<" in page


def test_a_new_thread_in_a_named_space_asks_the_same(quiet, owner, member, sign_in):
    space, _ = quiet
    open_to_names(space, owner, sign_in)
    client = sign_in(member)
    data = {"title": "A new one", "body": "Typed first.", "identity": "named"}
    response = client.submit(f"/s/{space.slug}/new", data)
    assert response.status_code == 400
    assert "Typed first." in text(response)
    assert client.submit(f"/s/{space.slug}/new", data | {"confirm_named": "y"}).status_code == 302


def test_a_member_who_never_used_a_pseudonym_there_is_not_asked(quiet, owner, make_user, sign_in):
    space, thread = quiet
    open_to_names(space, owner, sign_in)
    newcomer = make_user("nora_new")
    add_member(space, newcomer)
    client = sign_in(newcomer)
    assert "Post under my username" not in text(client.get(f"/s/{space.slug}/t/{thread.public_id}"))
    assert reply(client, first_post_id(thread), identity="named").status_code == 302


def test_in_choice_mode_the_pseudonym_is_preselected_even_after_a_named_post(
    space, member, member_client
):
    start_thread(member, space, title="Under my name", kind="named")
    page = member_client.get(f"/s/{space.slug}/new").get_data(as_text=True)
    checked = re.findall(
        r'<input[^>]*checked[^>]*value="(\w+)"|<input[^>]*value="(\w+)"[^>]*checked', page
    )
    assert [a or b for a, b in checked] == ["pseudonym"]
