"""Forms of the space staff pages: they parse and bound the input; services hold the rules."""

from datetime import datetime, timedelta

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from forum.models import IdentityMode, JoinPolicy, Premoderation, Role, Visibility
from forum.models.space import LABEL_MAX_LENGTH
from moderation.services import REASON_MAX_LENGTH, SpaceSettings

REASON_REQUIRED = "Please give a reason: the member is told it."
_reason_bounds = Length(
    max=REASON_MAX_LENGTH, message=f"Please keep the reason under {REASON_MAX_LENGTH} characters."
)


def _required_reason(description: str) -> StringField:
    return StringField(
        "Reason",
        validators=[DataRequired(message=REASON_REQUIRED), _reason_bounds],
        description=description,
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token: one-button actions such as withdrawing an invitation."""


# Members


class RoleForm(FlaskForm):
    role = SelectField(
        "Role",
        choices={Role.MEMBER: "Member", Role.MODERATOR: "Moderator", Role.OWNER: "Owner"},
    )


class RemoveForm(FlaskForm):
    reason = _required_reason("They are told this reason and may rejoin as the space allows.")


BAN_DURATIONS = {
    "1": timedelta(days=1),
    "7": timedelta(days=7),
    "30": timedelta(days=30),
    "permanent": None,
}


class BanForm(FlaskForm):
    reason = _required_reason("They are told this reason.")
    duration = SelectField(
        "For",
        choices={"1": "1 day", "7": "7 days", "30": "30 days", "permanent": "Permanent"},
        default="7",
    )

    def until(self, now: datetime) -> datetime | None:
        """Return when the ban ends, or None for a permanent ban."""
        length = BAN_DURATIONS[self.duration.data]
        return None if length is None else now + length


class UnbanForm(FlaskForm):
    reason = _required_reason("They are told this reason and become a member again.")


# Join requests


class DecideRequestForm(FlaskForm):
    # Rendered as two submit buttons named "decision", not as a field of its own.
    decision = StringField(validators=[AnyOf(["approve", "decline"])])
    reason = StringField(
        "Reason (optional)",
        validators=[Optional(), _reason_bounds],
        description="The person sees it with the decision.",
    )

    @property
    def approve(self) -> bool:
        return self.decision.data == "approve"


# Invitations


INVITATION_LIFETIMES = {
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
OTHER = "other"


class InvitationForm(FlaskForm):
    expires_in = SelectField(
        "Expires in",
        choices={"1h": "1 hour", "1d": "1 day", "7d": "7 days", "30d": "30 days"},
        default="7d",
    )
    uses = SelectField(
        "Number of uses",
        choices={"1": "1", "5": "5", "25": "25", "100": "100", OTHER: "Another number"},
        default="1",
    )
    other_uses = IntegerField(
        "Another number of uses",
        validators=[Optional()],
        description="Only when you chose “Another number” above: 1 to 1000.",
    )
    note = StringField(
        "Note (optional)",
        validators=[
            Optional(),
            Length(max=100, message="Please keep the note under 100 characters."),
        ],
        description="For the space's staff only, e.g. who the link is for.",
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends the field's own checks when it is empty, so this one lives here.
        field = self.other_uses
        if self.uses.data == OTHER and field.data is None and not field.errors:
            field.errors.append("Please give the number of uses.")
            valid = False
        return valid

    @property
    def lifetime(self) -> timedelta:
        return INVITATION_LIFETIMES[self.expires_in.data]

    @property
    def max_uses(self) -> int:
        return self.other_uses.data if self.uses.data == OTHER else int(self.uses.data)


# Settings


def _choices(enum, labels: dict) -> dict[str, str]:
    return {member.value: labels[member] for member in enum}


class SettingsForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="Please give the space a name."), Length(max=80)],
    )
    description = TextAreaField(
        "Description",
        validators=[Length(max=500, message="Please keep the description under 500 characters.")],
        description="One or two sentences, shown in the directory to everyone who may see it.",
    )
    rules = TextAreaField(
        "Rules",
        validators=[Length(max=20_000, message="Please keep the rules under 20,000 characters.")],
        description=(
            "Markdown. Members accept the rules when they join; changing the text later, even to "
            "fix a typo, makes every member read and accept the new version before their next post."
        ),
    )
    visibility = SelectField(
        "Who can see it",
        choices=_choices(
            Visibility,
            {
                Visibility.PUBLIC: "Public: anyone reads it, signed in or not",
                Visibility.MEMBERS: "Members only: listed, but only members read the threads",
                Visibility.HIDDEN: "Hidden: not listed; only members know it exists",
            },
        ),
        default=Visibility.PUBLIC.value,
    )
    join_policy = SelectField(
        "How people join",
        choices=_choices(
            JoinPolicy,
            {
                JoinPolicy.OPEN: "Open: anyone who accepts the rules",
                JoinPolicy.REQUEST: "By request: moderators approve a written request",
                JoinPolicy.INVITE: "By invitation: only through a link from a moderator",
            },
        ),
        default=JoinPolicy.OPEN.value,
        description="A hidden space can only be joined by invitation.",
    )
    required_label = StringField(
        "Required verified label (optional)",
        validators=[Optional(), Length(max=LABEL_MAX_LENGTH)],
        description=(
            "When set, only people holding this label (e.g. “Police officer”) may join, ask "
            "to join or accept an invitation. Labels are granted by the site's admins."
        ),
    )
    identity_mode = SelectField(
        "How members appear",
        choices=_choices(
            IdentityMode,
            {
                IdentityMode.NAMED: "Usernames only",
                IdentityMode.CHOICE: "The author chooses: username or pseudonym",
                IdentityMode.PSEUDONYMOUS: "Pseudonyms only",
            },
        ),
        default=IdentityMode.CHOICE.value,
    )
    premoderation = SelectField(
        "Pre-moderation",
        choices=_choices(
            Premoderation,
            {
                Premoderation.OFF: "Off: posts appear at once",
                Premoderation.NEW_MEMBERS: "New members: their first 3 posts wait for approval",
                Premoderation.ALL: "All posts wait for approval",
            },
        ),
        default=Premoderation.OFF.value,
    )
    slow_mode_seconds = IntegerField(
        "Slow mode (seconds)",
        validators=[
            InputRequired(message="Please give a number of seconds (0 turns slow mode off).")
        ],
        default=0,
        description="The least time between two posts of one member. 0 turns it off.",
    )
    flag_hide_threshold = IntegerField(
        "Flags that hide a post",
        validators=[InputRequired(message="Please give a number of flags.")],
        default=3,
        description="Flags from this many different members hide a post until it is reviewed.",
    )

    def to_settings(self) -> SpaceSettings:
        """Return the submitted values as the settings the service validates."""
        return SpaceSettings(
            name=self.name.data,
            description=self.description.data or "",
            rules=self.rules.data or "",
            visibility=Visibility(self.visibility.data),
            join_policy=JoinPolicy(self.join_policy.data),
            required_label=self.required_label.data or None,
            identity_mode=IdentityMode(self.identity_mode.data),
            premoderation=Premoderation(self.premoderation.data),
            slow_mode_seconds=self.slow_mode_seconds.data,
            flag_hide_threshold=self.flag_hide_threshold.data,
        )
