"""Site admin forms: a verified label with its note, and a new space's address and settings."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from forum.accounts.services import find_user
from forum.models.space import LABEL_MAX_LENGTH, SLUG_MAX_LENGTH
from forum.models.user import USERNAME_MAX_LENGTH
from moderation.forms import SettingsForm
from moderation.services import REASON_MAX_LENGTH

LABEL_NOTE_HELP = 'Why: e.g. "checked warrant card in person". Only site admins see it.'


class LabelForm(FlaskForm):
    """Grant, change or revoke one user's verified label; rendered once per user with a prefix."""

    label = StringField(
        "Verified label",
        validators=[Optional(), Length(max=LABEL_MAX_LENGTH)],
        description="Leave empty, or press Revoke, to take the label away.",
    )
    note = StringField(
        "Note",
        validators=[
            DataRequired(message="Please write a note saying how the label was checked."),
            Length(max=REASON_MAX_LENGTH),
        ],
        description=LABEL_NOTE_HELP,
    )
    revoke = SubmitField("Revoke label")  # a second submit button; the first one saves

    def chosen_label(self) -> str | None:
        """The label to set: None when revoking."""
        return None if self.revoke.data else self.label.data


class NewSpaceForm(SettingsForm):
    """The settings of a space, plus what only its creation sets: the address and the owner."""

    slug = StringField(
        "Address",
        validators=[DataRequired(), Length(max=SLUG_MAX_LENGTH)],
        description="The space's address: /s/<address>. Lower-case letters, digits and hyphens.",
    )
    owner = StringField(
        "Owner's username",
        validators=[DataRequired(), Length(max=USERNAME_MAX_LENGTH)],
        description="The owner runs the space and appoints its moderators.",
    )

    owner_user = None  # the owner's account, found when the form validates

    def validate_owner(self, field: StringField) -> None:
        self.owner_user = find_user(field.data)
        if self.owner_user is None:
            raise ValidationError(f"There is no account named {field.data!r}.")
