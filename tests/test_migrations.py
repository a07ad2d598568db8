"""The Alembic migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

import logging
import os
import pprint
import subprocess
import sys
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from forum import PROJECT_ROOT, create_app
from forum.extensions import db
from forum.search.index import outside_the_models
from tests.conftest import settings_for_tests, skip_or_fail, throwaway_postgres_database

# migrations/env.py (Flask-Migrate's template) tries Flask-SQLAlchemy 2's get_engine() first.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """The URL of a new, empty database on each backend."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrated.sqlite3")
        return
    server_url = os.environ.get("TEST_POSTGRES_URL")
    if not server_url:
        skip_or_fail("TEST_POSTGRES_URL is not set: no PostgreSQL server to migrate")
    with throwaway_postgres_database(server_url, "migrations") as url:
        yield url


@pytest.fixture
def preserved_logging():
    """Undo the logging set-up that migrations/env.py applies from alembic.ini.

    fileConfig() disables every logger it does not name and replaces the root handlers, which
    would silence the app's loggers (and pytest's capture) for every later test.
    """
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (logger.disabled, logger.level, list(logger.handlers), logger.propagate)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.setLevel(saved_root[0])
    root.handlers[:] = saved_root[1]
    for name, logger in logging.root.manager.loggerDict.items():
        if not isinstance(logger, logging.Logger):
            continue
        if name in saved:
            logger.disabled, logger.level, handlers, logger.propagate = saved[name]
            logger.handlers[:] = handlers
        else:  # made during the migration: leave it, but let it log as a new logger would
            logger.disabled = False


@pytest.fixture
def migration_app(empty_database, preserved_logging):
    app = create_app(settings_for_tests(empty_database))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_drift() -> list:
    """What autogenerate would put in a new migration: the models minus the migrated schema."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                # As migrations/env.py: the search index is not the models'.
                "include_object": outside_the_models,
            },
        )
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    with db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_migrations_build_exactly_the_models_schema(migration_app):
    flask_migrate.upgrade()

    drift = schema_drift()
    assert drift == [], "the migrations do not match the models:\n" + pprint.pformat(drift)
    assert set(db.metadata.tables) <= table_names()


def test_migrations_downgrade_to_base_and_upgrade_again(migration_app):
    flask_migrate.upgrade()

    flask_migrate.downgrade(revision="base")
    assert table_names() <= {"alembic_version"}, "downgrade to base left tables behind"

    flask_migrate.upgrade()
    drift = schema_drift()
    assert drift == [], "re-upgraded schema does not match the models:\n" + pprint.pformat(drift)


def test_flask_db_upgrade_then_check_succeeds_on_a_fresh_sqlite_file(tmp_path):
    """What `make run` does on a fresh machine, through the real command line."""
    flask = Path(sys.executable).with_name("flask")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEST_", "RATELIMIT_", "FLASK_")) and key != "DATABASE_URL"
    }
    env |= {
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "cli.sqlite3"),
        "SECRET_KEY": "cli test secret key",
    }
    for command in (["db", "upgrade"], ["db", "check"]):
        result = subprocess.run(  # noqa: S603 - a fixed command line
            [str(flask), "--app", "wsgi", *command],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, (
            f"flask {' '.join(command)} exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    assert (tmp_path / "cli.sqlite3").exists()
