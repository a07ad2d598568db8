"""The unsubscribe page: a mail's link stops the account's mails, signed in or not."""

from flask import Blueprint, abort, make_response, render_template, request

from forum import headers
from forum.extensions import csrf, db
from forum.forms import ConfirmForm
from forum.mail.unsubscribe import account_of, is_one_click, stop_mail
from forum.models import MailMode

bp = Blueprint("mail", __name__)


# No policy question and no sign-in: the signed token is the whole authority, and all it can do
# is stop the mails of the account it was mailed for. No CSRF check either, for the one-click
# POST that mail clients send (RFC 8058) without any session: the token in the address is the
# secret a forged request would need, as a CSRF token is for other forms. The page's own button
# still carries a CSRF token, as every form does.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    account = account_of(token)
    if account is None:
        abort(404)  # a forged or tampered link answers like any unknown page
    if request.method == "POST":
        if not is_one_click(request.form):
            csrf.protect()
        stop_mail(account)
        db.session.commit()
    page = render_template(
        "mail/unsubscribe.html",
        stopped=account.mail_mode == MailMode.OFF,
        form=ConfirmForm(formdata=None),
    )
    # The address is the key to the account's mail settings: no cache may keep the page.
    return headers.no_store(make_response(page))
