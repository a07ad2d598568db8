"""People can always remove their own words: after leaving, removal or a ban, an author still
finds their posts in a space and deletes them (never edits them), and a deletion erases the
text from the database, not only from the pages."""

import re

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, PostRevision, PostStatus, Role, Thread
from forum.spaces.membership import leave_space
from forum.threads.services import edit_post
from moderation import services as moderation
from tests import factories
from tests.support.pages import csrf_token

SECRET = "The words I no longer want anyone to keep"


@pytest.fixture
def written(app):
    """A closed space where a member started a thread and replied, then edited the reply."""

    def build(kind: str = "members"):
        owner = factories.make_user("oona_owner")
        space = factories.make_space(f"{kind}-room", owner, kind)
        author = factories.make_user("ari_author")
        factories.add_member(space, author)
        thread = factories.start_thread(author, space, title=f"{SECRET} title", body=SECRET)
        reply = factories.reply(author, factories.first_post(thread), body=f"{SECRET} too")
        edit_post(author, reply, body=f"{SECRET}, edited")
        db.session.commit()
        return owner, space, author, thread, reply

    return build


def _leave(space, author, owner, how: str) -> None:
    membership = factories.membership_of(space, author)
    if how == "left":
        leave_space(author, space)
    elif how == "removed":
        moderation.remove_member(owner, space, membership.id, "Kept posting off-topic.")
    else:
        moderation.ban_member(owner, space, membership.id, "Threatened another member.")
    db.session.commit()


def _own_posts_page(client, space) -> str:
    response = client.get(f"/s/{space.slug}/mine")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    return response.get_data(as_text=True)


def _without_tokens(response) -> str:
    return re.sub(r'(csrf_token"[^>]*value=")[^"]+', r"\1…", response.get_data(as_text=True))


def _delete_links(html: str) -> list[str]:
    """The list's "Delete" links: each opens the page that asks to confirm."""
    return [href for href in re.findall(r'href="([^"]+/delete)"', html)]


@pytest.mark.parametrize("kind", ["members", "hidden"])
@pytest.mark.parametrize("how", ["left", "removed", "banned"])
def test_an_author_who_lost_access_still_finds_and_deletes_their_posts(written, sign_in, kind, how):
    owner, space, author, thread, reply = written(kind)
    _leave(space, author, owner, how)
    client = sign_in(author)
    # The thread itself stays closed to them.
    assert client.get(f"/s/{space.slug}/t/{thread.public_id}").status_code == 404
    html = _own_posts_page(client, space)
    assert f"{SECRET}, edited" in html and f"{SECRET} title" in html
    links = _delete_links(html)
    assert len(links) == 2
    for link in links:
        confirm = client.get(link)  # the list links to the page that asks first
        assert confirm.status_code == 200
        assert "Delete this post?" in confirm.get_data(as_text=True)
        response = client.post(link, data={"csrf_token": csrf_token(client, link)})
        assert response.status_code == 302
        assert response.headers["Location"] == f"/s/{space.slug}/mine"
    db.session.expire_all()
    assert {post.status for post in db.session.scalars(select(Post))} == {PostStatus.DELETED}
    assert SECRET not in _own_posts_page(client, space)


def test_a_deletion_erases_the_words_title_warning_and_revisions_from_the_database(
    written, sign_in
):
    owner, space, author, thread, reply = written()
    client = sign_in(author)
    for post in (reply, factories.first_post(thread)):
        link = f"/p/{post.public_id}/delete"
        assert client.post(link, data={"csrf_token": csrf_token(client, link)}).status_code == 302
    db.session.expire_all()
    for post in db.session.scalars(select(Post)):
        assert (post.body_source, post.body_html, post.content_warning) == ("", "", None)
    assert db.session.scalars(select(PostRevision)).all() == []
    assert db.session.get(Thread, thread.id).title == ""
    # Readers see the placeholder, as before.
    page = sign_in(owner).get(f"/s/{space.slug}/t/{thread.public_id}")
    assert SECRET not in page.get_data(as_text=True)


def test_an_author_who_left_cannot_edit_what_they_still_may_delete(written, sign_in):
    owner, space, author, thread, reply = written("public")
    _leave(space, author, owner, "left")
    client = sign_in(author)
    edit = client.post(
        f"/p/{reply.public_id}/edit",
        data={"csrf_token": csrf_token(client, f"/s/{space.slug}"), "body": "Rewritten."},
    )
    assert edit.status_code == 403
    db.session.expire_all()
    assert db.session.get(Post, reply.id).body_source == f"{SECRET}, edited"


@pytest.mark.parametrize("kind", ["members", "hidden"])
def test_nobody_else_reaches_an_authors_list_or_deletes_their_posts(
    written, sign_in, make_user, kind
):
    owner, space, author, thread, reply = written(kind)
    _leave(space, author, owner, "banned")
    outsider = sign_in(make_user("otto_outsider"))
    staff = sign_in(owner)  # the space's owner, reading the space, but not the author
    for client in (outsider, staff):
        mine = client.get(f"/s/{space.slug}/mine")
        assert mine.status_code == 404
        assert _without_tokens(mine) == _without_tokens(client.get("/s/no-such-space/mine"))
    refused = outsider.post(
        f"/p/{reply.public_id}/delete", data={"csrf_token": csrf_token(outsider, "/")}
    )
    assert refused.status_code == 404
    assert staff.post(
        f"/p/{reply.public_id}/delete", data={"csrf_token": csrf_token(staff, "/")}
    ).status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(Post, reply.id).status == PostStatus.VISIBLE


def test_a_delete_without_its_csrf_token_deletes_nothing(written, sign_in):
    owner, space, author, thread, reply = written()
    _leave(space, author, owner, "left")
    response = sign_in(author).post(f"/p/{reply.public_id}/delete", data={})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Post, reply.id).status == PostStatus.VISIBLE


def test_a_visitor_is_sent_to_sign_in(written, client):
    owner, space, author, thread, reply = written()
    response = client.get(f"/s/{space.slug}/mine")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_identities_page_links_to_each_spaces_own_posts(written, sign_in):
    owner, space, author, thread, reply = written("hidden")
    _leave(space, author, owner, "removed")
    html = sign_in(author).get("/settings/identities").get_data(as_text=True)
    assert f'href="/s/{space.slug}/mine"' in html


def test_a_removed_post_is_listed_but_not_the_authors_to_delete(written, sign_in):
    owner, space, author, thread, reply = written()
    db.session.get(Post, reply.id).status = PostStatus.REMOVED
    db.session.commit()
    client = sign_in(author)
    html = _own_posts_page(client, space)
    assert f"/p/{reply.public_id}/delete" not in html
    assert f"{SECRET}, edited" in html


def test_staff_keep_their_roles_but_no_one_deletes_for_the_author(written, sign_in, make_user):
    owner, space, author, thread, reply = written()
    moderator = make_user("max_mod")
    factories.add_member(space, moderator, Role.MODERATOR)
    client = sign_in(moderator)
    response = client.post(
        f"/p/{reply.public_id}/delete", data={"csrf_token": csrf_token(client, f"/s/{space.slug}")}
    )
    assert response.status_code == 403
