"""gunicorn with two workers: one Redis counts for both, and per-process counters are warned of."""

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.servers import Gunicorn
from tests.servers.conftest import documentation_address
from tests.support.servers import Browser

LIMIT = 10  # RATELIMIT_LOGIN_PER_ADDRESS: sign-in attempts a minute from one address


@pytest.fixture(scope="module")
def two_workers_on_redis(server_settings, redis_url, redis_prefix):
    server = Gunicorn(
        server_settings
        | {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_REDIS_PREFIX": redis_prefix},
        workers=2,
    ).start()
    yield server
    server.stop()


def a_wrong_guess() -> dict:
    # A new username each time: only the per-address budget is spent.
    return {"username": f"guess_{secrets.token_hex(4)}", "password": "not the password"}


def test_the_sign_in_limit_holds_across_both_workers(two_workers_on_redis):
    server = two_workers_on_redis
    # The test is the proxy in front: TRUSTED_PROXIES=1 takes its X-Forwarded-For.
    browser = Browser(server.base, {"X-Forwarded-For": documentation_address()})
    target, fields = browser.form("/login")

    # Sent all at once, so both sync workers take some of them.
    with ThreadPoolExecutor(max_workers=LIMIT) as pool:
        answers = list(
            pool.map(
                lambda _: browser.request("POST", target, fields | a_wrong_guess()), range(LIMIT)
            )
        )
    refused = browser.request("POST", target, fields | a_wrong_guess())

    assert [answer.status for answer in answers] == [200] * LIMIT
    assert refused.status == 429
    assert "Try again in" in refused.text
    workers = {line["pid"] for line in server.request_lines() if line["path"] == "/login"}
    assert len(workers) == 2, f"one worker answered every attempt: {workers}"


def test_two_workers_sharing_redis_give_no_warning(two_workers_on_redis):
    assert "worker processes serve this site" not in two_workers_on_redis.output()


def test_two_workers_on_memory_limits_warn_at_start_up(server_settings):
    server = Gunicorn(server_settings | {"RATELIMIT_STORAGE_URI": "memory://"}, workers=2).start()
    try:
        output = server.output()
    finally:
        server.stop()

    assert "RATELIMIT_STORAGE_URI is memory:// but 2 worker processes serve this site" in output
    assert output.count("worker processes serve this site") == 1  # once, not once per worker


def test_an_app_without_rate_limits_starts_without_a_warning_or_an_error(app):
    """gunicorn.conf.py asks every app it serves; the benchmark's bare ceiling has no limits."""
    from flask import Flask

    from forum.workers import warn_if_limits_are_per_process

    assert not warn_if_limits_are_per_process(Flask("bare"), workers=2)
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    assert warn_if_limits_are_per_process(app, workers=2)
    assert not warn_if_limits_are_per_process(app, workers=1)
