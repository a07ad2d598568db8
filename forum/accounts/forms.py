"""Account forms: they parse and bound the input; the rules live in rules.py and services.py."""

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from forum import zones
from forum.accounts.rules import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from forum.forms import Form
from forum.models.user import USERNAME_MAX_LENGTH

_password_bounds = Length(max=PASSWORD_MAX_LENGTH)


class RegisterForm(Form):
    username = StringField(
        "Username",
        validators=[
            DataRequired(),
            Length(max=USERNAME_MAX_LENGTH, message="Usernames are 3 to 30 characters long."),
        ],
        description="3–30 letters, digits, _ or -. Shown on posts you make under your name.",
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), _password_bounds],
        description=f"At least {PASSWORD_MIN_LENGTH} characters. A few unrelated words work well.",
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )
    email = EmailField(
        "E-mail (optional)",
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
        description="Only for notices you ask for. You can join without one.",
    )
    # The honeypot: hidden from people (templates/accounts/register.html), filled by naive bots
    # that fill every field. Its name is one such bots know; the label tells anyone who meets it.
    website = StringField("Leave this field empty", validators=[Length(max=200)])

    def is_from_a_bot(self) -> bool:
        """Whether the field no person sees was filled in."""
        return bool((self.website.data or "").strip())


class LoginForm(Form):
    username = StringField("Username", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("Password", validators=[DataRequired(), _password_bounds])


class RecoverForm(Form):
    username = StringField("Username", validators=[DataRequired(), Length(max=200)])
    recovery_code = StringField(
        "Recovery code",
        validators=[DataRequired(), Length(max=100)],
        description="The code you were given when you registered or last recovered the account.",
    )
    password = PasswordField(
        "New password",
        validators=[DataRequired(), _password_bounds],
        description=f"At least {PASSWORD_MIN_LENGTH} characters.",
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), _password_bounds]
    )
    password = PasswordField(
        "New password",
        validators=[DataRequired(), _password_bounds],
        description=f"At least {PASSWORD_MIN_LENGTH} characters. Other sessions are signed out.",
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class EmailForm(Form):
    email = EmailField(
        "E-mail",
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
        description="Leave empty to remove your address.",
    )


class TimeZoneForm(Form):
    time_zone = SelectField(
        "Time zone",
        choices={"": "The event's own zone"} | {name: name for name in zones.zone_names()},
        validate_choice=True,
        description="Event times are shown in this zone. Nobody else sees it.",
    )


class RenewRecoveryCodeForm(Form):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), _password_bounds]
    )
