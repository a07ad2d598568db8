"""Forms of the moderators' pages: each sanction asks for the reason the member is told."""

from datetime import datetime, timedelta

from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from forum.forms import Form
from forum.models.mod_action import REASON_MAX_LENGTH

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
