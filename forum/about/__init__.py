"""What the platform is and what it keeps: /about, /privacy, and the operator's own texts."""

from flask import Flask

from forum.about.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
