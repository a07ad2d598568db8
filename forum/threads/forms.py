"""Forms for posting: a new thread, a reply, an edit."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.identity import allowed_kinds
from forum.models import PersonaKind, Space
from forum.models.post import CONTENT_WARNING_MAX_LENGTH, TITLE_MAX_LENGTH
from forum.threads.services import BODY_MAX_LENGTH

IDENTITY_LABELS = {
    PersonaKind.PSEUDONYM: "Under your pseudonym in this space",
    PersonaKind.NAMED: "Under your username",
}

_body_validators = [
    DataRequired(message="Please write something before posting."),
    Length(max=BODY_MAX_LENGTH, message=f"Posts are at most {BODY_MAX_LENGTH:,} characters."),
]


class _IdentityForm(FlaskForm):
    identity = RadioField("Post as", validators=[DataRequired(message="Choose how you appear.")])
    accept_rules = BooleanField("I have read the space's updated rules and accept them")

    def offer_identities(self, space: Space, handles: dict[PersonaKind, str | None]) -> None:
        """Offer the identities the space allows, pseudonym first; name existing handles."""
        choices = []
        for kind in allowed_kinds(space):
            label = IDENTITY_LABELS[kind]
            if handles.get(kind):
                label += f" ({handles[kind]})"
            choices.append((kind.value, label))
        self.identity.choices = choices
        if not self.identity.data:
            self.identity.data = choices[0][0]


class NewThreadForm(_IdentityForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired(message="Please give the thread a title."),
            Length(
                max=TITLE_MAX_LENGTH, message=f"Titles are at most {TITLE_MAX_LENGTH} characters."
            ),
        ],
    )
    body = TextAreaField(
        "Post",
        validators=_body_validators,
        description="Markdown works: **bold**, _italic_, links, lists.",
    )
    content_warning = StringField(
        "Content warning (optional)",
        validators=[Optional(), Length(max=CONTENT_WARNING_MAX_LENGTH)],
        description="If the post may distress readers, say why here: the post is folded behind it.",
    )


class ReplyForm(_IdentityForm):
    body = TextAreaField("Your reply", validators=_body_validators)


class EditForm(FlaskForm):
    body = TextAreaField("Post", validators=_body_validators)


class ConfirmForm(FlaskForm):
    """Only the CSRF token, for one-button actions."""
