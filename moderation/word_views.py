"""Lists of watched words: a space's, kept by its staff, and the site's, kept by its admins."""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import headers
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import ConfirmForm, refuse
from forum.models import Space
from forum.policy import Action, check, get_space_or_404
from moderation import forms
from moderation import watched_words as service
from moderation.views import bp


def _list_page(space: Space | None, here: str):
    """The list with its add form: add on POST, then back to the list."""
    form = forms.WatchedWordForm()
    status = 200
    if form.validate_on_submit():
        try:
            word = service.add_watched_word(current_user, space, form.phrase.data, form.action.data)
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(f"“{word.phrase}” is watched now.", "success")
            return redirect(here)
    elif form.is_submitted():
        status = 400
    page = render_template(
        "moderation/watched_words.html",
        space=space,
        words=service.watched_words(space),
        form=form,
        here=here,
    )
    # Who could read the list could write around it: it stays out of every cache.
    return headers.no_store(make_response(page, status))


def _remove(space: Space | None, word_id: int, here: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        word = service.remove_watched_word(current_user, space, word_id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"“{word.phrase}” is no longer watched.", "success")
    return redirect(here)


def _site_admins_only() -> None:
    if reason := check(current_user, Action.MANAGE_WATCHED_WORDS, None):
        abort(reason.status, reason.message)


@bp.route("/s/<slug>/watched-words", methods=["GET", "POST"])
@login_required
def space_watched_words(slug):
    space = get_space_or_404(current_user, slug, Action.MANAGE_WATCHED_WORDS)
    return _list_page(space, url_for("moderation.space_watched_words", slug=slug))


@bp.route("/s/<slug>/watched-words/<int:word_id>/remove", methods=["POST"])
@login_required
def remove_space_watched_word(slug, word_id):
    space = get_space_or_404(current_user, slug, Action.MANAGE_WATCHED_WORDS)
    return _remove(space, word_id, url_for("moderation.space_watched_words", slug=slug))


@bp.route("/admin/watched-words", methods=["GET", "POST"])
@login_required
def site_watched_words():
    _site_admins_only()
    return _list_page(None, url_for("moderation.site_watched_words"))


@bp.route("/admin/watched-words/<int:word_id>/remove", methods=["POST"])
@login_required
def remove_site_watched_word(word_id):
    _site_admins_only()
    return _remove(None, word_id, url_for("moderation.site_watched_words"))
