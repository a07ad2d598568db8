"""The notifications page, newest first; marking read; the settings of what one is told.

The settings page is /settings/notifications."""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import update

from forum import headers
from forum.converters import MAX_ID
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import confirm_form_for_viewer, confirmed, refuse
from forum.models import Delivery, MailMode, Notification
from forum.models.types import utcnow
from forum.notifications import preferences, queries
from forum.notifications.forms import NotificationSettingsForm
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


def _is_id(value: str) -> bool:
    """An id as the URLs' converter bounds it: digits, within what the column holds."""
    return value.isascii() and value.isdigit() and len(value) <= 10 and int(value) <= MAX_ID


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
    # A group ("3 new replies in …") is marked read at once: its other ids come along. Only
    # the viewer's own are marked; another person's id changes nothing.
    also = request.form.getlist("also")
    if len(also) > queries.NOTIFICATIONS_PER_PAGE or not all(_is_id(i) for i in also):
        abort(400)
    ids = {notification.id, *(int(i) for i in also)}
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == current_user.id,
            Notification.id.in_(ids),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
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


def _settings_page(form: NotificationSettingsForm, status: int = 200):
    page = render_template("notifications/settings.html", form=form)
    return headers.no_store(make_response(page, status))


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "GET":
        form = NotificationSettingsForm(formdata=None)
        form.mail_mode.data = current_user.mail_mode.value
        for kind, delivery in preferences.deliveries_of(current_user).items():
            form[kind.value].data = delivery.value
        return _settings_page(form)
    form = NotificationSettingsForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _settings_page(form, 400)
    deliveries = {kind: Delivery(field.data) for kind, field in form.kind_fields()}
    try:
        preferences.save_preferences(current_user, deliveries, MailMode(form.mail_mode.data))
    except DomainError as error:
        return _settings_page(form, refuse(form, error))
    db.session.commit()
    flash("Your notification settings are saved.", "success")
    return redirect(url_for("notifications.settings"))
