"""URL converters: an id in a URL is a whole number a database integer can hold."""

from flask import Flask
from werkzeug.routing import IntegerConverter

# The largest id an INTEGER primary key holds (PostgreSQL's is 32-bit): a larger one names
# nothing, and the database would refuse even to compare it.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: past MAX_ID the URL matches no route, so it answers 404."""

    def __init__(self, url_map, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, **kwargs)


def init_app(app: Flask) -> None:
    """Bound every `<int:…>` id of the app's routes; before the blueprints add their routes."""
    app.url_map.converters["int"] = IdConverter
