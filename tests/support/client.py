"""The test client: each request in its own context, and forms submitted as a browser would."""

import contextvars
from urllib.parse import urlsplit

from flask import has_app_context
from flask.testing import FlaskClient

from forum.extensions import db
from tests.support.forms import read_forms


class Client(FlaskClient):
    """A test client that submits forms found on pages, with their CSRF tokens."""

    def open(self, *args, **kwargs):
        # The test's own session ends its transaction first: a snapshot it holds would not see
        # what the request writes (SQLite's transactions are snapshots, as they are in
        # production), and on PostgreSQL rows it holds could block the request.
        if has_app_context():
            db.session.rollback()
        # Each request runs in fresh context variables, so it gets its own app context, `g` and
        # database session, as in production, instead of reusing the test's.
        return contextvars.Context().run(super().open, *args, **kwargs)

    def submit(self, page: str, data: dict, action: str | None = None, **kwargs):
        """Load `page`, fill the POST form that posts to `action` with `data`, and send it."""
        response = self.get(page)
        assert response.status_code == 200, f"GET {page} answered {response.status_code}"
        forms = [
            form
            for form in read_forms(response.get_data(as_text=True), page)
            if form.method == "post" and (action is None or urlsplit(form.action).path == action)
        ]
        if action is None:
            # The sign-out button is on every page; the page's own form is the one wanted.
            forms = [form for form in forms if urlsplit(form.action).path != "/logout"]
        assert forms, f"no POST form{f' to {action}' if action else ''} on {page}"
        form = forms[0]
        return self.post(form.action, data={**form.fields, **data}, **kwargs)
