"""Thread pages and post actions: new thread, read, reply, edit, delete, revisions, permalinks."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from forum import headers, identity, policy
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import ConfirmForm, confirm_form_for_viewer, refuse
from forum.models import IdentityMode, PersonaKind, PostRevision, PostStatus, Space, Thread
from forum.pagination import page_number, paginate
from forum.policy import Action, get_post_or_404, get_space_or_404, get_thread_or_404
from forum.threads import deletion, forms, header, queries, reading, services, trees, watching

bp = Blueprint("threads", __name__)

REVISIONS_PER_PAGE = 20


def _respond(space: Space, template: str, status: int = 200, extra_headers=None, **context):
    response = make_response(render_template(template, space=space, **context), status)
    response.headers.update(extra_headers or {})
    if policy.has_pseudonym_in(current_user, space):
        # The page may mark a pseudonym as the viewer's (their posts, "Pseudonym (handle)" in
        # the form): kept in no cache, so nobody later at this browser can tie the two.
        return headers.no_store(response)
    return headers.private_to_space(response, space)


def _thread_context(space: Space, thread: Thread) -> dict:
    """What every page of a thread needs: its header as the viewer may read it, and whether
    the viewer must accept changed rules before posting."""
    membership = policy.active_membership(current_user, space)
    return {
        "thread": header.thread_header(current_user, thread, space),
        "needs_rules": membership is not None and not membership.has_accepted_current_rules(space),
    }


def _own_handles(space: Space) -> dict[PersonaKind, str | None]:
    if not current_user.is_authenticated:
        return {}
    kinds = identity.allowed_kinds(space)
    if space.identity_mode == IdentityMode.NAMED:
        kinds = [*kinds, PersonaKind.PSEUDONYM]  # a pseudonym from before confirms its username
    return {kind: policy.own_handle(current_user, space, kind) for kind in kinds}


def _reply_form(space: Space) -> forms.ReplyForm:
    form = forms.ReplyForm(formdata=None)
    form.offer_identities(space, _own_handles(space), current_user.username)
    return form


def _say_if_held(status: PostStatus, edited: bool = False) -> bool:
    """Tell the author their post waits for a moderator, when it does."""
    if status != PostStatus.PENDING:
        return False
    done = "Your post is updated, and it" if edited else "Your post is saved, but it"
    flash(
        f"{done} waits for a moderator's approval: until then only you and the space's "
        "moderators can see it.",
        "info",
    )
    return True


def _refused(form, error: DomainError) -> tuple[int, dict]:
    """Put a refusal on the form, with a rate limit's Retry-After for the response."""
    return refuse(form, error), error.headers


# Reading


@bp.route("/s/<slug>/t/<public_id:thread_public_id>")
def thread(slug, thread_public_id):
    space = get_space_or_404(current_user, slug)
    thread = get_thread_or_404(current_user, space, thread_public_id)
    page = trees.thread_page(current_user, thread, page_number())
    resource = queries.resource_of(thread)
    if resource is not None and not policy.can(current_user, Action.READ_RESOURCE, resource):
        resource = None  # held or removed: the thread shows its placeholder, not the card
    response = _respond(
        space,
        "threads/thread.html",
        page=page,
        resource=resource,
        reply_form=_reply_form(space) if page.can_reply else None,
        reply_refusal=policy.check(current_user, Action.REPLY, thread),
        confirm_form=confirm_form_for_viewer(),
        is_watching=watching.is_watching(current_user, thread),
        **_thread_context(space, thread),
    )
    reading.record_read(current_user, thread, page.read)  # once the page is rendered
    return response


@bp.route("/s/<slug>/t/<public_id:thread_public_id>/branch/<public_id:post_public_id>")
def branch(slug, thread_public_id, post_public_id):
    space = get_space_or_404(current_user, slug)
    thread = get_thread_or_404(current_user, space, thread_public_id)
    post, _, _ = get_post_or_404(current_user, post_public_id)
    if post.thread_id != thread.id:
        abort(404)
    tree = trees.branch(current_user, thread, post, page_number())
    response = _respond(
        space,
        "threads/branch.html",
        branch=tree,
        focus=post,
        confirm_form=confirm_form_for_viewer(),
        **_thread_context(space, thread),
    )
    reading.record_read(current_user, thread, tree.read)
    return response


@bp.route("/p/<public_id:post_public_id>")
def permalink(post_public_id):
    """Send a post's permanent link to the page where it shows, scrolled to it."""
    post, thread, space = get_post_or_404(current_user, post_public_id)
    if post.depth > trees.DEPTH_CAP:
        # Below the cap: the branch of the post it answers, on the page of that branch showing it.
        parent_path = post.path[: -trees.PATH_SEGMENT_WIDTH]
        page = trees.page_of(current_user, thread, post, parent_path, post.depth - 1)
        endpoint, values = "threads.branch", {"post_public_id": trees.parent_public_id(post)}
    else:
        page = trees.page_of(current_user, thread, post, "", 0)
        endpoint, values = "threads.thread", {}
    target = url_for(
        endpoint,
        slug=space.slug,
        thread_public_id=thread.public_id,
        page=page if page > 1 else None,
        _anchor=f"p{post.public_id}",
        **values,
    )
    return redirect(target)


# Writing


