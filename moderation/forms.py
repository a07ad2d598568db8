"""Forms of moderation: sanctions, reports, watched words, decisions and appeals."""

from datetime import datetime, timedelta

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.forms import Form
from forum.models import Decision, FlagReason, WatchAction
from forum.models.flag import FLAG_NOTE_MAX_LENGTH, FLAG_REASON_WORDS
from forum.models.mod_action import REASON_MAX_LENGTH
from forum.models.watched_word import PHRASE_MAX_LENGTH
from moderation.appeals import APPEAL_MESSAGE_MAX_LENGTH
from moderation.decisions import (
    BAN_DAYS,
    MUTE_DAYS,
    NOTE_MAX_LENGTH,
    PUBLIC_REASONS,
    REASON_TEXT_MAX_LENGTH,
    Choice,
)
from moderation.queue import KIND_WORDS

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


def _days(days: int | None) -> str:
    if days is None:
        return "Permanently"
    return "1 day" if days == 1 else f"{days} days"


class DecisionForm(Form):
    """A decision on a queue item: what, the public reason the author reads, a private note."""

    decision = RadioField(
        "Decision",
        choices={
            "approve": "Approve: the post stays or becomes visible; reports are dismissed",
            "remove": "Remove the post",
            "remove_and_mute": "Remove the post and mute its author in this space",
            "ban": "Remove the post and ban its author from this space",
            "lock": "Approve the post and lock its thread",
            "escalate": "Escalate to the site admins",
        },
        validators=[DataRequired(message="Please choose a decision.")],
    )
    reason = SelectField(
        "Public reason",
        choices={"": "(none)", **PUBLIC_REASONS},
        default="",
        description="Needed to remove a post: its author is told it, and it goes in the mod log.",
    )
    reason_text = StringField(
        "Explanation for the author (optional)",
        validators=[
            Length(
                max=REASON_TEXT_MAX_LENGTH,
                message=f"Please keep the explanation under {REASON_TEXT_MAX_LENGTH} characters.",
            )
        ],
    )
    mute_days = SelectField(
        "Mute for", choices={str(days): _days(days) for days in MUTE_DAYS}, default="7"
    )
    ban_days = SelectField(
        "Ban for",
        choices={str(days) if days else "permanent": _days(days) for days in BAN_DAYS},
        default="7",
    )
    note = TextAreaField(
        "Private note for the space's moderators (optional)",
        validators=[
            Length(
                max=NOTE_MAX_LENGTH,
                message=f"Please keep the note under {NOTE_MAX_LENGTH} characters.",
            )
        ],
    )

    def choice(self) -> Choice:
        """The decision as the use case takes it."""
        decision = Decision(self.decision.data)
        days = None
        if decision == Decision.REMOVE_AND_MUTE:
            days = int(self.mute_days.data)
        elif decision == Decision.BAN and self.ban_days.data != "permanent":
            days = int(self.ban_days.data)
        return Choice(
            decision=decision,
            reason=self.reason.data or "",
            reason_text=self.reason_text.data or "",
            note=self.note.data or "",
            days=days,
        )


class QueueFilterForm(Form):
    """The queue's filters, read from the URL and checked against their choices."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    space = SelectField("Space", choices={"": "All spaces"}, default="")
    kind = SelectField(
        "Kind", choices={"": "All kinds", **{k.value: w for k, w in KIND_WORDS.items()}}, default=""
    )
    reason = SelectField(
        "Reason reported",
        choices={"": "Any reason", **{r.value: w for r, w in FLAG_REASON_WORDS.items()}},
        default="",
    )


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
