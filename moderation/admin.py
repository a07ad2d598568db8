"""Site admin pages: accounts and verified labels, and creating spaces."""

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.extensions import db
from forum.models import User
from forum.policy import Action, can
from moderation import admin_queries, services
from moderation.admin_forms import LabelForm, NewSpaceForm
from moderation.services import ModerationError

bp = Blueprint("admin", __name__, url_prefix="/admin")


def requires(action: Action) -> Callable:
    """Let signed-in viewers the policy allows through; others get 403 (visitors sign in first)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


@bp.after_request
def keep_out_of_caches(response: Response) -> Response:
    # Who holds which label, and how it was checked, must not linger in any cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _listing() -> dict:
    """Where the admin is in the accounts list: the search and the page, when not the defaults."""
    search = request.args.get("q", "").strip()[:30]
    page = request.args.get("page", 1, type=int)
    return {"q": search or None, "page": page if page > 1 else None}


def label_form(user: User, *, submitted: bool = False) -> LabelForm:
    """The label form of one account; the prefix keeps each row's fields and ids apart."""
    if submitted:
        return LabelForm(prefix=f"user-{user.id}")
    return LabelForm(prefix=f"user-{user.id}", formdata=None, data={"label": user.label})


def render_index(
    status: int = 200, submitted: dict[int, LabelForm] | None = None
) -> tuple[str, int]:
    """The admin page; a label form that failed is passed in to keep what the admin typed."""
    listing = _listing()
    accounts = admin_queries.account_page(listing["q"] or "", listing["page"] or 1)
    submitted = submitted or {}
    page = render_template(
        "admin/index.html",
        accounts=accounts,
        label_forms={
            user.id: submitted.get(user.id) or label_form(user) for user in accounts.users
        },
        label_changes=admin_queries.recent_label_changes(),
        labels_in_use=admin_queries.labels_in_use(),
        spaces=admin_queries.all_spaces(),
    )
    return page, status


@bp.route("")
@requires(Action.MANAGE_USERS)
def index():
    return render_index()


@bp.route("/users/<int:user_id>/label", methods=["POST"])
@requires(Action.MANAGE_USERS)
def set_label(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = label_form(user, submitted=True)
    if form.validate_on_submit():
        before = user.label
        try:
            services.set_label(current_user, user, form.chosen_label(), note=form.note.data)
        except ModerationError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_label_outcome(user, before), "success")
            return redirect(url_for("admin.index", **_listing(), _anchor=f"user-{user.id}"))
    return render_index(400, {user.id: form})


def _label_outcome(user: User, before: str | None) -> str:
    if user.label == before:
        return f"{user.username}'s label is unchanged."
    if user.label is None:
        return f"Revoked {user.username}'s label {before!r}."
    return f"{user.username} now holds the label {user.label!r}."


@bp.route("/spaces/new", methods=["GET", "POST"])
@requires(Action.CREATE_SPACE)
def new_space():
    form = NewSpaceForm(data={"owner": current_user.username})
    if form.validate_on_submit():
        try:
            space = services.create_space(
                current_user, form.slug.data, form.to_settings(), owner=form.owner_user
            )
        except ModerationError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Created {space.name}.", "success")
            return redirect(url_for("spaces.space", slug=space.slug))
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "admin/new_space.html", form=form, labels_in_use=admin_queries.labels_in_use()
    )
    return page, status
