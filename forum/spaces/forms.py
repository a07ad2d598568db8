"""Forms for joining a space: accept the rules, or write a request."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.spaces.services import REQUEST_NOTE_MAX_LENGTH


class JoinForm(FlaskForm):
    accept_rules = BooleanField("I have read the rules and accept them")


class RequestForm(FlaskForm):
    note = TextAreaField(
        "Why would you like to join?",
        validators=[
            DataRequired(message="Please say a few words about why you would like to join."),
            Length(
                max=REQUEST_NOTE_MAX_LENGTH,
                message=f"Please keep your request under {REQUEST_NOTE_MAX_LENGTH} characters.",
            ),
        ],
        description="The space's moderators read this before they decide.",
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token: one-button actions such as leaving or accepting new rules."""
