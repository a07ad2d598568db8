"""Space staff pages: members, join requests, invitations and settings."""

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from forum.extensions import db
from forum.models import Membership, Role, Space, User
from forum.models.types import utcnow
from forum.policy import Action, get_space_or_404
from forum.spaces.views import private_to_space
from moderation import forms, queries, services
from moderation.services import ModerationError

bp = Blueprint("moderation", __name__)

NEW_INVITATION_KEY = "new_invitation_to_show"


def _page_number() -> int:
    return max(1, request.args.get("page", 1, type=int))


def _render(space: Space, template: str, status: int = 200, **context):
    page = render_template(template, space=space, **context)
    return private_to_space(make_response(page, status), space)


def _errors_above_the_list(form: FlaskForm, row_shown: bool) -> list[str]:
    """A row form's refusals go above the list: the row may be gone or offer no such form."""
    errors = list(form.form_errors)
    if not row_shown:  # decided by someone else, removed, or on another page
        errors += [error for field in form for error in field.errors]
    return errors


# Members


@dataclass
class MemberForms:
    """The action forms of one roster row; a failed one comes back with what was typed."""

    role: forms.RoleForm
    remove: forms.RemoveForm
    ban: forms.BanForm
    unban: forms.UnbanForm
    open: str | None = None  # the action whose form failed, shown unfolded


def _member_forms(membership: Membership) -> MemberForms:
    prefix = f"m{membership.id}"
    return MemberForms(
        role=forms.RoleForm(prefix=f"{prefix}-role", formdata=None, data={"role": membership.role}),
        remove=forms.RemoveForm(prefix=f"{prefix}-remove", formdata=None),
        ban=forms.BanForm(prefix=f"{prefix}-ban", formdata=None),
        unban=forms.UnbanForm(prefix=f"{prefix}-unban", formdata=None),
    )


def _render_members(space: Space, failed: tuple[int, str, FlaskForm] | None = None):
    roster = queries.member_roster(space, _page_number())
    row_forms = {membership.id: _member_forms(membership) for membership in roster.items}
    page_errors = []
    if failed is not None:
        membership_id, kind, form = failed
        page_errors = _errors_above_the_list(form, membership_id in row_forms)
        if membership_id in row_forms:
            setattr(row_forms[membership_id], kind, form)
            row_forms[membership_id].open = kind
    return _render(
        space,
        "moderation/members.html",
        400 if failed else 200,
        roster=roster,
        row_forms=row_forms,
        page_errors=page_errors,
    )


@bp.route("/s/<slug>/members")
@login_required
def members(slug):
    return _render_members(get_space_or_404(current_user, slug, Action.VIEW_MEMBERS))


def _target_name(membership: Membership) -> str:
    # The service has loaded the account already: this reads the session, not the database.
    return db.session.get(User, membership.user_id).username


def _back_to_members(space: Space):
    return redirect(url_for("moderation.members", slug=space.slug, page=_page_number()))


def _member_action(slug: str, membership_id: int, kind: str, form_class, act):
    """Parse one row's form, call the service through `act`, commit, and go back to the roster."""
    space = get_space_or_404(current_user, slug, Action.VIEW_MEMBERS)
    form = form_class(prefix=f"m{membership_id}-{kind}")
    if form.validate_on_submit():
        try:
            message = act(space, form)
        except ModerationError as error:
            db.session.rollback()  # nothing of a refused use case may reach the page
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(message, "success")
            return _back_to_members(space)
    return _render_members(space, failed=(membership_id, kind, form))


@bp.route("/s/<slug>/members/<int:membership_id>/role", methods=["POST"])
@login_required
def change_role(slug, membership_id):
    def act(space, form):
        membership = services.change_role(current_user, space, membership_id, Role(form.role.data))
        article = "an" if membership.role == Role.OWNER else "a"
        return f"{_target_name(membership)} is now {article} {membership.role}."

    return _member_action(slug, membership_id, "role", forms.RoleForm, act)


@bp.route("/s/<slug>/members/<int:membership_id>/remove", methods=["POST"])
@login_required
def remove(slug, membership_id):
    def act(space, form):
        user = services.remove_member(current_user, space, membership_id, form.reason.data)
        return f"{user.username} is removed from the space."

    return _member_action(slug, membership_id, "remove", forms.RemoveForm, act)


@bp.route("/s/<slug>/members/<int:membership_id>/ban", methods=["POST"])
@login_required
def ban(slug, membership_id):
    def act(space, form):
        until = form.until(utcnow())
        membership = services.ban_member(
            current_user, space, membership_id, form.reason.data, until
        )
        ending = f"until {until:%d %B %Y, %H:%M} UTC" if until else "with no end date"
        return f"{_target_name(membership)} is banned {ending}."

    return _member_action(slug, membership_id, "ban", forms.BanForm, act)


@bp.route("/s/<slug>/members/<int:membership_id>/unban", methods=["POST"])
@login_required
def unban(slug, membership_id):
    def act(space, form):
        membership = services.unban_member(current_user, space, membership_id, form.reason.data)
        return f"The ban on {_target_name(membership)} is lifted."

    return _member_action(slug, membership_id, "unban", forms.UnbanForm, act)


