"""Moderation: conduct. Sanctions on members, thread lock and pin, the queue and decisions."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the moderators' pages, and the header's count of waiting items."""
    from flask_login import current_user

    from moderation import queue_views  # noqa: F401  (its routes join the blueprint)
    from moderation.queue import waiting_count
    from moderation.views import bp

    app.register_blueprint(bp)
    app.jinja_env.globals["waiting_in_queue"] = lambda: waiting_count(current_user)
