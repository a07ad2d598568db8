"""/settings/delete: what deleting one's account does, and doing it."""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import headers
from forum.accounts import sessions
from forum.accounts.rules import AccountError
from forum.erasure import services
from forum.erasure.forms import DeleteAccountForm
from forum.extensions import db
from forum.forms import refuse

bp = Blueprint("erasure", __name__)


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except AccountError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            sessions.end_session()
            flash("Your account is deleted, and everything you wrote with it.", "success")
            return redirect(url_for("home.index"))
    elif form.is_submitted():
        status = 400
    page = render_template(
        "erasure/delete_account.html",
        form=form,
        blocking=services.spaces_needing_an_owner(current_user),
        last_admin=services.is_last_admin(current_user),
    )
    return headers.no_store(make_response(page, status))
