"""The base of every form, the one confirm form, and refusals shown on the form that asked."""

import unicodedata

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import StopValidation
from wtforms.widgets import TextArea

from forum.errors import DomainError
from forum.extensions import db

# Line breaks and tabs belong in text; every other control character (NUL above all, which
# PostgreSQL cannot store) is refused with the text kept, rather than stored or silently dropped.
TEXT_CONTROLS_ALLOWED = frozenset("\t\n\r")


def stray_control(text: str, *, multiline: bool) -> str | None:
    """The first control character that has no place in a field's text, or None."""
    allowed = TEXT_CONTROLS_ALLOWED if multiline else frozenset()
    for character in text:
        if unicodedata.category(character) == "Cc" and character not in allowed:
            return character
    return None


def printable_text(form: FlaskForm, field: Field) -> None:
    """Refuse a text field that carries a control character, saying which; the field's later
    checks (an inline validate_<field> may look the text up in the database) do not run."""
    if not isinstance(field.data, str):
        return
    character = stray_control(field.data, multiline=isinstance(field.widget, TextArea))
    if character is None:
        return
    if character in TEXT_CONTROLS_ALLOWED:
        raise StopValidation("This field is one line: please remove the line break or tab.")
    raise StopValidation(
        f"This contains an invisible control character (U+{ord(character):04X}) that cannot "
        "be saved. Please remove it, for example by typing the text again."
    )


class Form(FlaskForm):
    """Every form of the app: each text field is also checked for stray control characters."""

    def validate(self, extra_validators=None) -> bool:
        extra = dict(extra_validators or {})
        for name, field in self._fields.items():
            if isinstance(field, StringField):  # text areas and password fields included
                extra[name] = [*extra.get(name, ()), printable_text]
        return super().validate(extra)


class ConfirmForm(Form):
    """Only the CSRF token: a POST that carries no other input."""


def confirm_form_for_viewer() -> ConfirmForm | None:
    """A blank confirm form for a signed-in viewer; None for visitors, who are shown no button,
    since building one puts a CSRF token in the session: a cookie set on every page view."""
    return ConfirmForm(formdata=None) if current_user.is_authenticated else None


def confirmed() -> bool:
    """Whether the request carries a valid confirm form (a CSRF token of this session)."""
    return ConfirmForm().validate_on_submit()


def refuse(form: Form, error: DomainError) -> int:
    """Show a use case's refusal on the form that asked for it, undoing whatever the use case
    began; return the status to answer with. The form keeps everything the person wrote."""
    db.session.rollback()
    form.form_errors.append(error.message)
    return error.status
