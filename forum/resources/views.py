"""Library pages: a space's resources, adding one, editing its details, downloading its file."""

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from forum import policy, storage
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import refuse
from forum.models import PostStatus, ResourceKind, Thread
from forum.pagination import page_number
from forum.policy import Action, get_resource_or_404, get_space_or_404
from forum.resources import forms, queries, services
from forum.resources.files import too_large
from forum.threads.views import _own_handles, _respond

bp = Blueprint("resources", __name__)

# Room for the form's text fields beside the file, in the upload's request size cap.
FORM_ROOM_BYTES = 512 * 1024
# A download: never rendered by the browser, never sniffed, scripts and plugins off.
DOWNLOAD_CSP = "sandbox; default-src 'none'"


@bp.route("/s/<slug>/library")
def library(slug):
    space = get_space_or_404(current_user, slug, Action.READ_SPACE)
    sort = queries.Sort.TITLE if request.args.get("sort") == "title" else queries.Sort.NEWEST
    try:
        kind = ResourceKind(request.args.get("type", ""))
    except ValueError:
        kind = None
    entries = queries.library(current_user, space, page_number(), sort, kind)
    return _respond(
        space,
        "resources/library.html",
        entries=entries,
        sort=sort,
        kind=kind,
        kind_labels=forms.KIND_LABELS,
        active_tab="library",
    )


def _allow_upload() -> None:
    """Raise this request's size cap (the site's is small) to a file's limit and the form's
    text, so a file a little over the limit still reaches the form, which says so and keeps
    the text; a request far over it is cut off by the 413 page."""
    request.max_content_length = current_app.config["RESOURCE_MAX_BYTES"] + FORM_ROOM_BYTES


def _upload(form) -> services.Upload | None:
    """The file the form carries, read up to one byte past the limit, or None."""
    file = form.file.data
    if not file or not file.filename:
        return None
    limit = current_app.config["RESOURCE_MAX_BYTES"]
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return services.Upload(file.filename, data)


@bp.route("/s/<slug>/library/new", methods=["GET", "POST"])
@login_required
def new_resource(slug):
    _allow_upload()
    space = get_space_or_404(current_user, slug, Action.ADD_RESOURCE)
    form = forms.NewResourceForm()
    form.offer_identities(space, _own_handles(space), current_user.username)
    status, extra_headers = 200, {}
    if form.validate_on_submit():
        try:
            resource = services.add_resource(
                current_user,
                space,
                form.details(),
                _upload(form),
                title=form.title.data,
                summary=form.summary.data,
                identity=form.identity.data,
                accept_rules=form.accept_rules.data,
                confirm_named=form.confirm_named.data,
            )
        except DomainError as error:
            status, extra_headers = refuse(form, error), error.headers
        else:
            held = resource.thread.status == PostStatus.PENDING
            db.session.commit()
            if held:
                flash(
                    "Your resource is saved, but it waits for a moderator's approval: until "
                    "then only you and the space's moderators can see it.",
                    "info",
                )
            return redirect(url_for("resources.library", slug=space.slug))
    elif form.is_submitted():
        status = 400
    membership = policy.active_membership(current_user, space)
    return _respond(
        space,
        "resources/new.html",
        status,
        extra_headers,
        form=form,
        needs_rules=not membership.has_accepted_current_rules(space),
    )


@bp.route("/s/<slug>/library/<public_id:resource_public_id>/edit", methods=["GET", "POST"])
@login_required
def edit_resource(slug, resource_public_id):
    _allow_upload()
    space = get_space_or_404(current_user, slug, Action.READ_SPACE)
    resource = get_resource_or_404(current_user, space, resource_public_id)
    if reason := policy.check(current_user, Action.EDIT_RESOURCE, resource):
        abort(reason.status, reason.message)
    form = forms.EditResourceForm(obj=resource)
    status = 200
    if form.validate_on_submit():
        try:
            services.edit_resource(current_user, resource, form.details(), _upload(form))
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash("The resource's details are updated.", "success")
            return redirect(url_for("resources.library", slug=space.slug))
    elif form.is_submitted():
        status = 400
    thread = db.session.get(Thread, resource.thread_id)
    return _respond(
        space, "resources/edit.html", status, form=form, resource=resource, thread=thread
    )


@bp.route("/s/<slug>/library/<public_id:resource_public_id>/download")
def download(slug, resource_public_id):
    """The file, after the policy's read rule, on every request: nothing is cached for later."""
    space = get_space_or_404(current_user, slug, Action.READ_SPACE)
    resource = get_resource_or_404(current_user, space, resource_public_id)
    if not resource.has_file:
        abort(404)
    try:
        data = storage.storage().read(resource.file_key)
    except storage.StoredFileMissing:
        abort(404)
    response = send_file(
        BytesIO(data),
        mimetype=resource.file_type,
        as_attachment=True,
        download_name=resource.file_name,
        etag=False,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = (
        "private, no-cache" if space.visibility == "public" else "no-store"
    )
    return response
