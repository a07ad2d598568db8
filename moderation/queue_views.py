"""The queue's pages: the list at /mod, an item's page (opening claims it), deciding any post.

Staff decide about any post of a space they run from its thread, through the same page.
"""

from flask import (
    abort,
    current_app,
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
from forum.forms import refuse
from forum.models import Decision, Post, QueueItem, QueueKind
from forum.pagination import page_number
from forum.policy import Action, get_post_or_404
from moderation import decisions, forms, items, modlog, queue
from moderation.views import bp

DONE = {
    Decision.APPROVE: "Approved: the post is visible.",
    Decision.REMOVE: "The post is removed; its author is told why.",
    Decision.REMOVE_AND_MUTE: "The post is removed and its author muted in this space.",
    Decision.BAN: "The post is removed and its author banned from this space.",
    Decision.LOCK: "Approved, and the thread is locked.",
    Decision.ESCALATE: "Escalated: the item waits for the site admins.",
}


@bp.route("/mod")
@login_required
def queue_list():
    """The open items of every space the viewer moderates (site admins: of all spaces)."""
    if reason := policy.check(current_user, Action.VIEW_QUEUE):
        abort(reason.status, reason.message)
    form = forms.QueueFilterForm(request.args)
    form.space.choices = {"": "All spaces", **dict(queue.moderated_spaces(current_user))}
    status = 200
    if form.validate():
        filters = queue.Filters(form.space.data, form.kind.data, form.reason.data)
    else:
        # A filter that is not one of its choices: the whole queue, and a message saying so.
        status = 400
        filters = queue.Filters()
    page = queue.queue_page(current_user, filters, page_number())
    response = make_response(
        render_template(
            "moderation/queue.html",
            form=form,
            filters=filters,
            page=page,
            kind_words=queue.KIND_WORDS,
        ),
        status,
    )
    return headers.no_store(response)


def _item_or_404(item_id: int) -> tuple[QueueItem, Post]:
    """The item when the viewer may decide about its post; 404 alike when not, or missing."""
    item = db.session.get(QueueItem, item_id)
    post = db.session.get(Post, item.post_id) if item and item.post_id else None
    if post is None or policy.check(current_user, Action.MODERATE_POST, post) is not None:
        abort(404)
    return item, post


@bp.route("/mod/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def item(item_id):
    """An item's page; opening an open item claims it for QUEUE_CLAIM_MINUTES."""
    item, post = _item_or_404(item_id)
    if item.kind == QueueKind.APPEAL and request.method == "GET":
        # An appeal is decided on a page of its own, which shows the author's message.
        return redirect(url_for("moderation.appeal_item", item_id=item.id))
    form = forms.DecisionForm()
    status = 200
    if request.method == "GET" and item.is_open:
        # Opening is claiming: the point of the page. The read transaction ends first, so the
        # claim's UPDATE starts a transaction of its own (on SQLite, one that writes first).
        db.session.commit()
        items.claim(item, current_user, current_app.config["QUEUE_CLAIM_MINUTES"])
        db.session.commit()
    elif form.is_submitted():
        done, status = _decide(form, item)
        if done:
            return done
    return _item_response(post, item, form, status)


@bp.route("/p/<public_id:post_public_id>/moderate", methods=["GET", "POST"])
@login_required
def moderate_post(post_public_id):
    """Decide about a post from its thread: its open item, or a review item opened now."""
    post, _, _ = get_post_or_404(current_user, post_public_id, Action.MODERATE_POST)
    open_item = items.open_item_of(post)
    if open_item is not None and request.method == "GET":
        return redirect(url_for("moderation.item", item_id=open_item.id))
    form = forms.DecisionForm()
    status = 200
    if form.is_submitted():
        done, status = _decide(form, None, post)
        if done:
            return done
    return _item_response(post, None, form, status)


def _decide(form: forms.DecisionForm, item: QueueItem | None, post: Post | None = None):
    """Run the decision the form sends: (a redirect, None) when done, else (None, status)."""
    if not form.validate():
        return None, 400
    try:
        if item is None:
            item = items.open_item_for(post, QueueKind.REVIEW)
        choice = form.choice()
        decisions.decide(current_user, item, choice)
    except DomainError as error:
        return None, refuse(form, error)
    db.session.commit()
    flash(DONE[choice.decision], "success")
    return redirect(url_for("moderation.queue_list")), 200


def _item_response(post: Post, item: QueueItem | None, form, status: int):
    page = queue.item_page(current_user, post, item)
    claimed_by_other = item is not None and items.is_claimed_by_other(item, current_user)
    response = make_response(
        render_template(
            "moderation/item.html",
            page=page,
            form=form,
            claimed_notice=items.claimed_notice(item) if claimed_by_other else None,
            kind_words=queue.KIND_WORDS,
            action_words=modlog.ACTION_WORDS,
        ),
        status,
    )
    return headers.no_store(response)
