"""Forms for posting: a new thread, a reply, an edit."""

from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.forms import Form
from forum.identity import allowed_kinds
from forum.models import IdentityMode, PersonaKind, Space
from forum.models.post import CONTENT_WARNING_MAX_LENGTH, TITLE_MAX_LENGTH
from forum.threads.services import BODY_MAX_LENGTH

IDENTITY_LABELS = {
    PersonaKind.PSEUDONYM: "Under your pseudonym in this space",
    PersonaKind.NAMED: "Under your username",
}


def _body(label: str, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(message="Please write something before posting."),
            Length(
                max=BODY_MAX_LENGTH, message=f"Posts are at most {BODY_MAX_LENGTH:,} characters."
            ),
        ],
        description=description,
    )


def _title() -> StringField:
    return StringField(
        "Title",
        validators=[
            DataRequired(message="Please give the thread a title."),
            Length(
                max=TITLE_MAX_LENGTH, message=f"Titles are at most {TITLE_MAX_LENGTH} characters."
            ),
        ],
    )


CONTENT_WARNING_HELP = (
    "If the post may distress readers, say why here: the post is folded behind it."
)


def _content_warning(description: str = CONTENT_WARNING_HELP) -> StringField:
    return StringField(
        "Content warning (optional)",
        validators=[
            Optional(),
            Length(
                max=CONTENT_WARNING_MAX_LENGTH,
                message=f"Content warnings are at most {CONTENT_WARNING_MAX_LENGTH} characters.",
            ),
        ],
        description=description,
    )


class _IdentityForm(Form):
    identity = RadioField("Post as", validators=[DataRequired(message="Choose how you appear.")])
    accept_rules = BooleanField("I have read the space's updated rules and accept them")
    # Shown in a named space to whoever posted there under a pseudonym: ticked on each post.
    confirm_named = BooleanField("Post under my username")
    asks_to_confirm_named = False

    def offer_identities(
        self, space: Space, handles: dict[PersonaKind, str | None], username: str = ""
    ) -> None:
        """Offer the identities the space allows, pseudonym first; name existing handles. In a
        named space, ask a former pseudonym's author to confirm their username on the post."""
        self.asks_to_confirm_named = space.identity_mode == IdentityMode.NAMED and bool(
            handles.get(PersonaKind.PSEUDONYM)
        )
        self.confirm_named.label.text = f"Post under my username {username}"
        choices = []
        for kind in allowed_kinds(space):
            label = IDENTITY_LABELS[kind]
            if handles.get(kind):
                label += f" ({handles[kind]})"
            choices.append((kind.value, label))
        self.identity.choices = choices
        if not self.identity.data:
            self.identity.data = choices[0][0]

    def post_fields(self) -> dict:
        """What the posting use cases take from the form, beyond a thread's title."""
        return {
            "body": self.body.data,
            "kind": self.identity.data,
            "content_warning": self.content_warning.data or "",
            "accept_rules": self.accept_rules.data,
            "confirm_named": self.confirm_named.data,
        }


class NewThreadForm(_IdentityForm):
    title = _title()
    body = _body("Post", "Markdown works: **bold**, _italic_, links, lists.")
    content_warning = _content_warning()


class ReplyForm(_IdentityForm):
    body = _body("Your reply")
    content_warning = _content_warning()


class EditForm(Form):
    """No identity field: a post keeps the identity chosen when it was made."""

    body = _body("Post")
    content_warning = _content_warning(CONTENT_WARNING_HELP + " Leave it empty to remove one.")


class EditFirstPostForm(EditForm):
    title = _title()
