"""Threads: starting, reading, replying to, editing and deleting posts; profiles."""

from flask import Flask


def init_app(app: Flask) -> None:
    from forum.threads import list_markup, post_markup, watch_views  # noqa: F401  (watch_views)
    from forum.threads.cli import rerender_command
    from forum.threads.views import bp

    app.register_blueprint(bp)
    post_markup.init_app(app)
    list_markup.init_app(app)
    app.cli.add_command(rerender_command)
