"""Moderation: conduct. Reports, screening, the queue, decisions, sanctions, appeals, the log.

Screening (watched words and premoderation) is the hook every new post passes through.
"""

from flask import Flask

from forum import header_counts, screening


def init_app(app: Flask) -> None:
    """Register the moderators' pages, screen every post the app publishes, and give the
    header its count of waiting items."""
    from moderation import (  # noqa: F401 (their routes join the blueprint)
        demo,
        flag_views,
        queue_views,
        trail_views,
        word_views,
    )
    from moderation.intake import Intake
    from moderation.queue import moderates_column, waiting_column
    from moderation.views import bp

    app.register_blueprint(bp)
    screening.register(app, Intake())
    app.extensions.setdefault("demo_seeders", []).append(demo.seed)
    header_counts.add_column(app, "moderates", moderates_column)
    header_counts.add_column(app, "waiting", waiting_column)
