"""Fixtures: the app on a clean database, clients signed in by role, factories, query counts."""

import atexit
import os
import secrets
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import Pool

from forum import create_app
from forum.extensions import db
from forum.limits import current_limiter
from forum.models import Role, Space, User
from forum.policy import viewer
from tests import factories
from tests.factories import PASSWORD
from tests.support.access import AccessWorld, build_access_world, clients_for
from tests.support.client import Client

__all__ = ["PASSWORD", "Client"]


class _TemplatesOfThisProcess(BytecodeCache):
    """Compiled templates kept for the test process: each test builds a new app, whose Jinja
    environment would otherwise parse and compile every template it renders again (about a
    third of the suite's time). Jinja checks each template's source checksum before reusing it."""

    def __init__(self):
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self._compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _TemplatesOfThisProcess()}

_engines_of_this_process: dict[str, Engine] = {}
_make_engine = SQLAlchemy._make_engine


def _engine_of_this_process(self, bind_key, options, app) -> Engine:
    """One engine per database and options for the test process, shared by the apps of every
    test: SQLAlchemy caches compiled statements per engine, and compiling them again in each
    test's new engine cost a fifth of the suite's time."""
    key = repr(sorted(options.items(), key=lambda item: item[0]))
    if key not in _engines_of_this_process:
        _engines_of_this_process[key] = _make_engine(self, bind_key, options, app)
    return _engines_of_this_process[key]


SQLAlchemy._make_engine = _engine_of_this_process

# Rate-limit counters of this run live under their own prefix in a shared store such as Redis,
# so resetting them after each test leaves other runs' counters alone.
RATELIMIT_KEY_PREFIX = f"safe-spaces-test-{secrets.token_hex(4)}"


def running_in_ci() -> bool:
    """CI services set CI to true, 1, yes or another truthy word; empty, 0 or false is not CI."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service or browser is missing; under CI that is a failure."""
    if running_in_ci():
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


@event.listens_for(Pool, "connect")
def _close_with_its_pool(dbapi_connection, connection_record) -> None:
    """Close a database connection when its pool is garbage-collected.

    Tests that make an app of their own seldom dispose of its engine, and a live server's
    request thread may still hold a connection when the test's engine is disposed. psycopg warns
    about a connection collected while open, and pytest turns that warning into a failure of
    whichever test is running at the time. sqlite3 connections are left alone: they do not
    warn, and may refuse to be closed from another thread than their own.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        weakref.finalize(connection_record, dbapi_connection.close)


_UPLOADS = tempfile.mkdtemp(prefix="safe-spaces-test-uploads-")
atexit.register(shutil.rmtree, _UPLOADS, ignore_errors=True)


def settings_for_tests(database_uri: str) -> dict:
    storage_uri = os.environ.get("TEST_RATELIMIT_STORAGE_URI") or "memory://"
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "RATELIMIT_STORAGE_URI": storage_uri,
        "RATELIMIT_ENABLED": True,
        "ANON_CACHE_SECONDS": 0,  # tests read pages right after writing them
        # A cheap hash keeps the suite fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Uploads go to a folder of this test process, never the developer's instance folder.
        "STORAGE_PATH": _UPLOADS,
    }
    if not storage_uri.startswith("memory://"):
        settings["RATELIMIT_STORAGE_OPTIONS"] = {"key_prefix": RATELIMIT_KEY_PREFIX}
    return settings


def pytest_report_header(config) -> list[str]:
    """Say in the test log which database and rate-limit storage the suite runs on."""
    database = os.environ.get("TEST_DATABASE_URL")
    storage = os.environ.get("TEST_RATELIMIT_STORAGE_URI") or "memory://"
    if not database:
        where = "SQLite (a temporary file)"
    elif _is_postgres(database):
        where = (
            f"PostgreSQL, a new database for this run on {make_url(database).render_as_string()}"
        )
    else:
        where = make_url(database).render_as_string()
    return [f"database: {where}", f"rate-limit storage: {storage}"]


@contextmanager
def throwaway_postgres_database(server_url: str, purpose: str) -> Iterator[str]:
    """Create a new, empty database on the PostgreSQL server of `server_url`; drop it after.

    It takes a random name and the encoding and collation of the database the URL names; the
    URL's role needs CREATEDB. Yields the new database's URL.
    """
    url = make_url(server_url)
    name = f"{url.database}_{purpose}_{secrets.token_hex(5)}"[-63:]
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            collate, ctype = connection.execute(
                text(
                    "SELECT datcollate, datctype FROM pg_database"
                    " WHERE datname = current_database()"
                )
            ).one()
            connection.execute(
                text(
                    f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"
                    f" LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"
                )
            )
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with server.connect() as connection:
                # Connections the test left open (a server it started) are ended first. Then a
                # plain DROP, which ends an autovacuum worker on the database itself: WITH
                # (FORCE) refuses to end one for a role outside pg_signal_backend.
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :name AND usename = current_user"
                        " AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        server.dispose()


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> Iterator[str]:
    """SQLite in a temporary folder, or the server that TEST_DATABASE_URL names.

    On PostgreSQL the session works in a database of its own on that server, made for it and
    dropped at the end, so two runs at the same time never empty each other's tables.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    elif _is_postgres(url):
        with throwaway_postgres_database(url, "run") as session_url:
            yield session_url
    else:
        yield url


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


