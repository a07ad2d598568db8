"""Moderation: conduct. Sanctions, lock and pin, reports, watched words, premoderation.

Its screening of every new post is registered with forum.screening.
"""

from flask import Flask

from forum import screening


def init_app(app: Flask) -> None:
    """Register the moderators' pages, and screen every post the app publishes."""
    from moderation import flag_views, word_views  # noqa: F401 (their routes join the blueprint)
    from moderation.intake import Intake
    from moderation.views import bp

    app.register_blueprint(bp)
    screening.register(app, Intake())