# Join requests


def _render_requests(space: Space, failed: tuple[int, FlaskForm] | None = None):
    pending = queries.pending_requests(space, _page_number())
    row_forms = {
        membership.id: forms.DecideRequestForm(prefix=f"r{membership.id}", formdata=None)
        for membership in pending.items
    }
    page_errors = []
    if failed is not None:
        membership_id, form = failed
        page_errors = _errors_above_the_list(form, membership_id in row_forms)
        if membership_id in row_forms:
            row_forms[membership_id] = form
    return _render(
        space,
        "moderation/requests.html",
        400 if failed else 200,
        pending=pending,
        row_forms=row_forms,
        page_errors=page_errors,
    )


@bp.route("/s/<slug>/requests")
@login_required
def requests(slug):
    return _render_requests(get_space_or_404(current_user, slug, Action.REVIEW_REQUESTS))


@bp.route("/s/<slug>/requests/<int:membership_id>", methods=["POST"])
@login_required
def decide_request(slug, membership_id):
    space = get_space_or_404(current_user, slug, Action.REVIEW_REQUESTS)
    form = forms.DecideRequestForm(prefix=f"r{membership_id}")
    if form.validate_on_submit():
        try:
            membership = services.decide_request(
                current_user,
                space,
                membership_id,
                approve=form.approve,
                reason=form.reason.data or "",
            )
        except ModerationError as error:
            db.session.rollback()  # nothing of a refused use case may reach the page
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            name = _target_name(membership)
            flash(
                f"{name} is now a member."
                if form.approve
                else f"The request of {name} is declined.",
                "success",
            )
            return redirect(url_for("moderation.requests", slug=space.slug, page=_page_number()))
    return _render_requests(space, failed=(membership_id, form))


# Invitations


def _render_invitations(space: Space, form: forms.InvitationForm, status: int = 200):
    new_link = None
    shown = session.get(NEW_INVITATION_KEY)
    if shown and shown.get("slug") == space.slug:
        session.pop(NEW_INVITATION_KEY)
        new_link = url_for(
            "spaces.invitation", slug=space.slug, token=shown["token"], _external=True
        )
    invitations = queries.space_invitations(space, _page_number())
    now = utcnow()
    response = _render(
        space,
        "moderation/invitations.html",
        status,
        form=form,
        new_link=new_link,
        invitations=invitations,
        states={i.id: queries.invitation_state(i, now) for i in invitations.items},
    )
    # The one-time link is a secret: the page stays out of every cache, even for public spaces.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/s/<slug>/invites", methods=["GET", "POST"])
@login_required
def invitations(slug):
    space = get_space_or_404(current_user, slug, Action.MANAGE_INVITATIONS)
    if request.method == "GET":
        return _render_invitations(space, forms.InvitationForm(formdata=None))
    form = forms.InvitationForm()
    if form.validate_on_submit():
        try:
            created = services.create_invitation(
                current_user,
                space,
                expires_in=form.lifetime,
                max_uses=form.max_uses,
                note=form.note.data or "",
            )
        except ModerationError as error:
            db.session.rollback()  # nothing of a refused use case may reach the page
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            session[NEW_INVITATION_KEY] = {"slug": space.slug, "token": created.token}
            flash("The invitation is ready. Copy the link now: it is shown only once.", "success")
            return redirect(url_for("moderation.invitations", slug=space.slug))
    return _render_invitations(space, form, 400)


@bp.route("/s/<slug>/invites/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(slug, invitation_id):
    space = get_space_or_404(current_user, slug, Action.MANAGE_INVITATIONS)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.revoke_invitation(current_user, space, invitation_id)
    except ModerationError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("The invitation is withdrawn: its link no longer works.", "success")
    return redirect(url_for("moderation.invitations", slug=space.slug, page=_page_number()))


# Settings


def _current_settings(space: Space) -> dict:
    return {
        "name": space.name,
        "description": space.description,
        "rules": space.rules,
        "visibility": space.visibility.value,
        "join_policy": space.join_policy.value,
        "required_label": space.required_label or "",
        "identity_mode": space.identity_mode.value,
        "premoderation": space.premoderation.value,
        "slow_mode_seconds": space.slow_mode_seconds,
        "flag_hide_threshold": space.flag_hide_threshold,
    }


@bp.route("/s/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug):
    space = get_space_or_404(current_user, slug, Action.EDIT_SPACE_SETTINGS)
    if request.method == "GET":
        form = forms.SettingsForm(formdata=None, data=_current_settings(space))
        return _render(space, "moderation/settings.html", form=form)
    form = forms.SettingsForm()
    if form.validate_on_submit():
        try:
            changed = services.update_space_settings(current_user, space, form.to_settings())
        except ModerationError as error:
            db.session.rollback()  # nothing of a refused use case may reach the page
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("The settings are saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("moderation.settings", slug=space.slug))
    return _render(space, "moderation/settings.html", 400, form=form)
