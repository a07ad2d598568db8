"""Forms of the library: a new resource (with its thread's identity choice), its details' edit."""

from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import URLInput

from forum.forms import Form
from forum.models import ResourceKind
from forum.models.resource import (
    LICENCE_MAX_LENGTH,
    LINK_MAX_LENGTH,
    ORGANISATION_MAX_LENGTH,
    VERSION_MAX_LENGTH,
)
from forum.resources.files import ACCEPTED
from forum.resources.services import Details
from forum.threads.forms import _body, _IdentityForm, _title

KIND_LABELS = {
    ResourceKind.REPORT: "Report",
    ResourceKind.TOOLKIT: "Toolkit",
    ResourceKind.GUIDANCE: "Guidance",
    ResourceKind.LINK: "Link",
}


def _line(label: str, limit: int, description: str = "") -> StringField:
    return StringField(
        label,
        validators=[Optional(), Length(max=limit, message=f"At most {limit} characters.")],
        description=description,
    )


class _DetailsForm(Form):
    kind = SelectField("Type", choices={kind.value: label for kind, label in KIND_LABELS.items()})
    organisation = _line(
        "Contributing organisation (optional)",
        ORGANISATION_MAX_LENGTH,
        "Who made or published it; leave it empty if that could identify you.",
    )
    licence = _line("Licence (optional)", LICENCE_MAX_LENGTH, "For example CC BY 4.0.")
    version = _line("Version (optional)", VERSION_MAX_LENGTH)
    review_on = DateField(
        "Review date (optional)",
        validators=[Optional()],
        description="When it should be checked again; the library marks it once passed.",
    )
    link_url = StringField(
        "Link",
        widget=URLInput(),
        validators=[Optional(), Length(max=LINK_MAX_LENGTH)],
        description="A web address (https://…), instead of a file.",
    )
    file = FileField(
        "File", description=f"{ACCEPTED}. Its author fields and location data are removed."
    )

    def details(self) -> Details:
        return Details(
            kind=self.kind.data,
            organisation=self.organisation.data or "",
            licence=self.licence.data or "",
            version=self.version.data or "",
            review_on=self.review_on.data,
            link_url=self.link_url.data or "",
        )


class NewResourceForm(_DetailsForm, _IdentityForm):
    title = _title()
    summary = _body(
        "Summary",
        "What it is and who it is for. Markdown works. It opens the resource's discussion.",
    )


class EditResourceForm(_DetailsForm):
    """The details only: the title and summary are edited as the discussion's first post."""