@contextmanager
def own_app(database_uri: str) -> Iterator[Flask]:
    """An app of a module's own, for fixtures shared by its tests; emptied at the end."""
    app = create_app(settings_for_tests(database_uri))
    app.test_client_class = Client
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            _delete_all_rows()
            current_limiter().reset()


def shares_one_world(request) -> bool:
    """Whether the test's module is marked `shared_world`: its tests only read, so one app and
    one access world serve them all. Building the world and signing its nine viewers in costs
    far more than most tests that read it, and the access matrices read it hundreds of times.
    What such a test commits, the module's later tests see."""
    return request.node.get_closest_marker("shared_world") is not None


@pytest.fixture(scope="module")
def shared_app(database_uri, _schema):
    with own_app(database_uri) as app:
        yield app


@pytest.fixture(scope="module")
def shared_world(shared_app) -> AccessWorld:
    return build_access_world()


@pytest.fixture(scope="module")
def shared_clients(shared_app, shared_world):
    return clients_for(shared_app, shared_world)


@pytest.fixture
def app(request, database_uri, _schema):
    """The app on an empty database; rate limits are reset after every test."""
    if shares_one_world(request):
        app = request.getfixturevalue("shared_app")
        current_limiter().reset()
        yield app
        # What the test changed without committing is undone; the policy reads afresh.
        db.session.rollback()
        viewer.forget()
        return
    app = create_app(settings_for_tests(database_uri))
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        _delete_all_rows()
        current_limiter().reset()


# Restarts every sequence of the schema, so ids count from 1 in each test, as on SQLite.
_RESTART_SEQUENCES = (
    "SELECT setval(c.oid, 1, false) FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
)


def _delete_all_rows() -> None:
    """Empty every table, children first, in one transaction; ids start again from 1.

    On PostgreSQL it all goes in one round trip; DELETE beats TRUNCATE on tables this small,
    since TRUNCATE makes new files for every table.
    """
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            statements = [
                str(table.delete().compile(dialect=connection.dialect)) for table in tables
            ]
            connection.exec_driver_sql("; ".join([*statements, _RESTART_SEQUENCES]))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create accounts through the real registration service (tests.factories.make_user)."""
    counter = iter(range(1, 10_000))

    def make(username: str | None = None, password: str = PASSWORD, **kwargs):
        return factories.make_user(username or f"user{next(counter)}", password, **kwargs)

    return make


@pytest.fixture
def make_space(app):
    """Create spaces as a site admin would (tests.factories.make_space)."""
    return factories.make_space


@dataclass
class Staffed:
    """A space with an owner, a moderator and a plain member."""

    space: Space
    owner: User
    moderator: User
    member: User

    @property
    def slug(self) -> str:
        return self.space.slug


@pytest.fixture
def staffed(app):
    """Build a space of a kind with an owner, a moderator and a member."""

    def build(kind: str = "members", slug: str | None = None, **settings) -> Staffed:
        owner = factories.make_user("olive_owner")
        space = factories.make_space(slug or f"{kind}-circle", owner, kind, **settings)
        moderator = factories.make_user("max_mod")
        member = factories.make_user("mia_member")
        factories.add_member(space, moderator, Role.MODERATOR)
        factories.add_member(space, member)
        return Staffed(space, owner, moderator, member)

    return build


@pytest.fixture
def add_member(app):
    """Add a user to a space with a role, as the command line does."""
    return factories.add_member


@pytest.fixture
def ask_to_join(app):
    """File a written request to join, as the requester would."""
    return factories.ask_to_join


@pytest.fixture
def access_world(request, app) -> AccessWorld:
    """Every kind of space, and a user in each relation to all of them."""
    if shares_one_world(request):
        return request.getfixturevalue("shared_world")
    return build_access_world()


@pytest.fixture
def client_for(request, app, access_world):
    """A client for a named viewer of the access world: 'visitor' is signed out."""
    if shares_one_world(request):
        return request.getfixturevalue("shared_clients")
    return clients_for(app, access_world)


@pytest.fixture
def sign_in(app):
    """Return a new client signed in as `user` through the real sign-in form."""

    def sign_in(user, password: str = PASSWORD) -> Client:
        return factories.sign_in(app, user, password)

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
    return make_user("site_root", is_admin=True)


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
            # SQLite's BEGIN is ours to send (forum.extensions); PostgreSQL's driver sends its
            # own unseen. Neither is a query a page asks for.
            if not statement.startswith("BEGIN"):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting
