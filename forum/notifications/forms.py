"""The notification settings form: per kind how one is told, and the account's mail mode."""

from wtforms import RadioField
from wtforms.validators import InputRequired

from forum.forms import Form
from forum.models import Delivery, MailMode, NotificationKind
from forum.notifications.preferences import ALWAYS_TOLD

KIND_WORDS = {
    NotificationKind.REPLY: "Replies to your posts and in threads you watch",
    NotificationKind.MENTION: "Mentions of you (@handle or @username)",
    NotificationKind.JOIN_APPROVED: "Your request to join a space is approved",
    NotificationKind.JOIN_DECLINED: "Your request to join a space is declined",
    NotificationKind.INVITATION: "A space's staff invite you by name",
    NotificationKind.JOIN_REQUEST: "For staff: someone asks to join a space you run",
    NotificationKind.QUEUE_WAITING: "For staff: items wait in the moderation queue",
    NotificationKind.DECISION: "A moderator decides about your post or pseudonym",
    NotificationKind.APPEAL_OUTCOME: "Your appeal is decided",
    NotificationKind.REVEAL: "Your pseudonym is revealed to a site admin",
    NotificationKind.SPACE_CHANGE: "A space you belong to announces a change",
    NotificationKind.EVENT_ACCEPTED: "Your registration for an event is accepted",
    NotificationKind.EVENT_DECLINED: "Your registration for an event is declined",
    NotificationKind.EVENT_CHANGED: "An event you registered for changes its time or place",
    NotificationKind.EVENT_CANCELLED: "An event you registered for is cancelled",
    NotificationKind.EVENT_REMINDER: "A reminder, a day before an event you are accepted for",
    NotificationKind.EVENT_REGISTRATION: "For organisers: a registration for your event waits",
}
DELIVERY_WORDS = {
    Delivery.OFF: "Off",
    Delivery.APP: "In the app",
    Delivery.MAIL: "In the app and by e-mail",
}
MAIL_MODE_WORDS = {
    MailMode.OFF: "No e-mail",
    MailMode.IMMEDIATE: "One e-mail for each notification, soon after it happens",
    MailMode.DAILY: "One daily digest",
}
CHOOSE = "Please choose one of the options."


def _delivery_field(kind: NotificationKind) -> RadioField:
    shown = [d for d in Delivery if not (kind in ALWAYS_TOLD and d == Delivery.OFF)]
    description = "You are always told of this in the app." if kind in ALWAYS_TOLD else ""
    return RadioField(
        KIND_WORDS[kind],
        choices={d.value: DELIVERY_WORDS[d] for d in shown},
        validators=[InputRequired(CHOOSE)],
        description=description,
    )


class NotificationSettingsForm(Form):
    """One radio group per kind (no "off" where the kind is always told), and the mail mode."""

    mail_mode = RadioField(
        "E-mail",
        choices={m.value: words for m, words in MAIL_MODE_WORDS.items()},
        validators=[InputRequired(CHOOSE)],
    )

    def kind_fields(self):
        return [(kind, self[kind.value]) for kind in KIND_WORDS]


for _kind in KIND_WORDS:
    setattr(NotificationSettingsForm, _kind.value, _delivery_field(_kind))
