"""The trail's pages: a space's mod log, an author's appeal, and a moderator's appeal page."""

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from forum import headers
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import refuse
from forum.models import ModAction, Post, QueueItem, QueueKind, Space
from forum.pagination import page_number
from forum.policy import APPEALABLE, Action, check, get_space_or_404, is_author
from forum.policy.refusals import NOT_FOUND, NOT_STAFF
from moderation import appeals, forms, items, modlog
from moderation.views import bp


@bp.route("/s/<slug>/modlog", endpoint="modlog")
def modlog_page(slug):
    space = get_space_or_404(current_user, slug, Action.READ_MODLOG)
    entries = modlog.log_page(current_user, space, page_number())
    page = render_template("moderation/modlog.html", space=space, entries=entries)
    return headers.private_to_space(make_response(page), space)


# The author's side


def _appealable_or_404(entry_id: int) -> tuple[ModAction, object]:
    """The decision and why the viewer may not appeal it (None: they may). A decision on
    somebody else is no more there than a made-up one."""
    entry = db.session.get(ModAction, entry_id)
    if entry is None:
        abort(404)
    reason = check(current_user, Action.APPEAL_DECISION, entry)
    if reason is not None and reason.status == 404:
        abort(404)
    return entry, reason


@bp.route("/appeal/<int:entry_id>", methods=["GET", "POST"])
@login_required
def appeal(entry_id):
    entry, refusal = _appealable_or_404(entry_id)
    earlier = appeals.appeal_of(entry)
    form = forms.AppealForm()
    status = 200
    if form.is_submitted():
        status = 400
        if refusal is not None:
            status = refusal.status  # the page says why
        elif earlier is not None:
            form.form_errors.append(appeals.ALREADY_APPEALED)
            status = 409
        elif form.validate_on_submit():
            try:
                appeals.file_appeal(current_user, entry, form.message.data)
            except DomainError as error:
                status = refuse(form, error)
            else:
                db.session.commit()
                flash(
                    "Your appeal is sent. A different moderator will decide, and you will be told.",
                    "success",
                )
                return redirect(url_for("moderation.appeal", entry_id=entry.id))
    page = render_template(
        "moderation/appeal.html",
        entry=entry,
        action=modlog.ACTION_WORDS.get(entry.action, ""),
        details=modlog.details_of(entry),
        space=db.session.get(Space, entry.space_id),
        refusal=refusal,
        earlier=earlier,
        form=form,
    )
    # The page ties the persona to whoever is signed in: no cache may keep it.
    return headers.no_store(make_response(page, status))


@bp.route("/p/<public_id:post_public_id>/appeal")
@login_required
def appeal_post(post_public_id):
    """From the author's removed post to the appeal of the latest decision on it."""
    post = db.session.scalar(select(Post).where(Post.public_id == post_public_id))
    if post is None or not is_author(current_user, post):
        abort(404)
    entry_id = db.session.scalar(
        select(ModAction.id)
        .where(ModAction.target_post_id == post.id, ModAction.action.in_(APPEALABLE))
        .order_by(ModAction.id.desc())
        .limit(1)
    )
    if entry_id is None:
        abort(404)
    return redirect(url_for("moderation.appeal", entry_id=entry_id))


# The moderator's side


@bp.route("/mod/appeals/<int:item_id>", methods=["GET", "POST"])
@login_required
def appeal_item(item_id):
    item = db.session.get(QueueItem, item_id)
    if item is None or item.kind != QueueKind.APPEAL:
        abort(404)
    refusal = check(current_user, Action.DECIDE_APPEAL, item)
    if refusal is not None and refusal.code in (NOT_FOUND.code, NOT_STAFF.code):
        abort(404)  # a moderator of another space learns nothing of this one's appeals
    form = forms.AppealDecisionForm()
    status = 200
    if form.is_submitted() and refusal is not None:
        status = refusal.status
    elif form.validate_on_submit():
        try:
            appeals.decide_appeal(
                current_user, item, overturn=form.overturn, reason=form.reason.data
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash("The appeal is decided and the author is told.", "success")
            return redirect(url_for("moderation.appeal_item", item_id=item.id))
    elif form.is_submitted():
        status = 400
    elif refusal is None and item.is_open:
        # Opening the item holds it for this moderator; others see it is being reviewed. The
        # read transaction ends first, so the claim's UPDATE starts one of its own.
        db.session.commit()
        items.claim(item, current_user, current_app.config["QUEUE_CLAIM_MINUTES"])
        db.session.commit()
    case = appeals.case_of(db.session.get(QueueItem, item_id))
    page = render_template(
        "moderation/appeal_item.html",
        case=case,
        space=case.space,
        action=modlog.ACTION_WORDS.get(case.entry.action, ""),
        details=modlog.details_of(case.entry),
        refusal=refusal,
        form=form,
        held_by_another=item.is_open and items.is_claimed_by_other(item, current_user),
    )
    return headers.no_store(make_response(page, status))
