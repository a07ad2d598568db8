"""URL converters: an id in a URL is a whole number a database integer can hold, or a public id."""

import re

from flask import Flask
from werkzeug.routing import BaseConverter, IntegerConverter

from forum.models.post import PUBLIC_ID_PATTERN

# The largest id an INTEGER primary key holds (PostgreSQL's is 32-bit): a larger one names
# nothing, and the database would refuse even to compare it.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: past MAX_ID the URL matches no route, so it answers 404."""

    def __init__(self, url_map, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, **kwargs)


class PublicIdConverter(BaseConverter):
    """`<public_id:…>`: a thread's or post's random public id. A malformed one matches no route
    (404, like one that does not exist); building a URL from anything else (a row id) fails."""

    regex = PUBLIC_ID_PATTERN
    _whole = re.compile(PUBLIC_ID_PATTERN)

    def to_url(self, value) -> str:
        if not isinstance(value, str) or not self._whole.fullmatch(value):
            raise ValueError(f"not a public id: {value!r}")
        return value


def init_app(app: Flask) -> None:
    """Bound every `<int:…>` id and add `<public_id:…>`; before the blueprints add their routes."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["public_id"] = PublicIdConverter
