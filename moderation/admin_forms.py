"""Site admin forms: a verified label with its note, and a new space's address and settings."""

from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forum.accounts.services import find_user
from forum.models import IdentityMode, JoinPolicy, Premoderation, Visibility
from forum.models.space import LABEL_MAX_LENGTH, SLUG_MAX_LENGTH
from forum.models.user import USERNAME_MAX_LENGTH
from moderation.services import DESCRIPTION_MAX_LENGTH, REASON_MAX_LENGTH, SpaceSettings

LABEL_NOTE_HELP = 'Why: e.g. "checked warrant card in person". Only site admins see it.'

VISIBILITY_CHOICES = [
    SelectChoice(Visibility.PUBLIC.value, "Public: anyone can read, signed in or not"),
    SelectChoice(
        Visibility.MEMBERS.value, "Members only: listed, but only members read the threads"
    ),
    SelectChoice(
        Visibility.HIDDEN.value, "Hidden: not listed; unknown to everyone but its members"
    ),
]
JOIN_CHOICES = [
    SelectChoice(JoinPolicy.OPEN.value, "Open: anyone joins after accepting the rules"),
    SelectChoice(JoinPolicy.REQUEST.value, "By request: moderators approve written requests"),
    SelectChoice(JoinPolicy.INVITE.value, "By invitation: only through links moderators make"),
]
IDENTITY_CHOICES = [
    SelectChoice(IdentityMode.NAMED.value, "Named: posts show usernames"),
    SelectChoice(IdentityMode.CHOICE.value, "Choice: the author picks name or pseudonym each time"),
    SelectChoice(IdentityMode.PSEUDONYMOUS.value, "Pseudonymous: pseudonyms only"),
]
PREMODERATION_CHOICES = [
    SelectChoice(Premoderation.OFF.value, "Off"),
    SelectChoice(
        Premoderation.NEW_MEMBERS.value, "New members: a member's first 3 posts wait for approval"
    ),
    SelectChoice(Premoderation.ALL.value, "All posts wait for approval"),
]


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


class NewSpaceForm(FlaskForm):
    slug = StringField(
        "Address",
        validators=[DataRequired(), Length(max=SLUG_MAX_LENGTH)],
        description="The space's address: /s/<address>. Lower-case letters, digits and hyphens.",
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=DESCRIPTION_MAX_LENGTH)],
        description="One or two sentences, shown in the directory.",
    )
    rules = TextAreaField(
        "Rules",
        validators=[Optional()],
        description="Markdown. Members accept the rules when they join.",
    )
    visibility = SelectField("Who can see it", choices=VISIBILITY_CHOICES, default="public")
    join_policy = SelectField(
        "How people join",
        choices=JOIN_CHOICES,
        default="open",
        description="A hidden space can only be joined by invitation.",
    )
    required_label = StringField(
        "Required verified label",
        validators=[Optional(), Length(max=LABEL_MAX_LENGTH)],
        description='Only people holding this label may join, e.g. "Police officer". '
        "Leave empty for everyone.",
    )
    identity_mode = SelectField("How members appear", choices=IDENTITY_CHOICES, default="choice")
    premoderation = SelectField("Pre-moderation", choices=PREMODERATION_CHOICES, default="off")
    slow_mode_seconds = IntegerField(
        "Slow mode (seconds)",
        validators=[InputRequired()],
        default=0,
        description="The least time between two posts of one member. 0 turns it off.",
    )
    flag_hide_threshold = IntegerField(
        "Flags that hide a post",
        validators=[InputRequired()],
        default=3,
        description="Flags from this many members hide a post until a moderator reviews it.",
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

    def settings(self) -> SpaceSettings:
        """The settings as the service takes them."""
        return SpaceSettings(
            name=self.name.data,
            description=self.description.data or "",
            rules=self.rules.data or "",
            visibility=Visibility(self.visibility.data),
            join_policy=JoinPolicy(self.join_policy.data),
            required_label=self.required_label.data,
            identity_mode=IdentityMode(self.identity_mode.data),
            premoderation=Premoderation(self.premoderation.data),
            slow_mode_seconds=self.slow_mode_seconds.data,
            flag_hide_threshold=self.flag_hide_threshold.data,
        )
