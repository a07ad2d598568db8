"""The client's address is X-Forwarded-For's only when TRUSTED_PROXIES says a proxy sets it."""

import secrets

import pytest
from sqlalchemy import select

from forum import create_app
from forum.extensions import db
from forum.models import BrowserSession
from tests.conftest import settings_for_tests
from tests.factories import PASSWORD
from tests.support.client import Client


def app_behind(database_uri, proxies: int):
    app = create_app(settings_for_tests(database_uri) | {"TRUSTED_PROXIES": proxies})
    app.test_client_class = Client
    return app


def guess(app, forwarded_for: str, peer: str = "192.0.2.1"):
    # A new username each time, so that only the per-address budget is spent.
    return app.test_client().submit(
        "/login",
        {"username": f"someone_{secrets.token_hex(4)}", "password": "a wrong guess"},
        environ_base={"REMOTE_ADDR": peer},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_a_forged_forwarded_for_cannot_escape_the_per_address_limit(app):
    # No proxy in front (TRUSTED_PROXIES=0): the header is the client's own word, and ignored.
    for n in range(10):
        assert guess(app, f"198.51.100.{n}").status_code == 200
    refused = guess(app, "198.51.100.200")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_behind_a_trusted_proxy_its_forwarded_for_is_the_client(app, database_uri):
    proxied = app_behind(database_uri, proxies=1)
    with proxied.app_context():
        # Every request comes from the proxy's address; the header tells the clients apart.
        for _ in range(10):
            assert guess(proxied, "198.51.100.1", peer="127.0.0.1").status_code == 200
        assert guess(proxied, "198.51.100.1", peer="127.0.0.1").status_code == 429
        assert guess(proxied, "198.51.100.2", peer="127.0.0.1").status_code == 200
        db.engine.dispose()


@pytest.mark.parametrize("proxies", [0, 1])
def test_no_session_keeps_an_address(app, database_uri, member, proxies):
    proxied = app_behind(database_uri, proxies)
    with proxied.app_context():
        client = proxied.test_client()
        response = client.submit(
            "/login",
            {"username": "member_mo", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "203.0.113.77"},
            headers={"X-Forwarded-For": "198.51.100.66"},
        )
        assert response.status_code == 302
        record = db.session.scalar(select(BrowserSession))
        stored = " ".join(str(value) for value in vars(record).values())
        assert "203.0.113" not in stored and "198.51.100" not in stored
        db.engine.dispose()
