"""Rate limits: the default budget is one per client across every route of the site."""

import pytest

from forum import create_app
from tests.conftest import settings_for_tests
from tests.support.client import Client


@pytest.fixture
def strict_app(database_uri, _schema, app):
    strict = create_app(settings_for_tests(database_uri) | {"RATELIMIT_DEFAULT": "4 per minute"})
    strict.test_client_class = Client
    return strict


def test_requests_spread_across_routes_share_one_default_budget(strict_app):
    # An attacker scraping the site alternates between pages to get a budget per page.
    client = strict_app.test_client()
    for path in ("/", "/login", "/", "/login"):
        assert client.get(path).status_code == 200, path
    refused = client.get("/register")
    assert refused.status_code == 429
    assert "Try again in" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 61


def test_each_client_has_a_default_budget_of_its_own(strict_app):
    greedy = strict_app.test_client()
    for _ in range(4):
        greedy.get("/login")
    assert greedy.get("/").status_code == 429
    other = strict_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    assert other.get("/").status_code == 200
