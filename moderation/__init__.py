"""Moderation: flags, the queue, decisions, watched words, the mod log, bans and appeals."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the moderation tables and the pages of space staff and site admins."""
    from moderation import admin, models, threads, views  # noqa: F401  (models: the tables)

    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(threads.bp)
