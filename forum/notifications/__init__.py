"""Notifications: what a person is told in the app, and their page."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the notifications page and the header's unread count."""
    from forum.notifications import queries
    from forum.notifications.views import bp

    app.register_blueprint(bp)
    queries.init_app(app)
