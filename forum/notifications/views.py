"""The notifications page: what the viewer was told, newest first; marking it read."""

from flask import Blueprint, abort, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import update

from forum import headers
from forum.extensions import db
from forum.forms import confirm_form_for_viewer, confirmed
from forum.models import Notification
from forum.models.types import utcnow
from forum.notifications import queries
from forum.pagination import page_number
from forum.policy import Action, check

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def index():
    told = queries.notification_page(current_user, page_number())
    page = render_template(
        "notifications/index.html", told=told, confirm_form=confirm_form_for_viewer()
    )
    # A notification may name the viewer's pseudonym: no cache may keep the page.
    return headers.no_store(make_response(page))


def _back():
    number = page_number()
    return redirect(url_for("notifications.index", page=number if number > 1 else None))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id):
    notification = db.session.get(Notification, notification_id)
    if notification is None or check(current_user, Action.READ_NOTIFICATION, notification):
        abort(404)  # another person's notification answers like one that does not exist
    if not confirmed():
        abort(400)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return _back()


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    if not confirmed():
        abort(400)
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return _back()
