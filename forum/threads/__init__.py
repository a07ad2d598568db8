"""Threads: starting, reading, replying to, editing and deleting posts; profiles."""

from flask import Flask


def init_app(app: Flask) -> None:
    from forum.threads import watch_views  # noqa: F401  (its routes join the blueprint)
    from forum.threads.cli import rerender_command
    from forum.threads.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(rerender_command)
