"""Forms of a space's pages: joining (member side) and running the space (staff side).

Forms parse and bound the input; the services hold the rules.
"""

from datetime import timedelta

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from forum import labels
from forum.forms import Form
from forum.models import Contributors, IdentityMode, JoinPolicy, Premoderation, Role, Visibility
from forum.models.mod_action import REASON_MAX_LENGTH
from forum.models.space import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from forum.models.user import USERNAME_MAX_LENGTH
from forum.spaces.invitations import NOTE_MAX_LENGTH
from forum.spaces.membership import REQUEST_NOTE_MAX_LENGTH
from forum.spaces.settings import RULES_MAX_LENGTH, SpaceSettings

ACCEPT_RULES_LABEL = "I have read the rules and accept them"
REASON_BOUNDS = Length(
    max=REASON_MAX_LENGTH, message=f"Please keep the reason under {REASON_MAX_LENGTH} characters."
)


# The member's side


class JoinForm(Form):
    accept_rules = BooleanField(ACCEPT_RULES_LABEL)


class RequestForm(Form):
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
    accept_rules = BooleanField(ACCEPT_RULES_LABEL)


# The staff side: members and requests


class RoleForm(Form):
    role = SelectField(
        "Role",
        choices={Role.MEMBER: "Member", Role.MODERATOR: "Moderator", Role.OWNER: "Owner"},
    )


class DecideRequestForm(Form):
    # Rendered as two submit buttons named "decision", not as a field of its own.
    decision = StringField(validators=[AnyOf(["approve", "decline"])])
    reason = StringField(
        "Reason (optional)",
        validators=[Optional(), REASON_BOUNDS],
        description="The person sees it with the decision.",
    )

    @property
    def approve(self) -> bool:
        return self.decision.data == "approve"


# Invitations


INVITATION_LIFETIMES = {
    "1h": ("1 hour", timedelta(hours=1)),
    "1d": ("1 day", timedelta(days=1)),
    "7d": ("7 days", timedelta(days=7)),
    "30d": ("30 days", timedelta(days=30)),
}
OTHER = "other"


class InvitationForm(Form):
    expires_in = SelectField(
        "Expires in",
        choices={key: words for key, (words, _) in INVITATION_LIFETIMES.items()},
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
            Length(
                max=NOTE_MAX_LENGTH,
                message=f"Please keep the note under {NOTE_MAX_LENGTH} characters.",
            ),
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
        return INVITATION_LIFETIMES[self.expires_in.data][1]

    @property
    def max_uses(self) -> int:
        return self.other_uses.data if self.uses.data == OTHER else int(self.uses.data)


class InviteByNameForm(Form):
    username = StringField(
        "Username",
        validators=[
            DataRequired(message="Please give the username of the person to invite."),
            Length(max=USERNAME_MAX_LENGTH, message="Usernames are at most 30 characters."),
        ],
        description="They are told in the app, and accept or ignore the invitation there.",
    )


# Settings


def _choices(enum, words: dict) -> dict[str, str]:
    return {member.value: words[member] for member in enum}


NO_LABEL = ""


class SettingsForm(Form):
    name = StringField(
        "Name",
        validators=[
            DataRequired(message="Please give the space a name."),
            Length(max=NAME_MAX_LENGTH),
        ],
    )
    description = TextAreaField(
        "Description",
        validators=[
            Length(
                max=DESCRIPTION_MAX_LENGTH,
                message=f"Please keep the description under {DESCRIPTION_MAX_LENGTH} characters.",
            )
        ],
        description="One or two sentences, shown in the directory to everyone who may see it.",
    )
    rules = TextAreaField(
        "Rules",
        validators=[
            Length(
                max=RULES_MAX_LENGTH,
                message=f"Please keep the rules under {RULES_MAX_LENGTH:,} characters.",
            )
        ],
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
    required_label = SelectField(
        "Required verified label",
        default=NO_LABEL,
        validate_choice=False,  # the service names a label that is not on the list
        description=(
            "When set, only people holding this label may join, ask to join or accept an "
            "invitation. Site admins keep the list of labels and grant them."
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
        description="A post that waits is seen only by its author and the space's moderators "
        "until a moderator approves it in the queue; replies, counts and last activity move "
        "then. Moderators' and owners' own posts never wait.",
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
        description="When this many different members have reported a post, it is hidden from "
        "everyone but its author and the moderators, and goes to the top of the queue, until a "
        "moderator decides.",
    )

    shows_moderator_names = BooleanField(
        "Show moderators' names in the mod log",
        description="Off, the space's public mod log says “a moderator” for each decision.",
    )
    resource_contributors = SelectField(
        "Who may add resources to the library",
        choices=_choices(
            Contributors,
            {
                Contributors.MEMBERS: "Members",
                Contributors.MODERATORS: "Moderators and owners only",
            },
        ),
        default=Contributors.MEMBERS.value,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Chosen from the list site admins keep: a label typed by hand could match nobody.
        self.required_label.choices = [(NO_LABEL, "None: anyone may join")] + [
            (label.name, label.name) for label in labels.all_labels()
        ]

    def fill_from(self, settings: SpaceSettings) -> "SettingsForm":
        """Show the settings as they stand (a form built with formdata=None)."""
        for name, value in vars(settings).items():
            getattr(self, name).data = value if value is not None else NO_LABEL
        return self

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
            shows_moderator_names=self.shows_moderator_names.data,
            resource_contributors=Contributors(self.resource_contributors.data),
        )


class EditSettingsForm(SettingsForm):
    """A space's settings page: the settings, and why they change."""

    reason = StringField(
        "Reason for the change",
        validators=[Optional(), REASON_BOUNDS],
        description="Needed whenever something changes: the space's mod log shows it, with "
        "what changed.",
    )
