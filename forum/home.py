"""The front page: a member's spaces and what is new there, the spaces one sees, recent threads."""

from flask import Blueprint, Flask, render_template
from flask_login import current_user

from forum.spaces.queries import visible_spaces
from forum.threads.queries import NEWS_SHOWN_UP_TO, recent_threads

bp = Blueprint("home", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/")
def index():
    entries = visible_spaces(current_user)
    return render_template(
        "home/index.html",
        # The spaces whose membership grants access now: those where something can be new.
        your_spaces=[entry for entry in entries if entry.new_threads is not None],
        entries=entries,
        recent=recent_threads(current_user),
        news_shown_up_to=NEWS_SHOWN_UP_TO,
    )
