"""Fixtures: the app on a clean database, clients signed in by role, factories, query counts."""

import contextvars
import os
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from forum import create_app
from forum.accounts import services
from forum.extensions import db
from forum.limits import current_limiter
from tests.support.forms import read_forms

PASSWORD = "plum tiger lantern 42"


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service or browser is missing; under CI=true that is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


class Client(FlaskClient):
    """A test client that submits forms found on pages, with their CSRF tokens."""

    def open(self, *args, **kwargs):
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


def settings_for_tests(database_uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "RATELIMIT_STORAGE_URI": os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": True,
        # A cheap hash keeps the suite fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    )


@pytest.fixture(scope="session")
def _schema(database_uri):
    app = create_app(settings_for_tests(database_uri))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app(database_uri, _schema):
    """The app on an empty database; rate limits are reset after every test."""
    app = create_app(settings_for_tests(database_uri))
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        current_limiter().reset()
        db.engine.dispose()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create accounts through the real registration service."""
    counter = iter(range(1, 10_000))

    def make(username: str | None = None, password: str = PASSWORD, **kwargs):
        username = username or f"user{next(counter)}"
        account = services.register_user(username, password, **kwargs)
        db.session.commit()
        return account.user

    return make


@pytest.fixture
def sign_in(app):
    """Return a new client signed in as `user` through the real sign-in form."""

    def sign_in(user, password: str = PASSWORD) -> Client:
        client = app.test_client()
        response = client.submit("/login", {"username": user.username, "password": password})
        assert response.status_code == 302, "sign-in failed"
        return client

    return sign_in


@pytest.fixture
def member(make_user):
    return make_user("member_mo")


@pytest.fixture
def member_client(sign_in, member) -> Client:
    return sign_in(member)


@pytest.fixture
def practitioner(make_user):
    return make_user("officer_olu", label="Police officer")


@pytest.fixture
def practitioner_client(sign_in, practitioner) -> Client:
    return sign_in(practitioner)


@pytest.fixture
def admin(make_user):
    return make_user("site_admin", is_admin=True)


@pytest.fixture
def admin_client(sign_in, admin) -> Client:
    return sign_in(admin)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return "\n".join(f"{i}. {sql}" for i, sql in enumerate(self.statements, 1))


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside the block; print them when an assertion fails."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def record(_conn, _cursor, statement, *_args):
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting
