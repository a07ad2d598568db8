"""Bad input never gives a 5xx and never loses text: control characters in every form and URL,
a `next=` that would split a header, and absolute links that a forged Host cannot redirect.

Every form is found on the pages as a browser finds it, and each of its text fields is sent with
a control character inside: the form comes back with the text kept and a message saying why.
On PostgreSQL, which cannot store NUL, this is what once lost a post to a 500.
"""

import os
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.extensions import db
from forum.inputs import has_control
from forum.links import absolute_url
from forum.models import Post, Role, User
from tests import factories
from tests.conftest import settings_for_tests
from tests.support.forms import Form, read_forms

TYPED = "keep\x00this text"
BELL = "ring\x07ring"


@dataclass
class World:
    visitor: object
    admin: object
    outsider: object
    owner: object

    def page(self, client, url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} answered {response.status_code}"
        return response.get_data(as_text=True)

    def link(self, client, url: str, contains: str) -> str:
        """The first link on the page whose address contains `contains`."""
        html = self.page(client, url)
        for chunk in html.split('href="')[1:]:
            href = chunk.split('"', 1)[0]
            if contains in href:
                return href.replace("&amp;", "&")
        raise AssertionError(f"no link containing {contains!r} on {url}")


@pytest.fixture
def world(app) -> World:
    factories.make_label("Researcher")
    admin = factories.make_user("ada_steward", is_admin=True)
    space = factories.make_space("talk", admin, "public", identity_mode="choice")
    member = factories.make_user("mo_member")
    factories.add_member(space, member, Role.MEMBER)
    thread = factories.start_thread(admin, space, kind="named")
    factories.reply(member, factories.first_post(thread))
    owner = factories.make_user("oona_owner")
    asking = factories.make_space("asking", owner, "members", join_policy="request")
    factories.ask_to_join(asking, factories.make_user("pat_pending"))
    return World(
        visitor=app.test_client(),
        admin=factories.sign_in(app, admin),
        outsider=factories.sign_in(app, factories.make_user("ola_outsider")),
        owner=factories.sign_in(app, owner),
    )


# Every page with a form a person types into: who opens it, and how to find its address.
PAGES: dict[str, tuple[str, Callable[[World, object], str]]] = {
    "register": ("visitor", lambda w, c: "/register"),
    "sign in": ("visitor", lambda w, c: "/login"),
    "recover": ("visitor", lambda w, c: "/recover"),
    "account settings": ("admin", lambda w, c: "/settings"),
    "site admin": ("admin", lambda w, c: "/admin"),
    "new space": ("admin", lambda w, c: "/admin/spaces/new"),
    "new thread": ("admin", lambda w, c: "/s/talk/new"),
    "space settings": ("admin", lambda w, c: "/s/talk/settings"),
    "invitations": ("admin", lambda w, c: "/s/talk/invites"),
    "thread (reply)": ("admin", lambda w, c: w.link(c, "/s/talk", "/t/")),
    "reply page": ("admin", lambda w, c: w.link(c, w.link(c, "/s/talk", "/t/"), "/reply")),
    "edit": ("admin", lambda w, c: w.link(c, w.link(c, "/s/talk", "/t/"), "/edit")),
    "sanction": ("admin", lambda w, c: w.link(c, "/s/talk/members", "/ban")),
    "request to join": ("outsider", lambda w, c: "/s/asking"),
    "join requests": ("owner", lambda w, c: "/s/asking/requests"),
}


def typed_forms(html: str, page: str) -> list[Form]:
    return [
        form
        for form in read_forms(html, page)
        if form.method == "post" and urlsplit(form.action).path != "/logout" and form.text_fields()
    ]


