"""The signed-out visitors' page cache: shared public pages only, never personal or closed ones."""

import pytest

from forum import anon_cache, create_app
from forum.extensions import db
from forum.spaces.membership import admit
from tests.conftest import settings_for_tests
from tests.factories import add_member, first_post, make_space, reply, start_thread
from tests.support.client import Client


@pytest.fixture
def cached_app(database_uri, _schema, app):
    cached = create_app(settings_for_tests(database_uri) | {"ANON_CACHE_SECONDS": 30})
    cached.test_client_class = Client
    return cached


def test_visitors_share_a_recent_rendering_of_a_public_page(cached_app):
    visitor = cached_app.test_client()
    assert "Fresh Space" not in visitor.get("/").get_data(as_text=True)
    make_space("fresh", name="Fresh Space")
    assert "Fresh Space" not in cached_app.test_client().get("/").get_data(as_text=True)


def test_a_cached_page_expires(cached_app, monkeypatch):
    cached_app.test_client().get("/")
    make_space("fresh", name="Fresh Space")
    now = anon_cache.time.monotonic()
    monkeypatch.setattr(anon_cache.time, "monotonic", lambda: now + 31)
    assert "Fresh Space" in cached_app.test_client().get("/").get_data(as_text=True)


def test_signed_in_people_and_visitors_with_cookies_bypass_it(cached_app, make_user):
    cached_app.test_client().get("/")
    make_space("fresh", name="Fresh Space")
    make_user("reader")
    signed_in = cached_app.test_client()
    signed_in.submit("/login", {"username": "reader", "password": "plum tiger lantern 42"})
    assert "Fresh Space" in signed_in.get("/").get_data(as_text=True)
    with_cookie = cached_app.test_client()
    with_cookie.set_cookie("something", "1")
    assert "Fresh Space" in with_cookie.get("/").get_data(as_text=True)


def test_personal_pages_are_never_stored_for_visitors(cached_app, make_user):
    user = make_user("reader")
    space = make_space("circle", name="Circle", visibility="members", join_policy="request")
    admit(user, space)
    db.session.commit()
    signed_in = cached_app.test_client()
    signed_in.submit("/login", {"username": "reader", "password": "plum tiger lantern 42"})
    signed_in.get("/")  # personal: has a cookie, never stored
    page = cached_app.test_client().get("/").get_data(as_text=True)
    assert "reader" not in page
    assert "Sign in" in page


def test_pages_that_set_a_cookie_or_forbid_storing_are_not_kept(cached_app):
    first = cached_app.test_client().get("/login")
    second = cached_app.test_client().get("/login")
    # Each visitor gets a session of their own, with its own CSRF token.
    assert first.headers.get("Set-Cookie") and second.headers.get("Set-Cookie")
    assert first.get_data() != second.get_data()
    make_space("circle", name="Circle", visibility="members", join_policy="request")
    response = cached_app.test_client().get("/s/circle")
    assert response.headers["Cache-Control"] == "no-store"
    cache = cached_app.extensions["safe_spaces.anon_cache"]
    assert cache.get("/s/circle?") is None


def test_cached_pages_keep_the_security_headers(cached_app):
    cached_app.test_client().get("/")
    again = cached_app.test_client().get("/")
    assert "default-src 'self'" in again.headers["Content-Security-Policy"]
    assert again.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def small_cache_app(database_uri, _schema, app):
    settings = settings_for_tests(database_uri) | {
        "ANON_CACHE_SECONDS": 30,
        "ANON_CACHE_MAX_BYTES": 300_000,
    }
    small = create_app(settings)
    small.test_client_class = Client
    return small


@pytest.fixture
def huge_thread_url(member):
    """A public thread whose page is large: a long first post and long replies."""
    space = make_space("open", name="Open Space")
    add_member(space, member)
    thread = start_thread(member, space, title="A long read", body="word " * 3900)
    for number in range(3):
        reply(member, first_post(thread), f"Reply {number}: " + "text " * 3900)
    return f"/s/open/t/{thread.public_id}"


def test_a_flood_of_distinct_urls_never_holds_more_than_the_bound(small_cache_app, huge_thread_url):
    cache = small_cache_app.extensions["safe_spaces.anon_cache"]
    visitor = small_cache_app.test_client()
    page_size = len(visitor.get(huge_thread_url).get_data())
    assert page_size > 60_000
    # A scraper asks for the same large page under ever new query strings.
    for number in range(40):
        assert visitor.get(f"{huge_thread_url}?x={number}").status_code == 200
        assert cache.bytes_held <= cache.max_bytes
    assert 0 < len(cache) <= cache.max_bytes // page_size
    # The latest pages are kept, the oldest went first.
    assert cache.get(f"{huge_thread_url}?x=39") is not None
    assert cache.get(f"{huge_thread_url}?x=0") is None


def test_a_page_larger_than_the_bound_is_not_cached(small_cache_app, huge_thread_url):
    cache = small_cache_app.extensions["safe_spaces.anon_cache"]
    cache.max_bytes = 20_000  # room for the front page, not for the thread
    visitor = small_cache_app.test_client()
    assert visitor.get("/").status_code == 200
    assert cache.get("/?") is not None  # a small page is kept
    assert visitor.get(huge_thread_url).status_code == 200
    assert cache.get(f"{huge_thread_url}?") is None
    # Nor does it push out the pages that fit.
    assert cache.get("/?") is not None
    assert cache.bytes_held <= cache.max_bytes


def test_expired_pages_are_dropped_not_kept(small_cache_app, huge_thread_url, monkeypatch):
    cache = small_cache_app.extensions["safe_spaces.anon_cache"]
    visitor = small_cache_app.test_client()
    for number in range(3):
        visitor.get(f"{huge_thread_url}?x={number}")
    assert len(cache) == 3
    now = anon_cache.time.monotonic()
    monkeypatch.setattr(anon_cache.time, "monotonic", lambda: now + 31)
    visitor.get("/")
    assert len(cache) == 1  # only the page just stored
    assert cache.bytes_held == cache.get("/?").size
