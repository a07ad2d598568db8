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

from forum import headers, policy
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import confirm_form_for_viewer, confirmed, refuse
from forum.models import JoinPolicy, MembershipStatus, Space
from forum.pagination import page_number
from forum.policy import Action, get_space_or_404
from forum.spaces import forms, invitations, membership, queries
from forum.threads import queries as thread_queries
from forum.threads import reading

bp = Blueprint("spaces", __name__)


def _blank_forms() -> dict:
    # Visitors are shown no form, and building one would put a CSRF token in their session:
    # a cookie set on every page view, and work for nothing.
    if not current_user.is_authenticated:
        return {"join_form": None, "request_form": None, "confirm_form": None}
    return {
        "join_form": forms.JoinForm(formdata=None),
        "request_form": forms.RequestForm(formdata=None),
        "confirm_form": confirm_form_for_viewer(),
    }


def render_space(space: Space, status: int = 200, **forms_in_use):
    """The space's page; a form that failed is passed in so it keeps what the person wrote."""
    can_read = policy.can(current_user, Action.READ_SPACE, space)
    threads = thread_queries.space_threads(current_user, space, page_number()) if can_read else None
    page = render_template(
        "spaces/space.html",
        space=space,
        membership=policy.membership_of(current_user, space),
        standing=queries.standing_in(current_user, space),
        presence=queries.verified_presence(space) if can_read else [],
        threads=threads,
        **(_blank_forms() | forms_in_use),
    )
    return headers.private_to_space(make_response(page, status), space)


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
        membership.join_space(current_user, space, accepted_rules=form.accept_rules.data)
    except DomainError as error:
        return render_space(space, refuse(form, error), join_form=form)
    db.session.commit()
    flash(f"Welcome to {space.name}.", "success")
    return redirect(url_for("spaces.space", slug=space.slug))


def _request_to_join(space: Space):
    form = forms.RequestForm()
    status = 400
    if form.validate_on_submit():
        try:
            membership.request_to_join(
                current_user, space, form.note.data, accepted_rules=form.accept_rules.data
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash("Your request is sent. The space's moderators will decide soon.", "success")
            return redirect(url_for("spaces.space", slug=space.slug))
    return render_space(space, status, request_form=form)


@bp.route("/s/<slug>/leave", methods=["POST"])
@login_required
def leave(slug):
    space = get_space_or_404(current_user, slug)
    if not confirmed():
        abort(400)
    mine = policy.membership_of(current_user, space)
    was_pending = mine is not None and mine.status == MembershipStatus.PENDING
    try:
        membership.leave_space(current_user, space)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("spaces.space", slug=space.slug))
    db.session.commit()
    flash(
        "Your request is withdrawn." if was_pending else f"You have left {space.name}.", "success"
    )
    if policy.can(current_user, Action.SEE_SPACE, space):
        return redirect(url_for("spaces.space", slug=space.slug))
    return redirect(url_for("home.index"))


def _member_step(slug: str, use_case, done: str):
    """A member's one-button step in a space (accept its rules, mark it read): the use case, then
    back to the space's page saying what happened, or why not."""
    space = get_space_or_404(current_user, slug)
    if not confirmed():
        abort(400)
    try:
        use_case(current_user, space)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done.format(name=space.name), "success")
    return redirect(url_for("spaces.space", slug=space.slug))


@bp.route("/s/<slug>/rules/accept", methods=["POST"])
@login_required
def accept_rules(slug):
    return _member_step(slug, membership.accept_rules, "Thank you for accepting the updated rules.")


@bp.route("/s/<slug>/read", methods=["POST"])
@login_required
def mark_read(slug):
    """Mark every thread of the space read: nothing in it is new to the member until more comes."""
    return _member_step(slug, reading.mark_space_read, "Everything in {name} is marked read.")


@bp.route("/s/<slug>/invite/<token>", methods=["GET", "POST"])
def invitation(slug, token):
    lookup = invitations.find_invitation(token)
    space = db.session.get(Space, lookup.invitation.space_id) if lookup.invitation else None
    if space is None or space.slug != slug:
        abort(404)  # never confirm that a hidden space exists to someone without a real link
    form = forms.JoinForm()
    status = 200
    if form.validate_on_submit() and current_user.is_authenticated:
        try:
            invitations.accept_invitation(
                current_user, space, token, accepted_rules=form.accept_rules.data
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(f"Welcome to {space.name}.", "success")
            return redirect(url_for("spaces.space", slug=space.slug))
    return _invitation_page(space, lookup.problem, form, status)


def _invitation_page(space: Space, problem: str | None, form, status: int, by_name=False):
    is_member = policy.active_membership(current_user, space) is not None
    page = render_template(
        "spaces/invitation.html",
        space=space,
        problem=problem,
        is_member=is_member,
        refusal=policy.check(current_user, Action.ACCEPT_INVITATION, space),
        form=form,
        by_name=by_name,
    )
    response = make_response(page, 410 if problem and not is_member else status)
    return headers.no_store(response)  # the link is a secret: keep the page out of every cache


@bp.route("/invitations/<int:invitation_id>", methods=["GET", "POST"])
@login_required
def named_invitation(invitation_id):
    """An invitation by name: its invitee accepts it here, or ignores it. To anyone else it
    answers as one that does not exist."""
    invitation = invitations.named_invitation_of(current_user, invitation_id)
    if invitation is None:
        abort(404)
    space = db.session.get(Space, invitation.space_id)
    form = forms.JoinForm()
    status = 200
    if form.validate_on_submit():
        try:
            invitations.accept_named_invitation(
                current_user, invitation, accepted_rules=form.accept_rules.data
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(f"Welcome to {space.name}.", "success")
            return redirect(url_for("spaces.space", slug=space.slug))
    elif request.method == "POST":
        abort(400)
    return _invitation_page(space, invitation.problem(), form, status, by_name=True)
