"""The search form: read from the URL (a GET that changes nothing), each field checked."""

from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from forum.forms import Form
from forum.models.persona import HANDLE_MAX_LENGTH
from forum.search.backends import words_of

QUERY_MAX_LENGTH = 200
MOST_WORDS = 12
ANY_SPACE = ""


class DayField(DateField):
    """A date typed or picked as year-month-day; anything else is refused, as typed."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Please give a date as year-month-day, such as 2026-03-31.") from None


class SearchForm(Form):
    """What to search for, and where: every choice of space is one the viewer may read."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(
        "Search for",
        validators=[
            Length(
                max=QUERY_MAX_LENGTH,
                message=f"Please keep your search under {QUERY_MAX_LENGTH} characters.",
            )
        ],
    )
    space = SelectField(
        "In",
        choices={ANY_SPACE: "All spaces you can read"},
        default=ANY_SPACE,
        validate_choice=False,
    )
    author = StringField(
        "By",
        validators=[
            Optional(),
            Length(
                max=HANDLE_MAX_LENGTH,
                message=f"Please keep the author under {HANDLE_MAX_LENGTH} characters.",
            ),
        ],
        description="A username; with a space chosen, also a name as that space shows it.",
    )
    since = DayField("From", validators=[Optional()])
    until = DayField("To", validators=[Optional()])

    def validate_q(self, field) -> None:
        words = words_of(field.data or "")
        if not words:
            raise ValidationError("Please type a word to search for.")
        if len(words) > MOST_WORDS:
            raise ValidationError(f"Please search for at most {MOST_WORDS} words.")

    def validate_space(self, field) -> None:
        # An unknown space and one the viewer may not read get the same answer.
        if field.data not in field.choices:
            raise ValidationError("There is no such space for you to search in.")

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")
