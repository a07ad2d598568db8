"""Thread pages and post actions: new thread, read, reply, edit, delete, revisions, permalinks."""

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
from sqlalchemy import select

from forum import identity, limits, policy
from forum.extensions import db
from forum.models import PersonaKind, Post, PostRevision, Space, Thread
from forum.policy import Action, get_space_or_404
from forum.spaces.views import private_to_space
from forum.threads import forms, queries, services
from forum.threads.services import PostingError

bp = Blueprint("threads", __name__)


def _page_number() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


def _respond(space: Space, template: str, status: int = 200, headers=None, **context):
    response = make_response(render_template(template, space=space, **context), status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return private_to_space(response, space)


def _own_handles(space: Space) -> dict[PersonaKind, str | None]:
    if not current_user.is_authenticated:
        return {}
    return {
        kind: (
            persona.handle
            if (persona := identity.find_persona(current_user, space, kind))
            else None
        )
        for kind in identity.allowed_kinds(space)
    }


def _confirm_form():
    # Only signed-in people get one-button forms (delete, lock); building one for a visitor would
    # put a CSRF token in their session: a cookie set on every page view.
    return forms.ConfirmForm(formdata=None) if current_user.is_authenticated else None


def _needs_rules(space: Space) -> bool:
    membership = policy.active_membership(current_user, space)
    return membership is not None and not membership.has_accepted_current_rules(space)


def _post_context(post_id: int) -> tuple[Post, Thread, Space]:
    """Load a post with its thread and space, answering 404 when the viewer may not read it."""
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    space = db.session.get(Space, post.space_id)
    if not policy.can(current_user, Action.SEE_SPACE, space):
        abort(404)
    thread = queries.get_thread_or_404(current_user, space, post.thread_id)
    return post, thread, space


def _posting_failed(form, error: Exception):
    """Put a refusal on the form; the caller re-renders it with everything the person wrote."""
    form.form_errors.append(str(error))
    if isinstance(error, limits.RateLimited):
        return 429, {"Retry-After": str(error.retry_after)}
    return 400, {}


# Reading


@bp.route("/s/<slug>/t/<int:thread_id>")
def thread(slug, thread_id):
    space = get_space_or_404(current_user, slug)
    thread = queries.get_thread_or_404(current_user, space, thread_id)
    page = queries.thread_page(current_user, thread, _page_number())
    reply_form = None
    if page.can_reply:
        reply_form = forms.ReplyForm(formdata=None)
        reply_form.offer_identities(space, _own_handles(space))
    return _respond(
        space,
        "threads/thread.html",
        thread=thread,
        page=page,
        reply_form=reply_form,
        needs_rules=_needs_rules(space),
        confirm_form=_confirm_form(),
    )


@bp.route("/s/<slug>/t/<int:thread_id>/branch/<int:post_id>")
def branch(slug, thread_id, post_id):
    space = get_space_or_404(current_user, slug)
    thread = queries.get_thread_or_404(current_user, space, thread_id)
    post = db.session.get(Post, post_id)
    if post is None or post.thread_id != thread.id:
        abort(404)
    reply_form = None
    if policy.can(current_user, Action.REPLY, thread):
        reply_form = forms.ReplyForm(formdata=None)
        reply_form.offer_identities(space, _own_handles(space))
    return _respond(
        space,
        "threads/branch.html",
        thread=thread,
        branch=queries.branch(current_user, thread, post),
        focus=post,
        reply_form=reply_form,
        needs_rules=_needs_rules(space),
        confirm_form=_confirm_form(),
    )


@bp.route("/p/<int:post_id>")
def permalink(post_id):
    """Send a post's permanent link to the page where it shows, scrolled to it."""
    post, thread, space = _post_context(post_id)
    if post.depth > queries.DEPTH_CAP:
        parent_id = post.parent_id
        return redirect(
            url_for(
                "threads.branch",
                slug=space.slug,
                thread_id=thread.id,
                post_id=parent_id,
                _anchor=f"p{post.id}",
            )
        )
    page = queries.top_level_page_of(post)
    return redirect(
        url_for(
            "threads.thread",
            slug=space.slug,
            thread_id=thread.id,
            page=page if page > 1 else None,
            _anchor=f"p{post.id}",
        )
    )


# Writing


@bp.route("/s/<slug>/new", methods=["GET", "POST"])
@login_required
def new_thread(slug):
    space = get_space_or_404(current_user, slug, Action.START_THREAD)
    form = forms.NewThreadForm()
    form.offer_identities(space, _own_handles(space))
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            thread = services.start_thread(
                current_user,
                space,
                title=form.title.data,
                body=form.body.data,
                kind=form.identity.data,
                content_warning=form.content_warning.data or "",
                accept_rules=form.accept_rules.data,
            )
        except (PostingError, limits.RateLimited) as error:
            status, headers = _posting_failed(form, error)
        else:
            db.session.commit()
            return redirect(url_for("threads.thread", slug=space.slug, thread_id=thread.id))
    elif form.is_submitted():
        status = 400
    return _respond(
        space, "threads/new.html", status, headers, form=form, needs_rules=_needs_rules(space)
    )


@bp.route("/p/<int:post_id>/reply", methods=["GET", "POST"])
@login_required
def reply(post_id):
    parent, thread, space = _post_context(post_id)
    form = forms.ReplyForm()
    form.offer_identities(space, _own_handles(space))
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            post = services.post_reply(
                current_user,
                parent,
                body=form.body.data,
                kind=form.identity.data,
                accept_rules=form.accept_rules.data,
            )
        except (PostingError, limits.RateLimited) as error:
            status, headers = _posting_failed(form, error)
        else:
            db.session.commit()
            return redirect(url_for("threads.permalink", post_id=post.id))
    elif form.is_submitted():
        status = 400
    elif not policy.can(current_user, Action.REPLY, thread):
        form.form_errors.append(
            "This thread is locked: it takes no new replies."
            if thread.locked
            else "Only members of this space can reply. Join it first."
        )
        status = 403
    return _respond(
        space,
        "threads/reply.html",
        status,
        headers,
        thread=thread,
        parent=queries.branch(current_user, thread, parent)[0],
        form=form,
        needs_rules=_needs_rules(space),
    )


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id):
    post, thread, space = _post_context(post_id)
    if not policy.can(current_user, Action.EDIT_POST, post):
        abort(403)
    # The edit form has no identity field: a post keeps the identity chosen when it was made.
    form = forms.EditForm(data={"body": post.body_source})
    status = 200
    if form.validate_on_submit():
        try:
            services.edit_post(current_user, post, form.body.data)
        except PostingError as error:
            form.form_errors.append(str(error))
            status = 400
        else:
            db.session.commit()
            flash("Your post is updated.", "success")
            return redirect(url_for("threads.permalink", post_id=post.id))
    elif form.is_submitted():
        status = 400
    return _respond(space, "threads/edit.html", status, thread=thread, post=post, form=form)


@bp.route("/p/<int:post_id>/delete", methods=["POST"])
@login_required
def delete(post_id):
    post, thread, space = _post_context(post_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_post(current_user, post)
    except PostingError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Your post is deleted. Replies to it stay in place.", "success")
    return redirect(url_for("threads.permalink", post_id=post.id))


@bp.route("/p/<int:post_id>/revisions")
@login_required
def revisions(post_id):
    post, thread, space = _post_context(post_id)
    if not policy.can(current_user, Action.VIEW_REVISIONS, post):
        abort(403)
    earlier = db.session.scalars(
        select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
    ).all()
    return _respond(space, "threads/revisions.html", thread=thread, post=post, revisions=earlier)
