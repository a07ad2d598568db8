"""Running a space (its staff's side): the roster and roles, requests, invitations, settings."""

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from forum import headers
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import Form, confirm_form_for_viewer, confirmed, refuse
from forum.links import absolute_url
from forum.models import Membership, Role, Space, User
from forum.pagination import page_number
from forum.policy import Action, get_space_or_404
from forum.spaces import forms, loosening, membership, queries
from forum.spaces.invitations import create_invitation, invite_by_name, revoke_invitation
from forum.spaces.settings import SettingsSaved, current_settings, update_space_settings
from forum.spaces.views import bp

NEW_INVITATION_KEY = "new_invitation_to_show"


def render_staff_page(space: Space, template: str, status: int = 200, **context):
    """A staff page of the space, kept out of shared caches as the space requires."""
    page = render_template(template, space=space, **context)
    return headers.private_to_space(make_response(page, status), space)


def _put_back(row_forms: dict[int, Form], failed: tuple[int, Form] | None) -> list:
    """Put a row's failed form back in its row, keeping what was typed; return the errors that
    go above the list: the form's own, and all of them when the row is no longer on the page
    (decided by someone else, removed, or on another page)."""
    if failed is None:
        return []
    row_id, form = failed
    errors = list(form.form_errors)
    if row_id in row_forms:
        row_forms[row_id] = form
    else:
        errors += [error for field in form for error in field.errors]
    return errors


# Members and roles


def _role_form(m: Membership) -> forms.RoleForm:
    return forms.RoleForm(prefix=f"m{m.id}-role", formdata=None, data={"role": m.role})


def _render_members(
    space: Space, failed: tuple[int, forms.RoleForm] | None = None, status: int = 200
):
    roster = queries.member_roster(space, page_number())
    role_forms = {m.id: _role_form(m) for m in roster.items}
    page_errors = _put_back(role_forms, failed)
    return render_staff_page(
        space,
        "spaces/members.html",
        status,
        roster=roster,
        role_forms=role_forms,
        open_row=failed[0] if failed else None,
        page_errors=page_errors,
    )


@bp.route("/s/<slug>/members")
@login_required
def members(slug):
    return _render_members(get_space_or_404(current_user, slug, Action.VIEW_MEMBERS))


