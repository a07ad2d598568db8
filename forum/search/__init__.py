"""Search: full text over the posts a viewer may read (`/search`), on SQLite and PostgreSQL.

- `index`: the index and the triggers that keep it current, for `create_all()` and migrations;
- `backends`: FTS5 and tsvector behind one interface;
- `queries`: the search itself, filtered by the policy inside the statement;
- `forms`, `views`: the page.
"""

from flask import Flask

from forum.extensions import db


def init_app(app: Flask) -> None:
    """Register the search page, and have `create_all()` build the index with the tables."""
    from forum.search import index
    from forum.search.views import bp

    index.attach_to(db.metadata)
    app.register_blueprint(bp)
