"""Forms of moderation: sanctions (with the reason the member is told), reports, watched words."""

from datetime import datetime, timedelta

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.forms import Form
from forum.models import FlagReason, WatchAction
from forum.models.flag import FLAG_NOTE_MAX_LENGTH, FLAG_REASON_WORDS
from forum.models.mod_action import REASON_MAX_LENGTH
from forum.models.watched_word import PHRASE_MAX_LENGTH

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


class FlagForm(Form):
    """Report a post: why, and a note (needed for "other"); the service checks the rest."""

    reason = RadioField(
        "Why are you reporting this post?",
        choices={
            reason.value: words
            for reason, words in FLAG_REASON_WORDS.items()
            if reason != FlagReason.WATCHED_WORD
        },
        validators=[DataRequired(message="Please choose why you are reporting this post.")],
    )
    note = TextAreaField(
        "Note for the moderators (needed for “Other”)",
        validators=[
            Optional(),
            Length(
                max=FLAG_NOTE_MAX_LENGTH,
                message=f"Please keep the note under {FLAG_NOTE_MAX_LENGTH} characters.",
            ),
        ],
        description="Only the space's moderators read it. They never learn who reported.",
    )


WATCH_ACTION_WORDS = {
    WatchAction.BLOCK: "Block: the post is refused, with a message naming the word",
    WatchAction.HOLD: "Hold: the post waits for a moderator's approval",
    WatchAction.FLAG: "Flag: the post appears, and goes to the moderation queue",
}


class WatchedWordForm(Form):
    phrase = StringField(
        "Word or phrase",
        validators=[
            DataRequired(message="Please give a word or phrase to watch."),
            Length(
                max=PHRASE_MAX_LENGTH,
                message=f"Please keep it under {PHRASE_MAX_LENGTH} characters.",
            ),
        ],
        description="Matched as whole words, ignoring case, accents, hidden characters and "
        "look-alike letters (Cyrillic “а”, “k1ll”).",
    )
    action = SelectField(
        "What happens to a post that contains it",
        choices={action.value: words for action, words in WATCH_ACTION_WORDS.items()},
        default=WatchAction.HOLD.value,
    )
