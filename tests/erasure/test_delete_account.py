"""Deleting one's account erases what the person wrote and what is kept about them, at once,
and only with their password, their tick, and a space or site left with someone in charge."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from forum.events.registrations import register
from forum.events.services import add_event
from forum.extensions import db
from forum.models import (
    BrowserSession,
    Event,
    Membership,
    Notification,
    Persona,
    Post,
    PostRevision,
    PostStatus,
    Registration,
    Role,
    Space,
    Thread,
    User,
)
from forum.resources.services import Details, Upload, add_resource
from forum.storage import StoredFileMissing, storage
from forum.threads.services import edit_post
from tests import factories
from tests.factories import PASSWORD
from tests.leaks.conftest import lift_posting_limits
from tests.resources.samples import pdf
from tests.support.pages import form_errors, text

SECRET = "Something only I should ever have said"


@pytest.fixture
def writer(app):
    """A member who wrote under their name and a pseudonym in two spaces, edited a reply, was
    replied to (and so told), and is signed in on two browsers."""
    owner = factories.make_user("oona_owner")
    public = factories.make_space("open-room", owner, "public")
    closed = factories.make_space("closed-room", owner, "members")
    author = factories.make_user("ari_author")
    other = factories.make_user("bo_bystander")
    for space in (public, closed):
        factories.add_member(space, author)
        factories.add_member(space, other)
    named = factories.start_thread(
        author, public, title=f"{SECRET} title", body=SECRET, kind="named"
    )
    hidden = factories.start_thread(author, closed, body=f"{SECRET} in private")
    mine = factories.reply(author, factories.first_post(hidden), body=f"{SECRET} too")
    edit_post(author, mine, body=f"{SECRET}, edited")
    answer = factories.reply(other, mine, body="An answer that stays.")
    db.session.commit()
    first, second = factories.sign_in(app, author), factories.sign_in(app, author)
    return {
        "author": author,
        "other": other,
        "owner": owner,
        "named": named,
        "answer": answer,
        "spaces": (public, closed),
        "browsers": (first, second),
    }


def _delete(client, password=PASSWORD, understood="y"):
    fields = {"password": password}
    if understood:
        fields["understood"] = understood
    return client.submit("/settings/delete", fields)


def test_deleting_erases_every_post_title_and_revision(writer):
    author_id = writer["author"].id
    response = _delete(writer["browsers"][0])
    assert response.status_code == 302
    personas = select(Persona.id).where(Persona.user_id == author_id)
    posts = db.session.scalars(select(Post).where(Post.persona_id.in_(personas))).all()
    assert len(posts) == 3
    assert {post.status for post in posts} == {PostStatus.DELETED}
    assert all(post.body_source == post.body_html == "" for post in posts)
    revisions = select(PostRevision).where(PostRevision.post_id.in_([p.id for p in posts]))
    assert db.session.scalars(revisions).all() == []
    titles = db.session.scalars(select(Thread.title).where(Thread.persona_id.in_(personas)))
    assert set(titles) == {""}


def test_replies_of_others_keep_their_place_and_their_words(writer, app):
    _delete(writer["browsers"][0])
    other = factories.sign_in(app, writer["other"])
    answer = db.session.get(Post, writer["answer"].id)
    thread = db.session.get(Thread, answer.thread_id)
    page = text(other.get(f"/s/closed-room/t/{thread.public_id}"))
    assert "An answer that stays." in page
    assert SECRET not in page


def test_nothing_the_person_wrote_is_found_or_shown_anywhere(writer, client):
    _delete(writer["browsers"][0])
    assert SECRET not in text(client.get("/s/open-room"))
    assert SECRET not in text(client.get("/search?q=only+should+ever"))
    assert client.get("/u/ari_author").status_code == 404


def test_memberships_notifications_and_sessions_go_and_counts_follow(writer):
    author_id = writer["author"].id
    assert db.session.scalar(select(func.count()).where(Notification.user_id == author_id))
    _delete(writer["browsers"][0])
    for table in (Membership, Notification, BrowserSession):
        remaining = select(func.count()).select_from(table).where(table.user_id == author_id)
        assert db.session.scalar(remaining) == 0, table
    counts = db.session.scalars(select(Space.member_count).order_by(Space.id)).all()
    assert counts == [2, 2]  # the owner and the bystander


def test_every_browser_is_signed_out_and_the_password_opens_nothing(writer, app):
    first, second = writer["browsers"]
    response = _delete(first)
    assert "Your account is deleted" in text(first.get(response.location))
    for browser in (first, second):
        assert browser.get("/settings").status_code == 302
    login = app.test_client().submit("/login", {"username": "ari_author", "password": PASSWORD})
    assert login.status_code != 302


def test_the_username_is_freed_and_no_named_persona_keeps_it(writer, app):
    _delete(writer["browsers"][0])
    handles = db.session.scalars(select(Persona.handle)).all()
    assert "ari_author" not in handles
    deleted = db.session.get(User, writer["author"].id)
    assert deleted.deleted_at is not None and deleted.email is None
    assert deleted.username != "ari_author" and not deleted.is_admin
    factories.make_user("ari_author")  # someone new may take the name


def test_a_wrong_password_deletes_nothing_and_says_so(writer):
    response = _delete(writer["browsers"][0], password="not my password at all")
    assert response.status_code == 400
    assert "That is not your password. Nothing was deleted." in form_errors(text(response))
    assert db.session.get(User, writer["author"].id).deleted_at is None
    assert SECRET in db.session.get(Thread, writer["named"].id).title


def test_without_the_tick_nothing_is_deleted(writer):
    response = _delete(writer["browsers"][0], understood=None)
    assert response.status_code == 400
    assert "tick the box" in form_errors(text(response))
    assert db.session.get(User, writer["author"].id).deleted_at is None


def test_a_forged_post_without_a_csrf_token_deletes_nothing(writer):
    response = writer["browsers"][0].post(
        "/settings/delete", data={"password": PASSWORD, "understood": "y"}
    )
    assert response.status_code == 400
    assert db.session.get(User, writer["author"].id).deleted_at is None


def test_a_visitor_is_asked_to_sign_in(client):
    assert client.get("/settings/delete").status_code == 302


def test_the_last_owner_of_a_space_is_told_to_hand_it_on_first(writer, app):
    owner_browser = factories.sign_in(app, writer["owner"])
    page = text(owner_browser.get("/settings/delete"))
    assert "You are the last owner of" in page and "open-room" in page
    response = _delete(owner_browser)
    assert response.status_code == 400
    assert "make another member an owner first" in form_errors(text(response))
    assert db.session.get(User, writer["owner"].id).deleted_at is None
    public, closed = writer["spaces"]
    for space in (public, closed):
        factories.add_member(space, writer["other"], Role.OWNER)
    assert _delete(owner_browser).status_code == 302


def test_the_only_site_admin_is_told_to_name_another_first(app):
    root = factories.make_user("site_root", is_admin=True)
    browser = factories.sign_in(app, root)
    response = _delete(browser)
    assert response.status_code == 400
    assert "only admin" in form_errors(text(response))
    factories.make_user("second_root", is_admin=True)
    assert _delete(browser).status_code == 302


def test_a_deleted_account_leaves_the_admins_list(writer, app):
    admin = factories.sign_in(app, factories.make_user("site_root", is_admin=True))
    assert "ari_author" in text(admin.get("/admin"))
    accounts = text(admin.get("/admin")).count('<th scope="row"><bdi>')
    _delete(writer["browsers"][0])
    page = text(admin.get("/admin"))
    assert page.count('<th scope="row"><bdi>') == accounts - 1
    assert "deleted-" not in page


def test_the_files_of_shared_resources_leave_storage(writer, app):

    lift_posting_limits(app)
    resource = add_resource(
        writer["author"],
        writer["spaces"][0],
        Details(kind="report"),
        Upload("report.pdf", pdf()),
        title="A report of mine",
        summary="What we found.",
        identity="pseudonym",
        accept_rules=True,
    )
    db.session.commit()
    key = resource.file_key
    assert storage().read(key)
    _delete(writer["browsers"][0])
    with pytest.raises(StoredFileMissing):
        storage().read(key)
    db.session.refresh(resource)
    assert resource.file_key is None


def test_registrations_are_withdrawn_and_their_places_freed(writer, app):

    event = add_event(
        writer["owner"],
        writer["spaces"][0],
        kind="named",
        title="A meeting",
        description="",
        starts_local=datetime(2031, 3, 1, 18, 0),
        ends_local=datetime(2031, 3, 1, 20, 0),
        time_zone="Europe/London",
        format="in_person",
        venue="The hall",
        meeting_url="",
        registration="open",
        capacity=1,
    )
    db.session.commit()
    register(writer["author"], event, kind="pseudonym")
    db.session.commit()
    assert db.session.get(Event, event.id).accepted_count == 1
    _delete(writer["browsers"][0])
    db.session.expire_all()
    assert db.session.get(Event, event.id).accepted_count == 0
    assert db.session.scalars(select(Registration)).all() == []
