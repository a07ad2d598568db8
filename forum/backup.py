"""Backups: `flask --app wsgi backup [PATH]` copies a SQLite database while the app serves it.

SQLite's online backup API copies the database a few pages at a time, pausing between steps so
that writers are not held up. The copy is read inside one read transaction on the source, so it
is one consistent snapshot (in WAL mode writers go on meanwhile, and a step never restarts from
the beginning because of them). It is written under a temporary name in the target's folder and
renamed when complete and checked, so a half-written file never has the backup's name. On
PostgreSQL, `pg_dump -Fc` is the way (README, "Backups").
"""

import os
import sqlite3
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from forum.extensions import db

PAGES_PER_STEP = 1024  # 4 MiB at SQLite's default page size
PAUSE_SECONDS = 0.005  # between two steps, when writers may take the lock


class BackupError(click.ClickException):
    """A backup that could not be made, with the reason an operator can act on."""


def backup_sqlite(
    source: Path, target: Path, *, pages: int = PAGES_PER_STEP, pause: float = PAUSE_SECONDS
) -> None:
    """Copy the SQLite database `source` to `target` (mode 0600), consistent while it serves."""
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    if target.exists() and target.samefile(source):
        raise BackupError("The backup cannot be written over the database itself.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp makes the file readable by its owner only, as the database is (forum.config).
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(partial)) as copy:
            reader.execute("BEGIN")  # one snapshot for every step
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            # sqlite3 sleeps only when a step finds the database locked; the pause between
            # steps, when writers take their turn, is the progress callback's.
            reader.backup(copy, pages=pages, progress=lambda *_: time.sleep(pause))
            reader.rollback()
            # A copy that stands alone: one file, without the source's write-ahead log mode.
            copy.execute("PRAGMA journal_mode=DELETE").fetchone()
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"The copy failed SQLite's integrity check: {verdict}")
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"The backup failed: {error}") from error
    finally:
        Path(partial).unlink(missing_ok=True)


def default_target(instance_path: str) -> Path:
    """instance/backups/safe-spaces-YYYYMMDD-HHMMSS.sqlite3, in UTC."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(instance_path) / "backups" / f"safe-spaces-{stamp}.sqlite3"


@click.command("backup")
@with_appcontext
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pages-per-step", default=PAGES_PER_STEP, show_default=True, type=int)
@click.option("--pause", default=PAUSE_SECONDS, show_default=True, type=float, help="Seconds.")
def backup_command(path: Path | None, pages_per_step: int, pause: float) -> None:
    """Copy the SQLite database to PATH (default: instance/backups/), while it serves."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"This command backs up SQLite databases; this one is {url.get_backend_name()}. "
            "Use pg_dump (see the README, Backups): "
            "pg_dump -Fc --file safe-spaces.dump DATABASE_URL"
        )
    if url.database in (None, "", ":memory:"):
        raise BackupError("An in-memory database has nothing on disk to back up.")
    if pages_per_step < 1 or pause < 0:
        raise BackupError("--pages-per-step must be at least 1 and --pause not negative.")
    target = path or default_target(current_app.instance_path)
    db.session.remove()  # the command holds no transaction of its own open meanwhile
    backup_sqlite(Path(url.database), target, pages=pages_per_step, pause=pause)
    click.echo(f"Backed up {url.database} to {target} ({target.stat().st_size:,} bytes).")
