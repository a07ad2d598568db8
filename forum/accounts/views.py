"""Account pages: register, sign in and out, settings, recovery with a code."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from forum import headers, identity, limits
from forum.accounts import devices, forms, services, sessions
from forum.accounts.rules import AccountError
from forum.extensions import db
from forum.forms import confirmed
from forum.inputs import has_control

bp = Blueprint("accounts", __name__)

RECOVERY_CODE_KEY = "recovery_code_to_show"


def _safe_next(default: str = "/") -> str:
    """Return the ?next= target when it stays on this site, else the default."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if has_control(target):  # a CR/LF would split the Location header
        return default
    if parts.scheme or parts.netloc:
        return default
    return target


# Said when a username's shared budget is spent: the owner's own browser is not held back.
OWN_BROWSER_HINTS = {
    limits.LOGIN_USERNAME: "If this is your account, you can still sign in from a browser "
    "you have signed in with before.",
    limits.RECOVER_USERNAME: "If this is your account, you can still use your recovery code "
    "in a browser you have signed in with before.",
}


def _rate_limited(template: str, error: limits.RateLimited, hint: str = "", **context):
    """Re-render a form with what the person typed, saying when to try again."""
    message = f"{error} {hint}".strip()
    body = render_template(template, rate_limit_message=message, **context)
    return body, error.status, error.headers


BOT_REFUSAL = (
    "This registration was refused because the field marked “Leave this field empty” was "
    "filled in. If you are a person, empty it and try again."
)


def _signed_in(user, target: str):
    """Redirect a browser that just proved it holds the account, with its device cookie."""
    return devices.remember_device(redirect(target), user.username)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_safe_next())
    form = forms.RegisterForm()
    if form.validate_on_submit():
        address = limits.client_address()
        try:
            # Accounts made count against one budget, refused attempts against a far larger
            # one: many people behind one address may mistype without locking each other out.
            limits.REGISTER_ADDRESS.check(address)
            limits.REGISTER_ATTEMPTS.check(address)
            if form.is_from_a_bot():
                # Spent like an account made, so a bot runs out of the small budget at once.
                limits.REGISTER_ADDRESS.spend(address)
                form.form_errors.append(BOT_REFUSAL)
                return render_template("accounts/register.html", form=form)
            account = services.register_user(
                form.username.data, form.password.data, email=form.email.data
            )
        except limits.RateLimited as error:
            return _rate_limited("accounts/register.html", error, form=form)
        except AccountError as error:
            limits.REGISTER_ATTEMPTS.spend(address)
            form.form_errors.append(str(error))
        else:
            limits.REGISTER_ADDRESS.spend(address)
            sessions.start_session(account.user)
            db.session.commit()
            session[RECOVERY_CODE_KEY] = account.recovery_code
            return _signed_in(account.user, url_for("accounts.recovery_code", next=_safe_next()))
    return render_template("accounts/register.html", form=form)


@bp.route("/recovery-code")
@login_required
def recovery_code():
    """Show a newly issued recovery code once; reloading the page does not show it again."""
    code = session.pop(RECOVERY_CODE_KEY, None)
    if code is None:
        return redirect(_safe_next())
    page = render_template("accounts/recovery_code.html", code=code, next=_safe_next())
    return headers.no_store(make_response(page))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next())
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            limits.LOGIN_ADDRESS.spend(limits.client_address())
            devices.spend_attempt(
                form.username.data,
                per_username=limits.LOGIN_USERNAME,
                per_device=limits.LOGIN_DEVICE,
            )
            user = services.authenticate(form.username.data, form.password.data)
        except limits.RateLimited as error:
            return _rate_limited("accounts/login.html", error, _hint_for(error), form=form)
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            sessions.start_session(user)
            db.session.commit()
            flash(f"Welcome back, {user.username}.", "success")
            return _signed_in(user, _safe_next())
    return render_template("accounts/login.html", form=form)


def _hint_for(error: limits.RateLimited) -> str:
    return OWN_BROWSER_HINTS.get(error.budget, "")


@bp.route("/logout", methods=["POST"])
def logout():
    if not confirmed():
        abort(400)
    sessions.end_session()
    db.session.commit()
    flash("You are signed out.", "success")
    return redirect(url_for("home.index"))


