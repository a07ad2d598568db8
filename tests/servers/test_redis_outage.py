"""When Redis stops, limits count in each process's memory: pages are served, floods still
refused, and /readyz says which service is down."""

import shutil
import subprocess
import tempfile
import time

import pytest

from bench.servers import HOST, free_port, stop
from forum import create_app
from forum.extensions import db
from tests.conftest import _delete_all_rows, settings_for_tests, skip_or_fail
from tests.factories import PASSWORD
from tests.servers.conftest import documentation_address
from tests.support.client import Client


@pytest.fixture(scope="module")
def redis_that_stopped():
    """A private redis-server that answered once and then stopped: its URL."""
    executable = shutil.which("redis-server")
    if not executable:
        skip_or_fail("redis-server is not installed (apt-get install redis-server)")
    import redis

    port = free_port()
    folder = tempfile.mkdtemp(prefix="redis-outage-")
    process = subprocess.Popen(  # noqa: S603
        [executable, "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", folder],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"redis://{HOST}:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url, client, process
    finally:
        client.close()
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def outage_app(database_uri, _schema, redis_that_stopped):
    url, client, process = redis_that_stopped
    app = create_app(settings_for_tests(database_uri) | {"RATELIMIT_STORAGE_URI": url})
    app.test_client_class = Client
    with app.app_context():
        # While Redis runs, the counters are there.
        assert app.test_client().get("/about").status_code == 200
        assert client.dbsize() > 0
        stop(process)
        yield app
        db.session.remove()
        _delete_all_rows()


def visitor(app, address: str | None = None) -> Client:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address or documentation_address()
    return client


def test_pages_are_served_while_redis_is_down(outage_app):
    client = visitor(outage_app)
    for path in ("/", "/about", "/login", "/register", "/search?q=anything", "/healthz"):
        assert client.get(path).status_code == 200, path


def test_readyz_says_the_rate_limit_storage_is_down(outage_app):
    answer = visitor(outage_app).get("/readyz")

    assert answer.status_code == 503
    assert answer.json == {
        "status": "unavailable",
        "database": "ok",
        "ratelimit_storage": "unavailable",
    }


def test_sign_in_stays_limited_while_redis_is_down(outage_app):
    client = visitor(outage_app)

    def attempt(number: int):
        return client.submit("/login", {"username": f"guess{number}", "password": "wrong guess"})

    assert [attempt(number).status_code for number in range(10)] == [200] * 10
    refused = attempt(10)
    assert refused.status_code == 429
    assert "Try again in" in refused.get_data(as_text=True)


def test_registration_stays_limited_while_redis_is_down(outage_app):
    outage_app.config["RATELIMIT_REGISTER_PER_ADDRESS"] = "2 per hour"
    address = documentation_address()

    def register(name: str):
        # A new browser each time, from the same address.
        return visitor(outage_app, address).submit(
            "/register", {"username": name, "password": PASSWORD, "confirm": PASSWORD}
        )

    assert register("outage_one").status_code == 302
    assert register("outage_two").status_code == 302
    refused = register("outage_three")
    assert refused.status_code == 429
    assert 'value="outage_three"' in refused.get_data(as_text=True)  # the form is kept
