"""Rate limits kept in Redis (RATELIMIT_STORAGE_URI=redis://…) really refuse requests."""

import os
import secrets

import pytest

from forum import create_app
from forum.extensions import db
from tests.conftest import settings_for_tests, skip_or_fail
from tests.support.client import Client


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        skip_or_fail("TEST_REDIS_URL is not set: no Redis server for rate limits")
    return url


@pytest.fixture
def redis_client(redis_url):
    try:
        import redis
    except ImportError:
        skip_or_fail("the redis package is not installed (pip install -e '.[redis]')")
    client = redis.Redis.from_url(redis_url)
    try:
        client.ping()
    except redis.ConnectionError as error:
        client.close()
        skip_or_fail(f"Redis at {redis_url} does not answer: {error}")
    yield client
    client.close()


@pytest.fixture
def unique_address(redis_client):
    """A client address no other test run uses, so this run's counters start at zero.

    Afterwards only the Redis keys holding it are deleted: a Redis shared with other runs keeps
    their counters.
    """
    groups = [secrets.token_hex(2) for _ in range(4)]
    # A documentation address (RFC 3849).
    address = "2001:db8:" + ":".join(groups) + "::1"
    yield address
    for pattern in (f"*{address}*", f"*{''.join(groups)}*"):
        keys = list(redis_client.scan_iter(match=pattern))
        if keys:
            redis_client.delete(*keys)
        assert not list(redis_client.scan_iter(match=pattern))


@pytest.fixture
def redis_app(database_uri, _schema, redis_url):
    """The app with its rate limits kept in the test Redis."""
    app = create_app({**settings_for_tests(database_uri), "RATELIMIT_STORAGE_URI": redis_url})
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_redis_rate_limit_refuses_the_eleventh_sign_in_from_one_address(
    redis_app, redis_client, unique_address
):
    client = redis_app.test_client()
    client.environ_base["REMOTE_ADDR"] = unique_address
    # Usernames carry the address's groups too, so their counters are cleaned up with it.
    username_stem = "rl" + "".join(unique_address.split(":")[2:6])

    def attempt(number: int):
        # A new username each time: the per-username limit (5/min) must not be what refuses.
        return client.submit(
            "/login", {"username": f"{username_stem}{number}", "password": "not the password"}
        )

    for number in range(1, 11):
        response = attempt(number)
        assert response.status_code == 200, f"sign-in attempt {number} was refused"

    refused = attempt(11)

    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # The counters are in Redis, not in the process's memory.
    assert list(redis_client.scan_iter(match=f"*{unique_address}*"))
