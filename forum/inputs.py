"""Addresses the app refuses before any view reads them: control characters in a path or query."""

import re

from flask import Flask, abort, current_app, request

# Unicode's category Cc is exactly these 65 code points (C0, DEL and C1).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    """Whether the text holds a control character (NUL, a line break, an escape…)."""
    return _CONTROL.search(text) is not None


def checks_its_own_query(view):
    """Let a view whose form reads the query refuse a control character there itself, with the
    form and what was typed (the search page), rather than this generic 400."""
    view.checks_its_own_query = True
    return view


def refuse_control_characters() -> None:
    # No route names anything with a control character in it, and PostgreSQL cannot even
    # compare a string holding NUL: such a path is a page that does not exist.
    if has_control(request.path):
        abort(404)
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "checks_its_own_query", False):
        return
    if any(has_control(key) or has_control(value) for key, value in request.args.items(multi=True)):
        abort(400, "The address of this page contains a control character. Check the link.")


def init_app(app: Flask) -> None:
    """Check every request's address before the views (and the page cache) see it."""
    app.before_request(refuse_control_characters)
