"""Moderation: conduct. Sanctions, thread lock and pin, reports, watched words and
premoderation (the screening of every new post), the queue and decisions."""

from flask import Flask

from forum import screening


def init_app(app: Flask) -> None:
    """Register the moderators' pages, screen every post the app publishes, and give the
    header its count of waiting items."""
    from flask_login import current_user

    from moderation import flag_views, queue_views, word_views  # noqa: F401 (routes join bp)
    from moderation.intake import Intake
    from moderation.queue import waiting_count
    from moderation.views import bp

    app.register_blueprint(bp)
    screening.register(app, Intake())
    app.jinja_env.globals["waiting_in_queue"] = lambda: waiting_count(current_user)
