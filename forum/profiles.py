"""Profiles: a user's posts under their own name, in the spaces the viewer may read."""

from flask import Blueprint, Flask, abort, render_template
from flask_login import current_user

from forum.accounts.services import find_user
from forum.pagination import page_number
from forum.threads import queries

bp = Blueprint("profiles", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/u/<username>")
def profile(username):
    user = find_user(username)
    posts = queries.named_posts(current_user, user, page_number()) if user else None
    own = user is not None and current_user.is_authenticated and current_user.id == user.id
    if posts is None or (posts.total == 0 and not own):
        # An account this viewer never sees post under its name is no more there than an
        # unknown name: a profile would confirm that it exists, and its verified label with it.
        # Its owner knows it exists, and sees what others will once they post under it.
        abort(404)
    # Only what the person chose to show under their name: no counts, no activity dates.
    return render_template(
        "profiles/profile.html", username=user.username, label=user.label, posts=posts
    )
