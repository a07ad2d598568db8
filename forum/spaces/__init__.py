"""Spaces: the directory and a space's page, membership from the member's side and the staff's
(roster and roles, requests, invitations, settings)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from forum.spaces import staff_views  # noqa: F401  (its routes join the blueprint)
    from forum.spaces.views import bp

    app.register_blueprint(bp)