@bp.route("/s/<slug>/new", methods=["GET", "POST"])
@login_required
def new_thread(slug):
    space = get_space_or_404(current_user, slug, Action.START_THREAD)
    form = forms.NewThreadForm()
    form.offer_identities(space, _own_handles(space), current_user.username)
    status, extra_headers = 200, {}
    if form.validate_on_submit():
        try:
            thread = services.start_thread(
                current_user, space, title=form.title.data, **form.post_fields()
            )
        except DomainError as error:
            status, extra_headers = _refused(form, error)
        else:
            db.session.commit()
            _say_if_held(thread.status)
            return redirect(
                url_for("threads.thread", slug=space.slug, thread_public_id=thread.public_id)
            )
    elif form.is_submitted():
        status = 400
    membership = policy.active_membership(current_user, space)
    return _respond(
        space,
        "threads/new.html",
        status,
        extra_headers,
        form=form,
        needs_rules=not membership.has_accepted_current_rules(space),
    )


@bp.route("/p/<public_id:post_public_id>/reply", methods=["GET", "POST"])
@login_required
def reply(post_public_id):
    parent, thread, space = get_post_or_404(current_user, post_public_id)
    form = forms.ReplyForm()
    form.offer_identities(space, _own_handles(space), current_user.username)
    status, extra_headers = 200, {}
    if form.validate_on_submit():
        try:
            post = services.post_reply(current_user, parent, **form.post_fields())
        except DomainError as error:
            status, extra_headers = _refused(form, error)
        else:
            db.session.commit()
            _say_if_held(post.status)
            return redirect(url_for("threads.permalink", post_public_id=post.public_id))
    elif form.is_submitted():
        status = 400
    elif reason := policy.check(current_user, Action.REPLY, thread):
        form.form_errors.append(reason.message)
        status = reason.status
    quoted = trees.branch(current_user, thread, parent)
    return _respond(
        space,
        "threads/reply.html",
        status,
        extra_headers,
        parent=quoted[0],
        links=quoted.links,
        form=form,
        **_thread_context(space, thread),
    )


@bp.route("/p/<public_id:post_public_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_public_id):
    post, thread, space = get_post_or_404(current_user, post_public_id)
    if reason := policy.check(current_user, Action.EDIT_POST, post):
        abort(reason.status, reason.message)
    form_class = forms.EditFirstPostForm if post.is_first else forms.EditForm
    current = {"body": post.body_source, "content_warning": post.content_warning}
    if post.is_first:
        current["title"] = thread.title
    form = form_class(data=current)
    status, extra_headers = 200, {}
    if form.validate_on_submit():
        try:
            services.edit_post(
                current_user,
                post,
                body=form.body.data,
                content_warning=form.content_warning.data,
                title=form.title.data if post.is_first else None,
            )
        except DomainError as error:
            status, extra_headers = _refused(form, error)
        else:
            db.session.commit()
            if not _say_if_held(post.status, edited=True):
                flash("Your post is updated.", "success")
            return redirect(url_for("threads.permalink", post_public_id=post.public_id))
    elif form.is_submitted():
        status = 400
    return _respond(
        space,
        "threads/edit.html",
        status,
        extra_headers,
        post=post,
        form=form,
        **_thread_context(space, thread),
    )


@bp.route("/p/<public_id:post_public_id>/delete", methods=["GET", "POST"])
@login_required
def delete(post_public_id):
    """Without JavaScript, a page that asks to confirm; with it, the page's dialog posts here.
    Authors reach it for their own posts in spaces they left or were removed or banned from."""
    post, thread, space = get_post_or_404(current_user, post_public_id, Action.DELETE_POST)
    reads_thread = policy.can(current_user, Action.READ_POST, post)
    back = (
        url_for("threads.permalink", post_public_id=post.public_id)
        if reads_thread
        else url_for("threads.own_posts", slug=space.slug)
    )
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            deletion.delete_post(current_user, post)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Your post is deleted. Replies to it stay in place.", "success")
        return redirect(back)
    return _respond(
        space,
        "threads/delete.html",
        400 if form.is_submitted() else 200,
        post=trees.branch(current_user, thread, post)[0],
        back=back,
        form=form,
        **_thread_context(space, thread),
    )


@bp.route("/s/<slug>/mine")
@login_required
def own_posts(slug):
    """The viewer's own posts in one space, to find and delete them, member or not."""
    space = get_space_or_404(current_user, slug, Action.LIST_OWN_POSTS)
    page = render_template(
        "threads/own_posts.html",
        space=space,
        posts=queries.own_posts(current_user, space, page_number()),
    )
    return headers.no_store(make_response(page))  # it shows the viewer's own pseudonyms


@bp.route("/p/<public_id:post_public_id>/revisions")
@login_required
def revisions(post_public_id):
    post, thread, space = get_post_or_404(current_user, post_public_id)
    if reason := policy.check(current_user, Action.VIEW_REVISIONS, post):
        abort(reason.status, reason.message)
    earlier = paginate(
        select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.created_at.desc(), PostRevision.id.desc()),
        page_number(),
        REVISIONS_PER_PAGE,
    )
    return _respond(
        space,
        "threads/revisions.html",
        post=post,
        revisions=earlier,
        **_thread_context(space, thread),
    )
