"""Configuration: defaults, environment variables, and the secret key kept in instance/."""

import os

import pytest

from forum import create_app
from forum.config import database_uri


def test_environment_variables_override_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from the environment")
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "2048")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from the environment"
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["MAX_CONTENT_LENGTH"] == 2048
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.sqlite3"


@pytest.mark.parametrize(
    ("name", "value"), [("RATELIMIT_ENABLED", "maybe"), ("TRUSTED_PROXIES", "x")]
)
def test_a_malformed_setting_stops_start_up_with_its_name(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=name):
        create_app({"SECRET_KEY": "x"})


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    from forum import config

    first = config.instance_secret_key(str(tmp_path))
    second = config.instance_secret_key(str(tmp_path))
    assert first == second
    assert len(first) >= 64
    assert os.stat(tmp_path / "secret_key").st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    assert database_uri("", str(tmp_path)) == f"sqlite:///{tmp_path}/safe-spaces.sqlite3"


def test_postgres_urls_use_psycopg_3():
    assert database_uri("postgres://u:p@h/db", "/x") == "postgresql+psycopg://u:p@h/db"
    assert database_uri("postgresql://u:p@h/db", "/x") == "postgresql+psycopg://u:p@h/db"


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    from forum.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas apply only to SQLite")
    with db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000


def test_trusted_proxies_take_the_client_address_from_the_proxy(database_uri, _schema):
    from tests.conftest import settings_for_tests

    app = create_app(settings_for_tests(database_uri) | {"TRUSTED_PROXIES": 1})

    @app.route("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr

    response = app.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "198.51.100.7"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert response.get_data(as_text=True) == "198.51.100.7"
