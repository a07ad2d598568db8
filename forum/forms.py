"""The one confirm form of one-button actions, and refusals shown on the form that asked."""

from flask_login import current_user
from flask_wtf import FlaskForm

from forum.errors import DomainError
from forum.extensions import db


class ConfirmForm(FlaskForm):
    """Only the CSRF token: a POST that carries no other input."""


def confirm_form_for_viewer() -> ConfirmForm | None:
    """A blank confirm form for a signed-in viewer; None for visitors, who are shown no button,
    since building one puts a CSRF token in the session: a cookie set on every page view."""
    return ConfirmForm(formdata=None) if current_user.is_authenticated else None


def confirmed() -> bool:
    """Whether the request carries a valid confirm form (a CSRF token of this session)."""
    return ConfirmForm().validate_on_submit()


def refuse(form: FlaskForm, error: DomainError) -> int:
    """Show a use case's refusal on the form that asked for it, undoing whatever the use case
    began; return the status to answer with. The form keeps everything the person wrote."""
    db.session.rollback()
    form.form_errors.append(error.message)
    return error.status
