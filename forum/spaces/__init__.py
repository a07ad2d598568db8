"""Spaces: the directory, a space's page, joining it, and running it (staff's side)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from forum.spaces import loosening, staff_views  # noqa: F401  (its routes join the blueprint)
    from forum.spaces.views import bp

    app.register_blueprint(bp)
    loosening.init_app(app)