@bp.route("/recover", methods=["GET", "POST"])
def recover():
    form = forms.RecoverForm()
    if form.validate_on_submit():
        try:
            limits.RECOVER_ADDRESS.spend(limits.client_address())
            devices.spend_attempt(
                form.username.data,
                per_username=limits.RECOVER_USERNAME,
                per_device=limits.RECOVER_DEVICE,
            )
            account = services.recover_account(
                form.username.data, form.recovery_code.data, form.password.data
            )
        except limits.RateLimited as error:
            return _rate_limited("accounts/recover.html", error, _hint_for(error), form=form)
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            sessions.start_session(account.user)
            db.session.commit()
            session[RECOVERY_CODE_KEY] = account.recovery_code
            flash("Your password is changed and your old recovery code no longer works.", "success")
            return _signed_in(account.user, url_for("accounts.recovery_code"))
    return render_template("accounts/recover.html", form=form)


def _settings_forms(**submitted):
    return {
        "password_form": forms.ChangePasswordForm(prefix="password", formdata=None),
        "email_form": forms.EmailForm(
            prefix="email", formdata=None, data={"email": current_user.email}
        ),
        "time_zone_form": forms.TimeZoneForm(
            prefix="zone", formdata=None, data={"time_zone": current_user.time_zone or ""}
        ),
        "recovery_form": forms.RenewRecoveryCodeForm(prefix="recovery", formdata=None),
        "browsers": sessions.signed_in_browsers(current_user),
    } | submitted


@bp.route("/settings")
@login_required
def settings():
    return render_template("accounts/settings.html", **_settings_forms())


@bp.route("/settings/sessions")
@login_required
def signed_in_browsers():
    return redirect(url_for("accounts.settings"))


@bp.route("/settings/sessions/<public_id>/end", methods=["POST"])
@login_required
def end_session(public_id: str):
    """Sign out one of the person's browsers; another person's session is 404, like none."""
    if not confirmed():
        abort(400)
    if not sessions.end_session_of(current_user, public_id):
        abort(404)
    db.session.commit()
    if not current_user.is_authenticated:  # they ended this browser's own session
        flash("You are signed out.", "success")
        return redirect(url_for("home.index"))
    flash("That browser is signed out.", "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/settings/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    if not confirmed():
        abort(400)
    sessions.end_sessions_of(current_user, keep_current=True)
    db.session.commit()
    flash("Every other browser is signed out.", "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/settings/identities")
@login_required
def identities():
    """The member's own handles, space by space: only they ever see this list."""
    page = render_template("accounts/identities.html", personas=identity.personas_of(current_user))
    return headers.no_store(make_response(page))


@bp.route("/settings/password", methods=["POST"])
@login_required
def change_password():
    form = forms.ChangePasswordForm(prefix="password")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("Your password is changed. Your other sessions are signed out.", "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", **_settings_forms(password_form=form)), 400


@bp.route("/settings/email", methods=["POST"])
@login_required
def change_email():
    form = forms.EmailForm(prefix="email")
    if form.validate_on_submit():
        services.set_email(current_user, form.email.data)
        db.session.commit()
        flash(
            "Your e-mail address is saved."
            if form.email.data
            else "Your e-mail address is removed.",
            "success",
        )
        return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", **_settings_forms(email_form=form)), 400


@bp.route("/settings/time-zone", methods=["POST"])
@login_required
def change_time_zone():
    form = forms.TimeZoneForm(prefix="zone")
    if form.validate_on_submit():
        services.set_time_zone(current_user, form.time_zone.data)
        db.session.commit()
        flash("Your time zone is saved.", "success")
        return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", **_settings_forms(time_zone_form=form)), 400


@bp.route("/settings/recovery-code", methods=["POST"])
@login_required
def renew_recovery_code():
    form = forms.RenewRecoveryCodeForm(prefix="recovery")
    if form.validate_on_submit():
        try:
            code = services.renew_recovery_code(current_user, form.current_password.data)
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            session[RECOVERY_CODE_KEY] = code
            return redirect(url_for("accounts.recovery_code", next=url_for("accounts.settings")))
    return render_template("accounts/settings.html", **_settings_forms(recovery_form=form)), 400
