"""Two application servers behind nginx, sharing the database and Redis: one site, not two.

Each request names the server that answers it (nginx routes by the X-Backend header), so a
member's journey alternates between them: signed in on one, posting on the other, signed out
on one and so on both, and a limit spent on both counts once.
"""

import re
import secrets
import shutil

import pytest

from bench.servers import Gunicorn
from forum.extensions import db
from tests import factories
from tests.conftest import skip_or_fail
from tests.factories import PASSWORD
from tests.servers.conftest import documentation_address
from tests.support.servers import Browser, nginx_in_front_of

SERVERS = ("a", "b")


@pytest.fixture(scope="module")
def site(server_settings, redis_url, redis_prefix):
    """nginx on loopback in front of two gunicorn servers of one worker each."""
    if not shutil.which("nginx") and not shutil.which("/usr/sbin/nginx"):
        skip_or_fail("nginx is not installed (apt-get install nginx)")
    settings = server_settings | {
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_REDIS_PREFIX": redis_prefix,
    }
    a, b = Gunicorn(settings, workers=1), Gunicorn(settings, workers=1)
    try:
        a.start()
        b.start()
        with nginx_in_front_of(a, b) as base:
            yield base, {"a": a, "b": b}
    finally:
        a.stop()
        b.stop()


@pytest.fixture
def browser(site) -> Browser:
    base, _servers = site
    # nginx trusts the load balancer it sits behind (the test) for the client's address.
    return Browser(base, {"X-Forwarded-For": documentation_address()})


def on(server: str) -> dict[str, str]:
    return {"X-Backend": server}


def test_nginx_routes_each_request_to_the_server_it_names(site, browser):
    _base, servers = site
    for name in SERVERS:
        answer = browser.get("/healthz", **on(name))
        assert answer.status == 200
        assert answer.headers["X-Upstream"] == f"127.0.0.1:{servers[name].port}"


def test_a_members_journey_alternating_between_the_servers(app, browser):
    member = factories.make_user("journey_jo")
    space = factories.make_space("commons", kind="public")
    factories.add_member(space, member)
    thread_page = f"/s/commons/t/{factories.start_thread(member, space).public_id}"
    db.session.remove()  # the servers write next; the test holds no transaction open

    # Signed in on a: b knows the session (it is a row in the shared database).
    target, fields = browser.form("/login", **on("a"))
    signed_in = browser.request(
        "POST", target, fields | {"username": "journey_jo", "password": PASSWORD}, **on("b")
    )
    assert signed_in.status == 302
    for name in SERVERS:
        page = browser.get("/settings", **on(name))
        assert page.status == 200, f"not signed in on {name}"
        assert "journey_jo" in page.text

    # A reply whose form came from b is posted through a, and read on b.
    words = f"Posted through a, read on b {secrets.token_hex(3)}"
    reply_form = re.search(r'action="(/p/[^"]+/reply)"', browser.get(thread_page, **on("b")).text)
    target, fields = browser.form(reply_form.group(1), **on("b"))
    posted = browser.request("POST", target, fields | {"body": words}, **on("a"))
    assert posted.status == 302, posted.text[:500]
    assert words in browser.get(thread_page, **on("b")).text

    # Signed out on a: signed out on b too.
    page = browser.get("/settings", **on("b"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert browser.request("POST", "/logout", {"csrf_token": token}, **on("a")).status == 302
    for name in SERVERS:
        answer = browser.get("/settings", **on(name))
        assert answer.status == 302, f"still signed in on {name}"
        assert "/login" in answer.headers["Location"]


def test_the_sign_in_limit_counts_attempts_on_both_servers_once(browser):
    limit = 10  # RATELIMIT_LOGIN_PER_ADDRESS
    target, fields = browser.form("/login", **on("a"))

    def guess(server: str):
        wrong = {"username": f"guess_{secrets.token_hex(4)}", "password": "a wrong guess"}
        return browser.request("POST", target, fields | wrong, **on(server))

    answers = [guess(SERVERS[number % 2]).status for number in range(limit)]
    assert answers == [200] * limit
    # Five attempts on each: either server alone would allow five more.
    for name in SERVERS:
        refused = guess(name)
        assert refused.status == 429, f"{name} let an eleventh attempt through"
        assert int(refused.headers["Retry-After"]) <= 60
