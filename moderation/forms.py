"""Forms of the moderators' pages: sanctions with their reasons, appeals and their decisions."""

from datetime import datetime, timedelta

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.forms import Form
from forum.models.mod_action import REASON_MAX_LENGTH
from moderation.appeals import APPEAL_MESSAGE_MAX_LENGTH

REASON_REQUIRED = "Please give a reason: the member is told it."


class SanctionForm(Form):
    """Remove a member, or lift a ban: a reason, which the member is told."""

    reason = StringField(
        "Reason",
        validators=[
            DataRequired(message=REASON_REQUIRED),
            Length(
                max=REASON_MAX_LENGTH,
                message=f"Please keep the reason under {REASON_MAX_LENGTH} characters.",
            ),
        ],
        description="The member is told this reason.",
    )


BAN_DURATIONS = {
    "1": ("1 day", timedelta(days=1)),
    "7": ("7 days", timedelta(days=7)),
    "30": ("30 days", timedelta(days=30)),
    "permanent": ("Permanent", None),
}


class BanForm(SanctionForm):
    duration = SelectField(
        "For", choices={key: words for key, (words, _) in BAN_DURATIONS.items()}, default="7"
    )

    def until(self, now: datetime) -> datetime | None:
        """When the ban ends, or None for a permanent ban."""
        length = BAN_DURATIONS[self.duration.data][1]
        return None if length is None else now + length


class AppealForm(Form):
    """The author's appeal of a decision: why it should be looked at again."""

    message = TextAreaField(
        "Why should the decision be looked at again?",
        validators=[
            DataRequired(message="Please write why the decision should be looked at again."),
            Length(
                max=APPEAL_MESSAGE_MAX_LENGTH,
                message=f"Please keep your appeal under {APPEAL_MESSAGE_MAX_LENGTH:,} characters.",
            ),
        ],
        description="A different moderator reads it and decides. You can appeal once.",
    )


class AppealDecisionForm(Form):
    """A moderator's decision on an appeal: uphold or overturn, with the reason the author is
    told."""

    decision = RadioField(
        "Decision",
        choices={
            "uphold": "Uphold: the decision stands",
            "overturn": "Overturn: restore the post and lift any mute or ban",
        },
        validators=[DataRequired(message="Please choose whether the decision stands.")],
    )
    reason = StringField(
        "Reason",
        validators=[
            DataRequired(message="Please give a reason: the author is told it."),
            Length(
                max=REASON_MAX_LENGTH,
                message=f"Please keep the reason under {REASON_MAX_LENGTH} characters.",
            ),
        ],
        description="The author is told this reason, and it goes into the space's mod log.",
    )

    @property
    def overturn(self) -> bool:
        return self.decision.data == "overturn"
