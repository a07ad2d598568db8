"""Event forms: an event's details, a registration, an organiser's decision, a cancellation."""

from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum import identity, zones
from forum.forms import Form
from forum.models import EventFormat, PersonaKind, RegistrationMode, Space
from forum.models.event import MEETING_URL_MAX_LENGTH, NOTE_MAX_LENGTH, VENUE_MAX_LENGTH
from forum.models.post import TITLE_MAX_LENGTH

DESCRIPTION_MAX_LENGTH = 20_000
CAPACITY_MAX = 100_000
# A datetime-local input sends minutes, and seconds when the browser shows them.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]

FORMAT_WORDS = {EventFormat.IN_PERSON: "In person", EventFormat.ONLINE: "Online"}
MODE_WORDS = {
    RegistrationMode.OPEN: "Open: accepted at once while there are places",
    RegistrationMode.APPROVAL: "By approval: an organiser accepts or declines each one",
    RegistrationMode.CLOSED: "Closed: nobody may register",
}
IDENTITY_WORDS = {
    PersonaKind.PSEUDONYM: "Under your pseudonym in this space",
    PersonaKind.NAMED: "Under your username",
}


def _local_time(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(
        label,
        format=LOCAL_FORMATS,
        validators=[DataRequired(message="Please give a date and a time.")],
    )


class _IdentityChoice(Form):
    identity = RadioField("Appear as", validators=[DataRequired(message="Choose how you appear.")])

    def offer_identities(self, space: Space, handles: dict[PersonaKind, str | None]) -> None:
        """Offer the identities the space allows, pseudonym first, naming existing handles."""
        choices = []
        for kind in identity.allowed_kinds(space):
            words = IDENTITY_WORDS[kind]
            if handles.get(kind):
                words += f" ({handles[kind]})"
            choices.append((kind.value, words))
        self.identity.choices = choices
        if not self.identity.data:
            self.identity.data = choices[0][0]


class EventForm(_IdentityChoice):
    title = StringField(
        "Title",
        validators=[
            DataRequired(message="Please give the event a title."),
            Length(
                max=TITLE_MAX_LENGTH, message=f"Titles are at most {TITLE_MAX_LENGTH} characters."
            ),
        ],
    )
    description = TextAreaField(
        "Description",
        validators=[
            Optional(),
            Length(
                max=DESCRIPTION_MAX_LENGTH,
                message=f"Descriptions are at most {DESCRIPTION_MAX_LENGTH:,} characters.",
            ),
        ],
        description="Markdown works: **bold**, _italic_, links, lists. Do not put the place here: "
        "everyone who reads the space reads the description.",
    )
    starts_at = _local_time("Starts")
    ends_at = _local_time("Ends")
    time_zone = SelectField(
        "Time zone",
        choices={name: name for name in zones.zone_names()},
        validate_choice=True,
        description="The start and end are times on the clocks of this zone.",
    )
    format = RadioField(
        "Where",
        choices={f.value: words for f, words in FORMAT_WORDS.items()},
        default="in_person",
    )
    venue = StringField(
        "Venue (in person)",
        validators=[
            Optional(),
            Length(max=VENUE_MAX_LENGTH, message=f"At most {VENUE_MAX_LENGTH} characters."),
        ],
        description="Told only to accepted registrants and the organisers.",
    )
    meeting_url = StringField(
        "Meeting link (online)",
        validators=[
            Optional(),
            Length(max=MEETING_URL_MAX_LENGTH, message="That link is too long."),
        ],
        description="Told only to accepted registrants and the organisers.",
    )
    registration = RadioField(
        "Registration",
        choices={mode.value: words for mode, words in MODE_WORDS.items()},
        default="open",
    )
    capacity = IntegerField(
        "Places (optional)",
        validators=[
            Optional(),
            NumberRange(min=1, max=CAPACITY_MAX, message="Places are a number from 1."),
        ],
        description="Leave empty for no limit.",
    )

    def event_fields(self) -> dict:
        """What the event use cases take from the form."""
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "starts_local": self.starts_at.data,
            "ends_local": self.ends_at.data,
            "time_zone": self.time_zone.data,
            "format": self.format.data,
            "venue": self.venue.data or "",
            "meeting_url": self.meeting_url.data or "",
            "registration": self.registration.data,
            "capacity": self.capacity.data,
        }


class EditEventForm(EventForm):
    """No identity: an event keeps the persona it was organised under."""

    identity = None


class RegisterForm(_IdentityChoice):
    note = TextAreaField(
        "A note for the organisers (optional)",
        validators=[
            Optional(),
            Length(max=NOTE_MAX_LENGTH, message=f"Notes are at most {NOTE_MAX_LENGTH} characters."),
        ],
        description="Access needs, say. Only the organisers read it.",
    )


class DecisionForm(Form):
    decision = RadioField(
        "Decision",
        choices={"accept": "Accept", "decline": "Decline"},
        validators=[DataRequired(message="Choose accept or decline.")],
    )
    message = TextAreaField(
        "Message to the registrant (optional)",
        validators=[
            Optional(),
            Length(max=NOTE_MAX_LENGTH, message=f"At most {NOTE_MAX_LENGTH} characters."),
        ],
    )


class CancelEventForm(Form):
    reason = TextAreaField(
        "Why is it cancelled?",
        validators=[
            DataRequired(message="Please say why: registrants are told."),
            Length(max=NOTE_MAX_LENGTH, message=f"At most {NOTE_MAX_LENGTH} characters."),
        ],
        description="Registrants are told, and the space's mod log shows it.",
    )
