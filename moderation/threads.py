"""Space staff actions on threads: lock and pin."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from forum.extensions import db
from forum.policy import get_space_or_404
from forum.threads.forms import ConfirmForm
from forum.threads.queries import get_thread_or_404
from moderation import services

bp = Blueprint("thread_moderation", __name__)


def _load(slug: str, thread_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    space = get_space_or_404(current_user, slug)
    return space, get_thread_or_404(current_user, space, thread_id)


@bp.route("/s/<slug>/t/<int:thread_id>/lock", methods=["POST"])
@login_required
def lock_thread(slug, thread_id):
    space, thread = _load(slug, thread_id)
    try:
        services.set_thread_locked(current_user, thread, not thread.locked)
    except services.ModerationError as error:
        abort(403, str(error))
    db.session.commit()
    flash("The thread is locked." if thread.locked else "The thread is open again.", "success")
    return redirect(url_for("threads.thread", slug=space.slug, thread_id=thread.id))


@bp.route("/s/<slug>/t/<int:thread_id>/pin", methods=["POST"])
@login_required
def pin_thread(slug, thread_id):
    space, thread = _load(slug, thread_id)
    try:
        services.set_thread_pinned(current_user, thread, not thread.pinned)
    except services.ModerationError as error:
        abort(403, str(error))
    db.session.commit()
    flash("The thread is pinned." if thread.pinned else "The thread is unpinned.", "success")
    return redirect(url_for("threads.thread", slug=space.slug, thread_id=thread.id))
