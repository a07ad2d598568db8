"""The form that deletes an account: the password, and a box saying the person understands."""

from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length

from forum.accounts.rules import PASSWORD_MAX_LENGTH
from forum.forms import Form


class DeleteAccountForm(Form):
    password = PasswordField(
        "Your password",
        validators=[
            DataRequired(message="Please type your password."),
            Length(max=PASSWORD_MAX_LENGTH),
        ],
    )
    understood = BooleanField(
        "I understand that my posts, resources and everything kept about me will be erased, "
        "and that this cannot be undone.",
        validators=[DataRequired(message="Please tick the box to say you understand.")],
    )
