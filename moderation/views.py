"""Moderators' pages: a sanction on a member (remove, ban, lift a ban), lock and pin a thread."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import headers
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import confirmed, refuse
from forum.models import User
from forum.models.types import utcnow
from forum.policy import Action, check, get_space_or_404, get_thread_or_404
from forum.spaces.membership import member_of
from moderation import forms, services

bp = Blueprint("moderation", __name__)


@dataclass(frozen=True)
class Sanction:
    """One kind of sanction: its form, its page's words, and the use case it calls."""

    form: type[forms.SanctionForm]
    title: str  # "Remove {name}"
    button: str
    apply: object  # (actor, space, membership_id, form) -> the message shown afterwards


def _remove(actor, space, membership_id, form) -> str:
    user = services.remove_member(actor, space, membership_id, form.reason.data)
    return f"{user.username} is removed from the space."


def _ban(actor, space, membership_id, form) -> str:
    until = form.until(utcnow())
    banned = services.ban_member(actor, space, membership_id, form.reason.data, until)
    ending = f"until {until:%d %B %Y, %H:%M} UTC" if until else "with no end date"
    return f"{db.session.get(User, banned.user_id).username} is banned {ending}."


def _unban(actor, space, membership_id, form) -> str:
    lifted = services.unban_member(actor, space, membership_id, form.reason.data)
    return f"The ban on {db.session.get(User, lifted.user_id).username} is lifted."


SANCTIONS = {
    "remove": Sanction(forms.SanctionForm, "Remove {name}", "Remove", _remove),
    "ban": Sanction(forms.BanForm, "Ban {name}", "Ban", _ban),
    "unban": Sanction(forms.SanctionForm, "Lift the ban on {name}", "Lift the ban", _unban),
}


@bp.route(
    "/s/<slug>/members/<int:membership_id>/<any(remove, ban, unban):kind>",
    methods=["GET", "POST"],
)
@login_required
def sanction(slug, membership_id, kind):
    """A page with one sanction's form: what it does, the reason the member is told."""
    space = get_space_or_404(current_user, slug, Action.VIEW_MEMBERS)
    try:
        target = member_of(space, membership_id)
    except DomainError:
        abort(404)
    if reason := check(current_user, Action.MODERATE_MEMBER, target):
        abort(reason.status, reason.message)
    chosen = SANCTIONS[kind]
    form = chosen.form()
    status = 200
    if form.validate_on_submit():
        try:
            message = chosen.apply(current_user, space, membership_id, form)
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("spaces.members", slug=space.slug))
    elif form.is_submitted():
        status = 400
    name = db.session.get(User, target.user_id).username
    page = render_template(
        "moderation/sanction.html",
        space=space,
        target=target,
        name=name,
        kind=kind,
        title=chosen.title.format(name=name),
        button=chosen.button,
        form=form,
    )
    return headers.private_to_space(make_response(page, status), space)


@bp.route("/s/<slug>/t/<public_id:thread_public_id>/lock", methods=["POST"])
@login_required
def lock_thread(slug, thread_public_id):
    space = get_space_or_404(current_user, slug)
    thread = get_thread_or_404(current_user, space, thread_public_id)
    if not confirmed():
        abort(400)
    try:
        services.set_thread_locked(current_user, thread, not thread.locked)
    except DomainError as error:
        abort(error.status, error.message)
    db.session.commit()
    flash("The thread is locked." if thread.locked else "The thread is open again.", "success")
    return redirect(url_for("threads.thread", slug=space.slug, thread_public_id=thread.public_id))


@bp.route("/s/<slug>/t/<public_id:thread_public_id>/pin", methods=["POST"])
@login_required
def pin_thread(slug, thread_public_id):
    space = get_space_or_404(current_user, slug)
    thread = get_thread_or_404(current_user, space, thread_public_id)
    if not confirmed():
        abort(400)
    try:
        services.set_thread_pinned(current_user, thread, not thread.pinned)
    except DomainError as error:
        abort(error.status, error.message)
    db.session.commit()
    flash("The thread is pinned." if thread.pinned else "The thread is unpinned.", "success")
    return redirect(url_for("threads.thread", slug=space.slug, thread_public_id=thread.public_id))
