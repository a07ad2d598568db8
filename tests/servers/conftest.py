"""Fixtures of the servers tests: the suite's database, a Redis, gunicorn, and their settings."""

import os
import secrets
import tempfile

import pytest

from bench.servers import gunicorn_executable
from tests.conftest import skip_or_fail


@pytest.fixture(scope="module")
def redis_url() -> str:
    """The Redis of TEST_REDIS_URL, answering."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        skip_or_fail("TEST_REDIS_URL is not set: no Redis server for the servers tests")
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as error:
        skip_or_fail(f"Redis at {url} does not answer: {error}")
    finally:
        client.close()
    return url


@pytest.fixture(scope="module")
def redis_prefix(redis_url):
    """A key prefix of this module's own in that Redis; its keys are deleted afterwards."""
    import redis

    prefix = f"safe-spaces-servers-{secrets.token_hex(4)}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="module")
def server_settings(database_uri, _schema):
    """What a gunicorn of the test needs in its environment: the suite's database, a shared
    secret key, a trusted proxy (the test, or nginx), and nothing done now and then."""
    if not gunicorn_executable():
        skip_or_fail("gunicorn is not installed (pip install -e '.[dev]')")
    uploads = tempfile.mkdtemp(prefix="safe-spaces-servers-uploads-")
    return {
        "DATABASE_URL": database_uri,
        "SECRET_KEY": "the servers tests' secret key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "TRUSTED_PROXIES": "1",
        "ANON_CACHE_SECONDS": "0",
        "SPACE_CHANGES_CHECK_SECONDS": "0",
        "EVENT_REMINDERS_CHECK_SECONDS": "0",
        "RATELIMIT_ENABLED": "true",
        "STORAGE_PATH": uploads,
        "STORAGE_BACKEND": "local",
    }


def documentation_address() -> str:
    """A client address of its own (RFC 3849), so no other run shares its counters."""
    return "2001:db8:" + ":".join(secrets.token_hex(2) for _ in range(4)) + "::1"
