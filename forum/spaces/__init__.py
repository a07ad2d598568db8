"""Spaces: the directory, a space's page, and joining, accepting the rules and leaving."""

from flask import Flask


def init_app(app: Flask) -> None:
    from forum.spaces.views import bp

    app.register_blueprint(bp)
