"""Moderation: conduct. Sanctions on members, thread lock and pin; the queue comes next."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the moderators' pages."""
    from moderation import trail_views  # noqa: F401  (the mod log and appeals, on the same bp)
    from moderation.views import bp

    app.register_blueprint(bp)
