"""Backups: `flask backup` copies a SQLite database while posts are being written, and
pg_dump/pg_restore bring back every post of a PostgreSQL one; each copy is restored and read."""

import os
import shutil
import sqlite3
import stat
import subprocess
import threading

import pytest
from flask import current_app
from sqlalchemy import select
from sqlalchemy.engine import make_url

from forum import create_app
from forum.extensions import db, login_manager
from forum.models import Post, User
from forum.search.queries import Criteria, search
from tests.conftest import settings_for_tests, skip_or_fail, throwaway_postgres_database
from tests.factories import first_post, make_space, make_user, reply, start_thread

WORD = "lighthouse"  # in every post written here, so search can count them after a restore


def app_on(url: str):
    """The app on a database of this module's own; posting as fast as a busy forum does."""
    return create_app(settings_for_tests(url) | {"RATELIMIT_ENABLED": False})


def write_forum(count: int) -> tuple[int, int]:
    """A space, a thread and `count` replies through the posting services; return the ids of
    the author and of the thread's first post."""
    author = make_user("rowan")
    space = make_space("harbour", owner=author)
    thread = start_thread(author, space, title="Keeping watch", body=f"A {WORD} post.")
    parent = first_post(thread)
    for number in range(count):
        reply(author, parent, body=f"Reply {number}, a {WORD} reply.")
    return author.id, parent.id


def public_ids() -> set[str]:
    return set(db.session.scalars(select(Post.public_id)))


def searched() -> int:
    """How many posts a visitor's search for WORD finds."""
    with current_app.test_request_context():
        return search(login_manager.anonymous_user(), Criteria(WORD), 1).page.total


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


class Writer(threading.Thread):
    """Replies, committing each, until told to stop (or after LIMIT replies): the app serving
    while it is backed up."""

    LIMIT = 300  # ten times what this small database takes to copy (about 25 replies)

    def __init__(self, app, author_id: int, parent_id: int):
        super().__init__(daemon=True)
        self.app, self.author_id, self.parent_id = app, author_id, parent_id
        self.written: list[str] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.app.app_context():
                author = db.session.get(User, self.author_id)
                parent = db.session.get(Post, self.parent_id)
                while not self.stop.is_set() and len(self.written) < self.LIMIT:
                    self.written.append(reply(author, parent, body=f"More {WORD}.").public_id)
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    url = "sqlite:///" + str(tmp_path_factory.mktemp("backup") / "serving.sqlite3")
    app = app_on(url)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def serving(sqlite_app):
    """Inside the SQLite app, as its commands and the posting services run."""
    with sqlite_app.app_context():
        yield sqlite_app
        db.session.remove()


def test_a_backup_made_while_posts_are_written_holds_every_post_committed_before_it(
    serving, tmp_path
):
    author_id, parent_id = write_forum(60)
    writer = Writer(serving, author_id, parent_id)
    writer.start()
    while not writer.written and writer.is_alive():  # the writer is under way
        writer.join(0.01)
    committed = public_ids()
    db.session.remove()
    written_before = len(writer.written)
    target = tmp_path / "copies" / "backup.sqlite3"
    # One page per step: many steps, with writes landing between them.
    result = run(serving, "backup", str(target), "--pages-per-step", "1", "--pause", "0.002")
    written_during = len(writer.written) - written_before
    # A backup that started again after every write would only end once the writes did.
    finished_while_writing = writer.is_alive()
    writer.stop.set()
    writer.join(10)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert f"to {target}" in result.output
    assert written_during > 0, "no post was written while the backup ran"
    assert finished_while_writing, "the backup waited for the writes to stop"

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [path.name for path in target.parent.iterdir()] == ["backup.sqlite3"]  # no leftovers
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)

    restored = app_on(f"sqlite:///{target}")
    with restored.app_context():
        in_copy = public_ids()
        assert committed <= in_copy
        # A snapshot: the copy's posts are the ones committed at one moment, with the search
        # index of exactly those posts.
        assert in_copy <= committed | set(writer.written)
        assert searched() == len(in_copy)
        db.session.remove()
        db.engine.dispose()


def test_backup_without_a_path_goes_to_the_instance_folder(serving, tmp_path, monkeypatch):
    monkeypatch.setattr(serving, "instance_path", str(tmp_path / "instance"))
    result = run(serving, "backup")
    assert result.exit_code == 0, result.output
    (made,) = (tmp_path / "instance" / "backups").iterdir()
    assert made.name.startswith("safe-spaces-") and made.suffix == ".sqlite3"
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700


def test_backup_refuses_to_write_over_the_database(serving):
    database = make_url(serving.config["SQLALCHEMY_DATABASE_URI"]).database
    result = run(serving, "backup", database)
    assert result.exit_code != 0
    assert "cannot be written over the database itself" in result.output


def test_backup_of_postgresql_points_to_pg_dump(tmp_path):
    app = app_on("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    result = run(app, "backup", str(tmp_path / "copy"))
    assert result.exit_code != 0
    assert "Use pg_dump" in result.output
    assert not (tmp_path / "copy").exists()


# PostgreSQL: pg_dump -Fc, then pg_restore into a fresh database, as the README says.


def _libpq(url: str) -> tuple[list[str], dict[str, str]]:
    """The URL pg_dump and pg_restore take (no driver, no password) and the password apart."""
    parsed = make_url(url)
    libpq = f"postgresql://{parsed.username}@{parsed.host}:{parsed.port or 5432}/{parsed.database}"
    return [f"--dbname={libpq}"], os.environ | {"PGPASSWORD": parsed.password or ""}


def _major(tool: str) -> int:
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)  # noqa: S603
    return int(output.stdout.split()[-1].split(".")[0])


@pytest.fixture
def postgres_server():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        skip_or_fail("TEST_POSTGRES_URL is not set: no PostgreSQL server to back up")
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            skip_or_fail(f"{tool} is missing: install Debian's postgresql-client")
    return url


def test_pg_dump_and_pg_restore_bring_back_every_post(postgres_server, tmp_path):
    dump = tmp_path / "safe-spaces.dump"
    with throwaway_postgres_database(postgres_server, "backup") as url:
        app = app_on(url)
        with app.app_context():
            server_major = db.session.connection().dialect.server_version_info[0]
            if _major("pg_dump") < server_major:
                skip_or_fail(f"pg_dump is older than the server (PostgreSQL {server_major})")
            db.create_all()
            write_forum(20)
            written = public_ids()
            db.session.remove()
            db.engine.dispose()
        dbname, env = _libpq(url)
        subprocess.run(["pg_dump", "-Fc", f"--file={dump}", *dbname], env=env, check=True)  # noqa: S603, S607
    assert written and dump.stat().st_size > 0

    with throwaway_postgres_database(postgres_server, "restored") as url:
        dbname, env = _libpq(url)
        restore = ["pg_restore", "--no-owner", "--exit-on-error", *dbname, str(dump)]
        subprocess.run(restore, env=env, check=True)  # noqa: S603
        restored = app_on(url)
        with restored.app_context():
            assert public_ids() == written
            assert searched() == len(written)  # the search index came back too
            db.session.remove()
            db.engine.dispose()
