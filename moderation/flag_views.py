"""Reporting a post: the form with its reasons, and the way back to the post afterwards."""

from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import headers
from forum.errors import DomainError
from forum.extensions import db
from forum.forms import refuse
from forum.policy import Action, get_post_or_404
from forum.threads import header, trees
from moderation import flags, forms
from moderation.views import bp


@bp.route("/p/<public_id:post_public_id>/flag", methods=["GET", "POST"])
@login_required
def flag_post(post_public_id):
    """Report a post to the space's moderators, who never learn who reported it."""
    post, thread, space = get_post_or_404(current_user, post_public_id, Action.FLAG_POST)
    form = forms.FlagForm()
    status, extra_headers = 200, {}
    if form.validate_on_submit():
        try:
            flags.flag_post(current_user, post, form.reason.data, form.note.data)
        except DomainError as error:
            status, extra_headers = refuse(form, error), error.headers
        else:
            db.session.commit()
            flash("Thank you. The moderators will review it.", "success")
            return redirect(url_for("threads.permalink", post_public_id=post.public_id))
    elif form.is_submitted():
        status = 400
    page = render_template(
        "moderation/flag.html",
        space=space,
        thread=header.thread_header(current_user, thread, space),
        post=trees.branch(current_user, thread, post)[0],
        form=form,
    )
    response = make_response(page, status)
    response.headers.update(extra_headers)
    return headers.private_to_space(response, space)
