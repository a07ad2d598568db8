"""Watch and Stop watching, the thread page's buttons (POST, with the confirm form's CSRF)."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from forum.extensions import db
from forum.forms import confirmed
from forum.policy import get_space_or_404, get_thread_or_404
from forum.threads import watching
from forum.threads.views import bp


def _set_watching(slug: str, thread_public_id: str, watch: bool):
    space = get_space_or_404(current_user, slug)
    thread = get_thread_or_404(current_user, space, thread_public_id)
    if not confirmed():
        abort(400)
    watching.watch_thread(current_user, thread, watch)
    db.session.commit()
    flash(
        "You are watching this thread: you are told of every reply."
        if watch
        else "You no longer watch this thread.",
        "success",
    )
    return redirect(url_for("threads.thread", slug=space.slug, thread_public_id=thread.public_id))


@bp.route("/s/<slug>/t/<public_id:thread_public_id>/watch", methods=["POST"])
@login_required
def watch(slug, thread_public_id):
    return _set_watching(slug, thread_public_id, True)


@bp.route("/s/<slug>/t/<public_id:thread_public_id>/unwatch", methods=["POST"])
@login_required
def unwatch(slug, thread_public_id):
    return _set_watching(slug, thread_public_id, False)
