"""Site admin forms: a verified label with its note, the list of labels, a new space, a reveal."""

from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from forum.accounts.services import find_user
from forum.forms import Form
from forum.models import Label
from forum.models.label import LABEL_MAX_LENGTH
from forum.models.mod_action import REASON_MAX_LENGTH
from forum.models.persona import HANDLE_MAX_LENGTH
from forum.models.reveal import REVEAL_REASON_MAX_LENGTH
from forum.models.space import SLUG_MAX_LENGTH
from forum.models.user import USERNAME_MAX_LENGTH
from forum.spaces.forms import SettingsForm

LABEL_NOTE_HELP = 'Why: e.g. "checked warrant card in person". Only site admins see it.'
NO_LABEL = ""


class LabelForm(Form):
    """Grant, change or revoke one account's label; rendered once per account with a prefix."""

    # The service names a label that is not on the list, which says more than "not a choice".
    label = SelectField("Verified label", default=NO_LABEL, validate_choice=False)
    note = StringField(
        "Note",
        validators=[
            DataRequired(message="Please write a note saying how the label was checked."),
            Length(max=REASON_MAX_LENGTH),
        ],
        description=LABEL_NOTE_HELP,
    )
    revoke = SubmitField("Revoke label")  # a second submit button; the first one saves

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.label.choices = choices

    def chosen_label(self) -> str | None:
        """The label to set: None when revoking."""
        return None if self.revoke.data else (self.label.data or None)


def label_choices(listed: list[Label]) -> list[tuple[str, str]]:
    """The choices of the label form: no label, or one of the listed labels."""
    return [(NO_LABEL, "No label")] + [(label.name, label.name) for label in listed]


class NewLabelForm(Form):
    name = StringField(
        "New label",
        validators=[
            DataRequired(message="Please give the label a name."),
            Length(max=LABEL_MAX_LENGTH),
        ],
        description='As it will read on posts, e.g. "Youth worker". Case and spacing are kept.',
    )


class RenameLabelForm(Form):
    name = StringField(
        "New name",
        validators=[
            DataRequired(message="Please give the label a name."),
            Length(max=LABEL_MAX_LENGTH),
        ],
        description="Accounts holding it and spaces requiring it keep it under the new name.",
    )


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


# The reason and the note go whole into the space's mod log, whose reasons hold fewer characters.
REVEAL_TEXT_MAX_LENGTH = min(REVEAL_REASON_MAX_LENGTH, REASON_MAX_LENGTH)


class RevealRequestForm(Form):
    """Ask to see the account behind one pseudonym of one space, saying why."""

    # The service names a space that does not exist, which says more than "not a choice".
    space = SelectField("Space", validate_choice=False)
    handle = StringField(
        "Pseudonym",
        validators=[
            DataRequired(message="Please give the pseudonym exactly as it shows on its posts."),
            Length(max=HANDLE_MAX_LENGTH),
        ],
        description='Exactly as it shows on its posts, e.g. "Patient Heron 17".',
    )
    reason = TextAreaField(
        "Why you need to know who it is",
        validators=[
            DataRequired(message="Please write why: the reason goes into the space's mod log."),
            Length(
                max=REVEAL_TEXT_MAX_LENGTH,
                message=f"Please keep the reason under {REVEAL_TEXT_MAX_LENGTH} characters.",
            ),
        ],
        description="The space's members read it in its mod log, and the person behind the "
        "pseudonym is told it if a second admin approves.",
    )

    def __init__(self, *args, spaces: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.space.choices = spaces


class RevealDecisionForm(Form):
    """A second admin's decision on a request to reveal, with a note for the mod log."""

    decision = RadioField(
        "Decision",
        choices={
            "approve": "Approve: the admin who asked sees this one account's username",
            "refuse": "Refuse: nobody sees the account",
        },
        validators=[DataRequired(message="Please choose to approve or to refuse.")],
    )
    note = TextAreaField(
        "Why",
        validators=[
            DataRequired(message="Please write why: the note goes into the space's mod log."),
            Length(
                max=REVEAL_TEXT_MAX_LENGTH,
                message=f"Please keep the note under {REVEAL_TEXT_MAX_LENGTH} characters.",
            ),
        ],
        description="The space's members read it in its mod log.",
    )

    @property
    def approves(self) -> bool:
        return self.decision.data == "approve"
