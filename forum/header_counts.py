"""The site header's counts (unread notifications, waiting queue items): one query per page.

Packages that forum may not import (moderation) add their columns when they are registered;
the header reads them all with one SELECT of scalar subqueries, once per request.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy import ColumnElement, select

from forum import policy
from forum.extensions import db

HEADER_COLUMNS = "header_columns"


@dataclass(frozen=True)
class HeaderColumn:
    """One count of the header: a labelled SQL column over the viewer's bound parameters
    (forum.policy.viewer_parameters, `viewer_is_admin` and `viewer_is_free`: not suspended)."""

    name: str
    column: Callable[[], ColumnElement]


def add_column(app: Flask, name: str, column: Callable[[], ColumnElement]) -> None:
    app.extensions.setdefault(HEADER_COLUMNS, []).append(HeaderColumn(name, column))


def _statement(app: Flask):
    # Built once per app: the clauses bind the viewer as parameters.
    if "header_statement" not in app.extensions:
        columns = [found.column().label(found.name) for found in app.extensions[HEADER_COLUMNS]]
        app.extensions["header_statement"] = select(*columns)
    return app.extensions["header_statement"]


def counts():
    """The signed-in viewer's header counts as a row (`row.unread`, `row.waiting`, …), or None
    for visitors and when no package added a count."""
    viewer = policy.unwrapped(current_user)
    if not viewer.is_authenticated or not current_app.extensions.get(HEADER_COLUMNS):
        return None
    if "header_counts" not in g:
        parameters = {
            **policy.viewer_parameters(viewer),
            "viewer_is_admin": policy.is_site_admin(viewer),
            "viewer_is_free": not viewer.is_suspended(),
        }
        # A plain row on the session's connection: the ORM's handling of a statement that
        # loads no entity costs as much again as the rest. Flushed first, as the ORM would.
        db.session.flush()
        connection = db.session.connection()
        g.header_counts = connection.execute(_statement(current_app), parameters).one()
    return g.header_counts


def init_app(app: Flask) -> None:
    app.jinja_env.globals["header_counts"] = counts
