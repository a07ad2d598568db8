"""Error pages: every error a visitor can meet is a page in the site layout with a clear message."""

import pytest
from flask import abort

from forum import create_app
from tests.conftest import settings_for_tests
from tests.support.client import Client


def assert_site_page(response, code, text):
    assert response.status_code == code
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<a class="skip-link"' in page  # the site layout
    assert text in page
    assert "Traceback" not in page


def test_404_page(client):
    assert_site_page(client.get("/no/such/page"), 404, "There is nothing here.")


def test_405_page_keeps_the_allow_header(client):
    response = client.get("/logout")
    assert_site_page(response, 405, "does not accept this kind of request")
    assert "POST" in response.headers["Allow"]


def test_400_page_for_a_missing_csrf_token(client):
    assert_site_page(client.post("/login"), 400, "This form had expired")


def test_413_page_for_an_oversized_request(client):
    response = client.post("/login", data={"username": "x" * (2 * 1024 * 1024)})
    assert_site_page(response, 413, "larger than this site accepts")


@pytest.fixture
def app_with_failing_routes(database_uri, _schema):
    app = create_app(settings_for_tests(database_uri) | {"PROPAGATE_EXCEPTIONS": False})
    app.test_client_class = Client

    @app.route("/forbidden")
    def forbidden():
        abort(403)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    return app


def test_403_page(app_with_failing_routes):
    response = app_with_failing_routes.test_client().get("/forbidden")
    assert_site_page(response, 403, "You do not have permission to do that.")


def test_500_page_hides_the_error(app_with_failing_routes):
    response = app_with_failing_routes.test_client().get("/boom")
    assert_site_page(response, 500, "The error was on our side")
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_429_page_says_when_to_try_again(database_uri, _schema):
    app = create_app(settings_for_tests(database_uri) | {"RATELIMIT_DEFAULT": "2 per minute"})
    client = app.test_client()
    client.get("/")
    client.get("/")
    response = client.get("/")
    assert_site_page(response, 429, "Try again in")
    assert 0 < int(response.headers["Retry-After"]) <= 61  # a one-minute window, rounded up


@pytest.mark.parametrize("id_", ["2147483648", "9223372036854775808", "9" * 40])
@pytest.mark.parametrize("path", ["/s/any/members/{}/ban", "/s/any/members/{}/remove"])
def test_an_id_no_database_integer_holds_is_404_not_an_error(app_with_failing_routes, path, id_):
    client = app_with_failing_routes.test_client()
    assert_site_page(client.get(path.format(id_)), 404, "There is nothing here.")


# A row id, a near miss of a public id, or anything else that is not one: no route, 404.
MALFORMED_PUBLIC_IDS = [
    "1",
    "2147483648",
    "ABCDEFGHIJKL",
    "abcdefghijk",
    "abcdefghijklm",
    "abcdefghij01",
    "abcdefghij%2F",
    "abcdefghij--",
    "%00" * 4,
]


@pytest.mark.parametrize("id_", MALFORMED_PUBLIC_IDS)
@pytest.mark.parametrize(
    "path",
    [
        "/p/{}",
        "/p/{}/reply",
        "/p/{}/edit",
        "/p/{}/delete",
        "/p/{}/revisions",
        "/s/any/t/{}",
        "/s/any/t/{}/lock",
        "/s/any/t/abcdefghijkl/branch/{}",
    ],
)
def test_a_malformed_public_id_is_404(app_with_failing_routes, path, id_):
    client = app_with_failing_routes.test_client()
    assert_site_page(client.get(path.format(id_)), 404, "There is nothing here.")
