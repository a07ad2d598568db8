"""The mail settings: checked when the app starts, and used by the sender."""

import pytest

from forum import create_app
from forum.models import NotificationKind
from tests.conftest import settings_for_tests
from tests.mail.conftest import mailed_notification


def test_an_unknown_smtp_security_is_refused_when_the_app_starts(database_uri):
    with pytest.raises(RuntimeError, match="SMTP_SECURITY must be none, starttls or tls"):
        create_app(settings_for_tests(database_uri) | {"SMTP_SECURITY": "ssl"})


def test_mail_from_names_the_sender_of_every_mail(app, mailbox, mail_reader, make_space):
    app.config["MAIL_FROM"] = "Harbour Forum <notices@harbour.example>"
    reader = mail_reader("mo_reader")
    mailed_notification(reader, NotificationKind.REPLY, space=make_space("talk"))
    assert app.test_cli_runner().invoke(args=["notifications", "send"]).exit_code == 0
    [mail] = mailbox.received
    assert mail.message["From"] == "Harbour Forum <notices@harbour.example>"
    assert mail.sender == "notices@harbour.example"
