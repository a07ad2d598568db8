"""The front page: the spaces the viewer may see and recent threads from those they may read."""

from flask import Blueprint, Flask, render_template
from flask_login import current_user

from forum.spaces.queries import visible_spaces
from forum.threads.queries import recent_threads

bp = Blueprint("home", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/")
def index():
    return render_template(
        "home/index.html",
        entries=visible_spaces(current_user),
        recent=recent_threads(current_user),
    )
