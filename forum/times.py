"""How pages show times: to the minute, and join or creation dates to the day, never finer.

Seconds would let a reader line up events a page shows (a join, a new pseudonym's first post,
activity in a closed space), so pages show every time through these filters, the `<time>`
element's machine-readable `datetime` included.
"""

from datetime import datetime

from flask import Flask
from markupsafe import Markup


def _time(machine: str, shown: str) -> Markup:
    # Both strings are a formatted date (digits, a month's name, "-", ":", ","): nothing to
    # escape, so no Markup.format, which costs more than the rest of a post's line on a page.
    return Markup(f'<time datetime="{machine}">{shown}</time>')  # noqa: S704


def to_the_minute(value: datetime) -> Markup:
    """A `<time>` element for the moment, shown and machine-readable to the minute."""
    return _time(value.isoformat(timespec="minutes"), value.strftime("%d %b %Y, %H:%M"))


def to_the_day(value: datetime) -> Markup:
    """A `<time>` element for the day alone: for join and creation dates, and closed spaces."""
    return _time(value.date().isoformat(), value.strftime("%d %b %Y"))


def init_app(app: Flask) -> None:
    """Offer the filters to templates: `{{ post.created_at|to_the_minute }}`."""
    app.jinja_env.filters.update(to_the_minute=to_the_minute, to_the_day=to_the_day)
