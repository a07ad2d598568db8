"""The Flask extensions, created unbound here and bound to the app in create_app()."""

import sqlite3

from flask import Flask, has_request_context, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so migrations can alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Bind the database, migrations, sign-in and CSRF protection to the app."""
    for name, listener in (
        ("connect", _configure_sqlite),
        ("connect", _configure_postgresql),
        ("begin", _begin_sqlite),
    ):
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)
    db.init_app(app)
    # Batch mode lets one migration alter tables on SQLite as well as PostgreSQL.
    migrate.init_app(
        app, db, directory=str(app.config["MIGRATIONS_DIRECTORY"]), render_as_batch=True
    )
    csrf.init_app(app)


def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite opens and commits transactions on its own, and so turns a SAVEPOINT's release into
    # a COMMIT: a rolled-back use case could leave rows behind. With its handling off,
    # SQLAlchemy's own BEGIN (below) delimits every transaction, as on PostgreSQL (SQLAlchemy's
    # documentation: "Serializable isolation / Savepoints / Transactional DDL" for pysqlite).
    dbapi_connection.isolation_level = None
    # WAL lets readers proceed during a write; the busy timeout makes writers queue, not fail.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _configure_postgresql(dbapi_connection, _record) -> None:
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    # JIT compilation pays off for long analytical queries, not for a page's: the planner's
    # estimate for the front page's directory passes its threshold at a million posts, and
    # compiling then took 3 s of a 3.5 s query (docs/performance.md, "PostgreSQL at scale").
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def _begin_sqlite(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    # A request that may write takes the write lock when its transaction begins. A deferred
    # transaction that reads first and writes later fails outright (SQLITE_BUSY, which no
    # timeout waits out) when another writer committed in between; reads never need the lock.
    writes = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
