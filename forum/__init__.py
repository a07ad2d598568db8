"""Safe Spaces: the application factory."""

from datetime import timedelta
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import moderation
from forum import (
    about,
    accounts,
    admin,
    anon_cache,
    cli,
    config,
    converters,
    erasure,
    errors,
    events,
    extensions,
    header_counts,
    headers,
    health,
    home,
    inputs,
    limits,
    mail,
    notifications,
    policy,
    profiles,
    request_log,
    resources,
    search,
    spaces,
    storage,
    threads,
    times,
    url_patterns,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error pages, command line."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, overrides or {})

    # First, so its clock starts before any other hook and its line sees the final response.
    request_log.init_app(app)
    extensions.init_app(app)
    converters.init_app(app)
    inputs.init_app(app)
    limits.init_app(app)
    # Before headers: after-request hooks run in reverse, so the cache stores finished responses.
    anon_cache.init_app(app)
    headers.init_app(app)
    policy.init_app(app)
    header_counts.init_app(app)
    times.init_app(app)
    url_patterns.init_app(app)
    storage.init_app(app)

    health.init_app(app)
    about.init_app(app)
    accounts.init_app(app)
    erasure.init_app(app)
    home.init_app(app)
    spaces.init_app(app)
    threads.init_app(app)
    events.init_app(app)
    profiles.init_app(app)
    admin.init_app(app)
    notifications.init_app(app)
    resources.init_app(app)
    search.init_app(app)
    mail.init_app(app)
    moderation.init_app(app)

    errors.init_app(app)
    cli.init_app(app)
    return app


def _configure(app: Flask, overrides: dict) -> None:
    app.config.from_object(config.Config)
    app.config.from_pyfile(str(Path(app.instance_path) / "config.py"), silent=True)
    app.config.update(config.environment_settings())
    app.config.update(overrides)

    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        config.database_uri(app.config["DATABASE_URL"], app.instance_path),
    )
    app.config["SITE_URL"] = config.check_site_url(app.config["SITE_URL"])
    config.keep_private(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"])
    app.config.setdefault("MIGRATIONS_DIRECTORY", PROJECT_ROOT / "migrations")
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=app.config["SESSION_LIFETIME_DAYS"])
    if app.config["TRUSTED_PROXIES"]:
        count = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
