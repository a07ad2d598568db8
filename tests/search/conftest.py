"""Fixtures of the search tests: rate limits off while a test builds its data."""

from contextlib import contextmanager

import pytest

from forum.limits import current_limiter


@contextmanager
def limits_lifted():
    """A block inside which posting spends no budget; limits are on again after it."""
    limiter = current_limiter()
    limiter.enabled = False
    try:
        yield
    finally:
        limiter.enabled = True


@pytest.fixture
def limits_off(app):
    return limits_lifted
