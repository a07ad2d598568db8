"""How pages show times: to the minute, and join or creation dates to the day, never finer.

Seconds would let a reader line up events a page shows (a join, a new pseudonym's first post,
activity in a closed space), so pages show every time through these filters, the `<time>`
element's machine-readable `datetime` included.
"""

from datetime import UTC, datetime

from flask import Flask
from markupsafe import Markup

_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def minute_element(value: datetime) -> str:
    """to_the_minute() as a plain string, for markup built in Python (forum/threads/post_markup).

    Made by hand for the UTC times the database gives back: a thread page shows a hundred, and
    isoformat() with strftime() cost twice as much. Other times take the general way.
    """
    if value.tzinfo is not UTC:
        machine, shown = value.isoformat(timespec="minutes"), value.strftime("%d %b %Y, %H:%M")
        return f'<time datetime="{machine}">{shown}</time>'
    day, month, year = f"{value.day:02}", f"{value.month:02}", value.year
    hour, minute = f"{value.hour:02}", f"{value.minute:02}"
    return (
        f'<time datetime="{year}-{month}-{day}T{hour}:{minute}+00:00">'
        f"{day} {_MONTHS[value.month]} {year}, {hour}:{minute}</time>"
    )


def to_the_minute(value: datetime) -> Markup:
    """A `<time>` element for the moment, shown and machine-readable to the minute."""
    # Digits, a month's name, "-", ":", ",": nothing to escape, so no Markup.format.
    return Markup(minute_element(value))  # noqa: S704


def to_the_day(value: datetime) -> Markup:
    """A `<time>` element for the day alone: for join and creation dates, and closed spaces."""
    machine, shown = value.date().isoformat(), value.strftime("%d %b %Y")
    return Markup(f'<time datetime="{machine}">{shown}</time>')  # noqa: S704 (as above)


def init_app(app: Flask) -> None:
    """Offer the filters to templates: `{{ post.created_at|to_the_minute }}`."""
    app.jinja_env.filters.update(to_the_minute=to_the_minute, to_the_day=to_the_day)
