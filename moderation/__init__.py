"""Moderation: conduct. Sanctions on members, thread lock and pin; flags, the queue, decisions,
appeals, watched words and the reveal come next, each in a module of its own."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the moderators' pages."""
    from moderation.views import bp

    app.register_blueprint(bp)
