"""Times as pages show them: to the minute or to the day, never finer, machine-readable too."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from forum.times import minute_element, to_the_day, to_the_minute


@pytest.mark.parametrize("month", range(1, 13))
def test_a_utc_time_is_shown_to_the_minute_as_the_general_formatting_shows_it(month):
    moment = datetime(2026, month, 9, 7, 5, 59, 999, tzinfo=UTC)
    expected = '<time datetime="{}">{}</time>'.format(
        moment.isoformat(timespec="minutes"), moment.strftime("%d %b %Y, %H:%M")
    )
    assert minute_element(moment) == str(to_the_minute(moment)) == expected
    assert ":59" not in expected  # no seconds


def test_a_time_in_another_zone_keeps_its_offset():
    moment = datetime(2026, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    assert minute_element(moment) == (
        '<time datetime="2026-01-01T00:00+02:00">01 Jan 2026, 00:00</time>'
    )


def test_a_day_is_shown_without_its_time():
    assert str(to_the_day(datetime(2026, 12, 2, 23, 59, tzinfo=UTC))) == (
        '<time datetime="2026-12-02">02 Dec 2026</time>'
    )
