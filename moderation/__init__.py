"""Moderation: conduct. Sanctions on members, thread lock and pin; the queue comes next."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the moderators' pages."""
    from moderation.views import bp

    app.register_blueprint(bp)
