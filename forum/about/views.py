"""The about and privacy pages, and the site admin's page for the operator's texts."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import headers
from forum.about import texts
from forum.about.forms import SiteTextsForm
from forum.extensions import db
from forum.models import SiteTextName
from forum.policy import Action, check

bp = Blueprint("about", __name__)


def _render(template: str):
    return render_template(
        template, texts=texts.operator_texts(), Text=SiteTextName, settings=current_app.config
    )


@bp.route("/about")
def about():
    return _render("about/about.html")


@bp.route("/privacy")
def privacy():
    return _render("about/privacy.html")


@bp.route("/admin/texts", methods=["GET", "POST"])
@login_required
def edit_texts():
    if reason := check(current_user, Action.EDIT_SITE_TEXTS):
        abort(reason.status, reason.message)
    form = SiteTextsForm(data=texts.sources())
    if form.validate_on_submit():
        changed = texts.save_texts(current_user, form.sources())
        db.session.commit()
        flash(_saved(changed), "success")
        return redirect(url_for("about.edit_texts"))
    page = render_template("about/edit_texts.html", form=form)
    status = 400 if form.is_submitted() else 200
    return headers.no_store(current_app.make_response((page, status)))


def _saved(changed: list[SiteTextName]) -> str:
    if not changed:
        return "Nothing changed."
    return "Saved. Each change is dated on the page and kept in the log with the text it replaced."
