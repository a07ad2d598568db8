"""/healthz and /readyz for the proxy and orchestration, and the request log's JSON lines."""

import json

import pytest

from bench.servers import free_port
from forum import create_app
from tests.conftest import settings_for_tests
from tests.support.client import Client

ADDRESS = "198.51.100.23"  # a documentation address (RFC 5737)


def app_with(database_uri, **settings):
    app = create_app(settings_for_tests(database_uri) | settings)
    app.test_client_class = Client
    return app


def test_healthz_answers_without_the_database_a_cookie_or_a_limit(app, count_queries):
    client = app.test_client()
    with count_queries() as queries:
        answers = [client.get("/healthz") for _ in range(3)]
    assert queries.count == 0
    for answer in answers:
        assert answer.status_code == 200
        assert answer.json == {"status": "ok"}
        assert "Set-Cookie" not in answer.headers
        assert answer.headers["Cache-Control"] == "no-store"


def test_readyz_is_200_when_the_database_and_the_limit_storage_answer(app):
    answer = app.test_client().get("/readyz")

    assert answer.status_code == 200
    assert answer.json == {"status": "ok", "database": "ok", "ratelimit_storage": "ok"}
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_naming_the_database_that_does_not_answer(tmp_path):
    # A database file in a folder that does not exist: SQLite cannot open it.
    missing = "sqlite:///" + str(tmp_path / "gone" / "nowhere.sqlite3")
    answer = app_with(missing).test_client().get("/readyz")

    assert answer.status_code == 503
    assert answer.json == {
        "status": "unavailable",
        "database": "unavailable",
        "ratelimit_storage": "ok",
    }
    assert "nowhere" not in answer.get_data(as_text=True)  # no path, URL or secret


def test_readyz_is_503_naming_a_redis_that_does_not_answer(database_uri, _schema):
    password = "s3cret-in-the-url"
    storage = f"redis://:{password}@127.0.0.1:{free_port()}/0"
    answer = app_with(database_uri, RATELIMIT_STORAGE_URI=storage).test_client().get("/readyz")

    assert answer.status_code == 503
    assert answer.json["ratelimit_storage"] == "unavailable"
    assert answer.json["database"] == "ok"
    assert password not in answer.get_data(as_text=True)


def test_health_checks_are_never_rate_limited(database_uri, _schema):
    app = app_with(database_uri, RATELIMIT_DEFAULT="2 per minute")
    client = app.test_client()
    assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
    assert [client.get("/readyz").status_code for _ in range(5)] == [200] * 5
    # The same budget refuses an ordinary page: the exemption is what let them through.
    assert [client.get("/about").status_code for _ in range(3)] == [200, 200, 429]


def request_lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def test_each_request_logs_one_json_line_without_the_query_or_an_address(app, capsys):
    capsys.readouterr()
    client = app.test_client()
    client.get("/search?q=my+secret+words", environ_base={"REMOTE_ADDR": ADDRESS})
    client.get("/no-such-page", environ_base={"REMOTE_ADDR": ADDRESS})

    captured = capsys.readouterr().err
    lines = request_lines(captured)
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/search", 200),
        ("GET", "/no-such-page", 404),
    ]
    for line in lines:
        assert set(line) == {"method", "path", "status", "duration_ms", "pid"}
        assert line["duration_ms"] >= 0
    assert ADDRESS not in captured
    assert "secret" not in captured


def test_an_operator_may_log_client_addresses(database_uri, _schema, capsys):
    app = app_with(database_uri, LOG_CLIENT_ADDRESS=True)
    capsys.readouterr()
    app.test_client().get("/about", environ_base={"REMOTE_ADDR": ADDRESS})

    [line] = request_lines(capsys.readouterr().err)
    assert line["client"] == ADDRESS
    assert line["path"] == "/about"


@pytest.mark.parametrize("log_address", [False, True])
def test_the_privacy_page_says_whether_addresses_are_logged(database_uri, _schema, log_address):
    app = app_with(database_uri, LOG_CLIENT_ADDRESS=log_address)
    page = app.test_client().get("/privacy").get_data(as_text=True)

    assert ("client addresses in its request log" in page) == log_address
