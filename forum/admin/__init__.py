"""Site administration: accounts and their verified labels, the list of labels, new spaces."""

from flask import Flask


def init_app(app: Flask) -> None:
    from forum.admin.views import bp

    app.register_blueprint(bp)
