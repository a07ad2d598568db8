"""Site admin pages: accounts and verified labels, the list of labels, new spaces, reveals."""

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum import headers, labels
from forum.admin import queries, services
from forum.admin import reveals as reveals_module
from forum.admin.forms import (
    LabelForm,
    NewLabelForm,
    NewSpaceForm,
    RenameLabelForm,
    RevealDecisionForm,
    RevealRequestForm,
    label_choices,
)
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import refuse
from forum.models import Label, RevealRequest, User
from forum.pagination import page_number
from forum.policy import Action, check

bp = Blueprint("admin", __name__, url_prefix="/admin")


def requires(action: Action) -> Callable:
    """Let signed-in viewers the policy allows through; others get 403 (visitors sign in first)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if reason := check(current_user, action):
                abort(reason.status, reason.message)
            return view(*args, **kwargs)

        return guarded

    return decorator


@bp.after_request
def keep_out_of_caches(response: Response) -> Response:
    # Who holds which label, and how it was checked, must not linger in any cache.
    return headers.no_store(response)


def _listing() -> dict:
    """Where the admin is in the accounts list: the search and the page, when not the defaults."""
    search = request.args.get("q", "").strip()[: queries.SEARCH_MAX_LENGTH]
    page = page_number()
    return {"q": search or None, "page": page if page > 1 else None}


def _label_form(user: User, choices, *, submitted: bool = False) -> LabelForm:
    """The label form of one account; the prefix keeps each row's fields and ids apart."""
    prefix = f"user-{user.id}"
    if submitted:
        return LabelForm(prefix=prefix, choices=choices)
    return LabelForm(prefix=prefix, choices=choices, formdata=None, data={"label": user.label})


def _render_index(
    status: int = 200,
    *,
    label_form: tuple[int, LabelForm] | None = None,
    new_label: NewLabelForm | None = None,
    renamed: tuple[int, RenameLabelForm] | None = None,
) -> tuple[str, int]:
    """The admin page; a form that failed is passed in to keep what the admin typed: an
    account's label form or a label's rename form (with the row's id), or the new-label form."""
    listing = _listing()
    accounts = queries.account_page(listing["q"] or "", listing["page"] or 1)
    labels_in_use = queries.labels_with_use()
    choices = label_choices([entry.label for entry in labels_in_use])
    label_forms = {user.id: _label_form(user, choices) for user in accounts.items}
    rename_forms = {
        entry.label.id: RenameLabelForm(prefix=f"label-{entry.label.id}", formdata=None)
        for entry in labels_in_use
    }
    for forms_by_id, failed in ((label_forms, label_form), (rename_forms, renamed)):
        if failed is not None:
            forms_by_id[failed[0]] = failed[1]
    page = render_template(
        "admin/index.html",
        accounts=accounts,
        search=listing["q"] or "",
        label_forms=label_forms,
        label_changes=queries.recent_label_changes(),
        labels=labels_in_use,
        new_label_form=new_label or NewLabelForm(formdata=None),
        rename_forms=rename_forms,
        spaces=queries.all_spaces(),
    )
    return page, status


@bp.route("")
@requires(Action.MANAGE_USERS)
def index():
    return _render_index()


@bp.route("/users/<int:user_id>/label", methods=["POST"])
@requires(Action.MANAGE_USERS)
def set_label(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _label_form(user, label_choices(labels.all_labels()), submitted=True)
    status = 400
    if form.validate_on_submit():
        before = user.label
        try:
            services.set_label(current_user, user, form.chosen_label(), note=form.note.data)
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(_label_outcome(user, before), "success")
            return redirect(url_for("admin.index", **_listing(), _anchor=f"user-{user.id}"))
    return _render_index(status, label_form=(user.id, form))


def _label_outcome(user: User, before: str | None) -> str:
    if user.label == before:
        return f"{user.username}'s label is unchanged."
    if user.label is None:
        return f"Revoked {user.username}'s label {before!r}."
    return f"{user.username} now holds the label {user.label!r}."


@bp.route("/labels", methods=["POST"])
@requires(Action.MANAGE_USERS)
def add_label():
    form = NewLabelForm()
    status = 400
    if form.validate_on_submit():
        try:
            label = services.add_label(current_user, form.name.data)
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(f"The label {label.name!r} is on the list.", "success")
            return redirect(url_for("admin.index", _anchor="labels-title"))
    return _render_index(status, new_label=form)


@bp.route("/labels/<int:label_id>", methods=["POST"])
@requires(Action.MANAGE_USERS)
def rename_label(label_id: int):
    db.session.get(Label, label_id) or abort(404)
    form = RenameLabelForm(prefix=f"label-{label_id}")
    status = 400
    if form.validate_on_submit():
        try:
            label = services.rename_label(current_user, label_id, form.name.data)
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(f"The label is now called {label.name!r}.", "success")
            return redirect(url_for("admin.index", _anchor="labels-title"))
    return _render_index(status, renamed=(label_id, form))


@bp.route("/spaces/new", methods=["GET", "POST"])
@requires(Action.CREATE_SPACE)
def new_space():
    form = NewSpaceForm(data={"owner": current_user.username})
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            space = services.create_space(
                current_user, form.slug.data, form.to_settings(), owner=form.owner_user
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash(f"Created {space.name}.", "success")
            return redirect(url_for("spaces.space", slug=space.slug))
    return render_template("admin/new_space.html", form=form), status


@bp.route("/reveals", methods=["GET", "POST"])
@requires(Action.REQUEST_REVEAL)
def reveals():
    # ?space=<slug>&handle=<handle> fills the form in, for links from a moderation item.
    prefill = {"space": request.args.get("space", ""), "handle": request.args.get("handle", "")}
    form = RevealRequestForm(data=prefill, spaces=reveals_module.space_choices())
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            asked = reveals_module.ask_reveal(
                current_user, form.space.data, form.handle.data, form.reason.data
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash("Your request is filed: a second site admin must now decide on it.", "success")
            return redirect(url_for("admin.reveal", request_id=asked.id))
    page = reveals_module.request_page(page_number())
    return render_template("admin/reveals.html", form=form, requests=page), status


@bp.route("/reveals/<int:request_id>", methods=["GET", "POST"])
@requires(Action.REQUEST_REVEAL)
def reveal(request_id: int):
    asked = db.session.get(RevealRequest, request_id) or abort(404)
    form = RevealDecisionForm()
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():  # the service asks the policy first
            try:
                reveals_module.decide_reveal(
                    current_user, asked, approve=form.approves, note=form.note.data
                )
            except DomainError as error:
                status = refuse(form, error)
            else:
                db.session.commit()
                flash(_decision_outcome(form.approves), "success")
                return redirect(url_for("admin.reveal", request_id=request_id))
    return render_template(
        "admin/reveal.html",
        line=reveals_module.request_line(request_id),
        form=form,
        refusal=check(current_user, Action.DECIDE_REVEAL, asked),
        revealed=reveals_module.revealed_username(current_user, asked),
    ), status


def _decision_outcome(approved: bool) -> str:
    if approved:
        return "Approved: the admin who asked now sees the account; its owner is told."
    return "Refused: nobody sees the account."
