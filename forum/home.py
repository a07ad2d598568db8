"""The front page."""

from flask import Blueprint, Flask, render_template

bp = Blueprint("home", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/")
def index():
    return render_template("home/index.html")
