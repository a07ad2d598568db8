"""Deleting one's account: what the person wrote is erased, and everything kept about them."""

from flask import Flask

from forum.erasure.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
