"""Fixtures of the search tests: rate limits off while a test builds its data."""

import pytest

from tests.threads.test_query_counts import limits_off as limits_lifted


@pytest.fixture
def limits_off(app):
    """A block inside which posting spends no budget; limits are on again after it."""
    return limits_lifted
