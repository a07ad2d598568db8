"""A space's page, and the member's side of membership: join, request, invitation, rules, leave."""

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

from forum import policy
from forum.extensions import db
from forum.models import JoinPolicy, MembershipStatus, Space, Visibility
from forum.policy import Action, PolicyError, get_space_or_404
from forum.spaces import forms, queries, services
from forum.spaces.services import MembershipError
from forum.threads import queries as thread_queries

bp = Blueprint("spaces", __name__)


def private_to_space(response, space: Space):
    """Pages of non-public spaces must not linger in any cache, the browser's included."""
    if space.visibility != Visibility.PUBLIC:
        response.headers["Cache-Control"] = "no-store"
    return response


def _blank_forms() -> dict:
    # Visitors are shown no form, and building one would put a CSRF token in their session:
    # a cookie set on every page view, and work for nothing.
    if not current_user.is_authenticated:
        return {"join_form": None, "request_form": None, "confirm_form": None}
    return {
        "join_form": forms.JoinForm(formdata=None),
        "request_form": forms.RequestForm(formdata=None),
        "confirm_form": forms.ConfirmForm(formdata=None),
    }


def render_space(space: Space, status: int = 200, **forms_in_use):
    """The space's page; a form that failed is passed in so it keeps what the person wrote."""
    can_read = policy.can(current_user, Action.READ_SPACE, space)
    threads, page_count, page_number = [], 1, max(1, request.args.get("page", 1, type=int) or 1)
    if can_read:
        threads, page_count = thread_queries.space_threads(current_user, space, page_number)
    page = render_template(
        "spaces/space.html",
        space=space,
        membership=policy.membership_of(current_user, space),
        presence=queries.verified_presence(space) if can_read else [],
        threads=threads,
        page=page_number,
        page_count=page_count,
        **(_blank_forms() | forms_in_use),
    )
    return private_to_space(make_response(page, status), space)


@bp.route("/s/<slug>")
def space(slug):
    return render_space(get_space_or_404(current_user, slug))


@bp.route("/s/<slug>/join", methods=["POST"])
@login_required
def join(slug):
    space = get_space_or_404(current_user, slug)
    if space.join_policy == JoinPolicy.REQUEST:
        return _request_to_join(space)
    form = forms.JoinForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.join_space(current_user, space, accepted_rules=form.accept_rules.data)
    except (MembershipError, PolicyError) as error:
        form.form_errors.append(str(error))
        return render_space(space, 400, join_form=form)
    db.session.commit()
    flash(f"Welcome to {space.name}.", "success")
    return redirect(url_for("spaces.space", slug=space.slug))


def _request_to_join(space: Space):
    form = forms.RequestForm()
    if form.validate_on_submit():
        try:
            services.request_to_join(current_user, space, form.note.data)
        except (MembershipError, PolicyError) as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("Your request is sent. The space's moderators will decide soon.", "success")
            return redirect(url_for("spaces.space", slug=space.slug))
    return render_space(space, 400, request_form=form)


@bp.route("/s/<slug>/leave", methods=["POST"])
@login_required
def leave(slug):
    space = get_space_or_404(current_user, slug)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    membership = policy.membership_of(current_user, space)
    was_pending = membership is not None and membership.status == MembershipStatus.PENDING
    try:
        services.leave_space(current_user, space)
    except (MembershipError, PolicyError) as error:
        flash(str(error), "error")
        return redirect(url_for("spaces.space", slug=space.slug))
    db.session.commit()
    flash(
        "Your request is withdrawn." if was_pending else f"You have left {space.name}.", "success"
    )
    if policy.can(current_user, Action.SEE_SPACE, space):
        return redirect(url_for("spaces.space", slug=space.slug))
    return redirect(url_for("home.index"))


@bp.route("/s/<slug>/rules/accept", methods=["POST"])
@login_required
def accept_rules(slug):
    space = get_space_or_404(current_user, slug)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.accept_rules(current_user, space)
    except MembershipError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Thank you for accepting the updated rules.", "success")
    return redirect(url_for("spaces.space", slug=space.slug))


@bp.route("/s/<slug>/invite/<token>", methods=["GET", "POST"])
def invitation(slug, token):
    lookup = services.find_invitation(token)
    space = db.session.get(Space, lookup.invitation.space_id) if lookup.invitation else None
    if space is None or space.slug != slug:
        abort(404)  # never confirm that a hidden space exists to someone without a real link
    form = forms.JoinForm()
    status = 200
    if form.validate_on_submit() and current_user.is_authenticated:
        try:
            services.accept_invitation(
                current_user, space, token, accepted_rules=form.accept_rules.data
            )
        except (MembershipError, PolicyError) as error:
            form.form_errors.append(str(error))
            status = 400
        else:
            db.session.commit()
            flash(f"Welcome to {space.name}.", "success")
            return redirect(url_for("spaces.space", slug=space.slug))
    membership = policy.active_membership(current_user, space)
    page = render_template(
        "spaces/invitation.html",
        space=space,
        problem=lookup.problem,
        is_member=membership is not None,
        may_accept=policy.can(current_user, Action.ACCEPT_INVITATION, space),
        form=form,
    )
    response = make_response(page, 410 if lookup.problem and membership is None else status)
    # The link is a secret: keep the page out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response
