"""The site admin's form for the operator's texts."""

from wtforms import TextAreaField
from wtforms.validators import Length

from forum.about.texts import TEXT_MAX_LENGTH
from forum.forms import Form
from forum.models import SiteTextName

_TOO_LONG = f"Please keep it under {TEXT_MAX_LENGTH:,} characters."


def _text(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label, validators=[Length(max=TEXT_MAX_LENGTH, message=_TOO_LONG)], description=description
    )


class SiteTextsForm(Form):
    contact = _text(
        "Who runs this site, and how to reach them",
        "Shown on /about and /privacy. Markdown. E.g. an organisation's name and an address "
        "people can write to about their data.",
    )
    about = _text("Added to /about", "Markdown, shown after what the platform says of itself.")
    privacy = _text(
        "Added to /privacy",
        "Markdown. Say what your own server keeps beyond the application (e.g. a proxy's "
        "access logs, backups) and for how long.",
    )

    def sources(self) -> dict[SiteTextName, str]:
        return {name: getattr(self, name.value).data or "" for name in SiteTextName}