def rows(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("page_name", PAGES)
def test_a_control_character_in_any_text_field_is_refused_with_the_text_kept(world, page_name):
    viewer, locate = PAGES[page_name]
    client = getattr(world, viewer)
    page = locate(world, client)
    forms = typed_forms(world.page(client, page), page)
    assert forms, f"{page_name}: no form to type into on {page}"
    posts_before = rows(Post)
    for form in forms:
        for name in form.text_fields():
            response = client.post(form.action, data={**form.fields, name: TYPED})
            where = f"{page_name}: {name} of the form to {form.action}"
            assert response.status_code in (200, 400), f"{where} answered {response.status_code}"
            html = response.get_data(as_text=True)
            assert "invisible control character (U+0000)" in html, where
            if form.kinds[name] != "password":  # a password is never sent back
                assert TYPED in html, f"{where}: the text was not kept"
    assert rows(Post) == posts_before


def test_a_line_break_in_a_one_line_field_is_refused_and_a_bell_anywhere(world):
    page = "/s/talk/new"
    form = typed_forms(world.page(world.admin, page), page)[0]
    fields = {**form.fields, "title": "Split\r\nSet-Cookie: x=1", "body": "Fine body."}
    response = world.admin.post(form.action, data=fields)
    assert response.status_code in (200, 400)
    assert "This field is one line" in response.get_data(as_text=True)
    response = world.admin.post(form.action, data={**fields, "title": "A title", "body": BELL})
    assert "(U+0007)" in response.get_data(as_text=True)
    # Line breaks and tabs in a post's body are text, not stray characters.
    posted = world.admin.post(form.action, data={**fields, "title": "A title", "body": "a\r\n\tb"})
    assert posted.status_code == 302, posted.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/u/ada%00steward",
        "/s/ta%00lk",
        "/s/talk%0d%0a/new",
        "/s/talk/t/%00",
        "/p/%00/edit",
        "/s/ta%c2%85lk",
    ],
)
def test_a_control_character_in_a_path_is_a_page_that_does_not_exist(world, path):
    assert world.visitor.get(path).status_code == 404
    assert world.admin.get(path).status_code == 404


@pytest.mark.parametrize(
    "query", ["page=%00", "page=1%0d%0a", "next=/%00", "q%00=1", "page=1%c2%9b"]
)
def test_a_control_character_in_a_query_is_a_clear_400(world, query):
    response = world.admin.get(f"/s/talk?{query}")
    assert response.status_code == 400
    assert "contains a control character" in response.get_data(as_text=True)


def test_a_control_character_is_exactly_what_unicode_calls_one():
    # Category Cc lies within U+0000–U+009F; the whole Basic Multilingual Plane is checked.
    every = [chr(code) for code in range(0x10000)]
    assert [c for c in every if has_control(c)] == [
        c for c in every if unicodedata.category(c) == "Cc"
    ]


def test_a_next_that_would_split_the_location_header_goes_home(world, app):
    user = db.session.scalar(select(User).where(User.username == "mo_member"))
    client = app.test_client()
    response = client.submit(
        "/login",
        {
            "username": user.username,
            "password": factories.PASSWORD,
            "next": "/x\r\nSet-Cookie: a=b",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "a=b" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("page", ["1" + "0" * 25, "9223372036854775808", "-1", "1e9", "٣"])
def test_page_numbers_past_any_integer_are_the_last_page_not_an_error(world, page):
    assert world.admin.get(f"/s/talk?page={page}").status_code == 200
    assert world.visitor.get(f"/s/talk?page={page}").status_code == 200


def test_an_invitation_link_comes_from_the_site_url_not_the_host_header(world, app):
    page = "/s/talk/invites"
    form = typed_forms(world.page(world.admin, page), page)[0]
    response = world.admin.post(form.action, data={**form.fields, "note": "For youth workers"})
    assert response.status_code == 302
    # The test client's requests name the host "localhost"; the site's address is another.
    html = world.admin.get(page).get_data(as_text=True)
    assert f"{app.config['SITE_URL']}/s/talk/invite/" in html
    assert "localhost" not in html
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        link = absolute_url("spaces.invitation", slug="talk", token="abc")
    assert link == f"{app.config['SITE_URL']}/s/talk/invite/abc"


@pytest.mark.parametrize("url", ["ftp://example.org", "example.org", "https://example.org/?x=1"])
def test_the_site_url_must_be_an_http_address(url):
    with pytest.raises(RuntimeError, match="SITE_URL"):
        create_app({"SITE_URL": url, "SECRET_KEY": "x"})


def test_the_sqlite_database_and_the_instance_folder_are_the_owners_alone(tmp_path):
    database = tmp_path / "forum.sqlite3"
    app = create_app(settings_for_tests(f"sqlite:///{database}"))
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    instance = Path(app.instance_path)
    assert stat.S_IMODE(instance.stat().st_mode) & 0o077 == 0
    # A database made readable to others is made private again when the app starts.
    os.chmod(database, 0o644)
    create_app(settings_for_tests(f"sqlite:///{database}"))
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