@bp.route("/s/<slug>/members/<int:membership_id>/role", methods=["POST"])
@login_required
def change_role(slug, membership_id):
    space = get_space_or_404(current_user, slug, Action.VIEW_MEMBERS)
    form = forms.RoleForm(prefix=f"m{membership_id}-role")
    status = 400
    if form.validate_on_submit():
        try:
            changed = membership.change_role(
                current_user, space, membership_id, Role(form.role.data)
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            name = db.session.get(User, changed.user_id).username
            article = "an" if changed.role == Role.OWNER else "a"
            flash(f"{name} is now {article} {changed.role}.", "success")
            return redirect(url_for("spaces.members", slug=space.slug, page=page_number()))
    return _render_members(space, failed=(membership_id, form), status=status)


# Join requests


def _render_requests(
    space: Space, failed: tuple[int, forms.DecideRequestForm] | None = None, status: int = 200
):
    pending = queries.pending_requests(space, page_number())
    row_forms = {
        m.id: forms.DecideRequestForm(prefix=f"r{m.id}", formdata=None) for m in pending.items
    }
    page_errors = _put_back(row_forms, failed)
    return render_staff_page(
        space,
        "spaces/requests.html",
        status,
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
    status = 400
    if form.validate_on_submit():
        try:
            decided = membership.decide_request(
                current_user,
                space,
                membership_id,
                approve=form.approve,
                reason=form.reason.data or "",
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            name = db.session.get(User, decided.user_id).username
            flash(
                f"{name} is now a member."
                if form.approve
                else f"The request of {name} is declined.",
                "success",
            )
            return redirect(url_for("spaces.requests", slug=space.slug, page=page_number()))
    return _render_requests(space, failed=(membership_id, form), status=status)


# Invitations


def _render_invitations(
    space: Space,
    form: forms.InvitationForm,
    status: int = 200,
    name_form: forms.InviteByNameForm | None = None,
):
    new_link = None
    shown = session.get(NEW_INVITATION_KEY)
    if shown and shown.get("slug") == space.slug:
        session.pop(NEW_INVITATION_KEY)
        new_link = absolute_url("spaces.invitation", slug=space.slug, token=shown["token"])
    response = render_staff_page(
        space,
        "spaces/invitations.html",
        status,
        form=form,
        name_form=name_form or forms.InviteByNameForm(formdata=None),
        new_link=new_link,
        invitations=queries.space_invitations(space, page_number()),
        confirm_form=confirm_form_for_viewer(),
    )
    # The one-time link is a secret: the page stays out of every cache, even for public spaces.
    return headers.no_store(response)


@bp.route("/s/<slug>/invites", methods=["GET", "POST"])
@login_required
def invitations(slug):
    space = get_space_or_404(current_user, slug, Action.MANAGE_INVITATIONS)
    if request.method == "GET":
        return _render_invitations(space, forms.InvitationForm(formdata=None))
    form = forms.InvitationForm()
    status = 400
    if form.validate_on_submit():
        try:
            created = create_invitation(
                current_user,
                space,
                expires_in=form.lifetime,
                max_uses=form.max_uses,
                note=form.note.data or "",
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            session[NEW_INVITATION_KEY] = {"slug": space.slug, "token": created.token}
            flash("The invitation is ready. Copy the link now: it is shown only once.", "success")
            return redirect(url_for("spaces.invitations", slug=space.slug))
    return _render_invitations(space, form, status)


@bp.route("/s/<slug>/invites/by-name", methods=["POST"])
@login_required
def invite_named(slug):
    space = get_space_or_404(current_user, slug, Action.MANAGE_INVITATIONS)
    form = forms.InviteByNameForm()
    status = 400
    if form.validate_on_submit():
        try:
            invite_by_name(current_user, space, form.username.data)
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(f"{form.username.data.strip()} is invited and told in the app.", "success")
            return redirect(url_for("spaces.invitations", slug=space.slug))
    blank = forms.InvitationForm(formdata=None)
    return _render_invitations(space, blank, status, name_form=form)


@bp.route("/s/<slug>/invites/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def withdraw_invitation(slug, invitation_id):
    space = get_space_or_404(current_user, slug, Action.MANAGE_INVITATIONS)
    if not confirmed():
        abort(400)
    try:
        revoke_invitation(current_user, space, invitation_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("The invitation is withdrawn: its link no longer works.", "success")
    return redirect(url_for("spaces.invitations", slug=space.slug, page=page_number()))


# Settings


def _render_settings(space: Space, form: forms.EditSettingsForm, status: int = 200):
    return render_staff_page(
        space,
        "spaces/settings.html",
        status,
        form=form,
        pending=loosening.announcements(space),
        takes_notice=loosening.takes_notice(space),
        notice_days=loosening.notice_period().days,
    )


def _saved_message(saved: SettingsSaved) -> str:
    if not saved.changed and not saved.scheduled:
        return "Nothing changed."
    message = "The settings are saved." if saved.changed else ""
    for change in saved.scheduled:
        message += (
            f" The change of {loosening.SETTING_WORDS[change.setting]} is announced in the space "
            f"and takes effect on {loosening.when(change.takes_effect_at)}."
        )
    return message.strip()


@bp.route("/s/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug):
    space = get_space_or_404(current_user, slug, Action.EDIT_SPACE_SETTINGS)
    if request.method == "GET":
        return _render_settings(
            space, forms.EditSettingsForm(formdata=None).fill_from(current_settings(space))
        )
    form = forms.EditSettingsForm()
    status = 400
    if form.validate_on_submit():
        try:
            saved = update_space_settings(
                current_user, space, form.to_settings(), form.reason.data or ""
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(_saved_message(saved), "success")
            return redirect(url_for("spaces.settings", slug=space.slug))
    return _render_settings(space, form, status)


@bp.route("/s/<slug>/settings/changes/<int:change_id>/cancel", methods=["POST"])
@login_required
def cancel_change(slug, change_id):
    space = get_space_or_404(current_user, slug, Action.CANCEL_LOOSENING)
    if not confirmed():
        abort(400)
    try:
        cancelled = loosening.cancel_change(current_user, space, change_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        words = loosening.SETTING_WORDS[cancelled.setting]
        flash(f"The announced change of {words} is cancelled: nothing changes.", "success")
    return redirect(url_for("spaces.settings", slug=space.slug))
