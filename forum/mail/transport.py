"""The connection to the SMTP server that mails leave by, opened as the settings say."""

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

from forum.errors import DomainError

SECURITY_MODES = ("none", "starttls", "tls")
# "Service not available, closing transmission channel": the server is going away.
SERVER_CLOSING = 421


class MailRefused(DomainError):
    """The server refused this one message (its recipient, sender or content); others may pass."""


class MailServerUnavailable(DomainError):
    """The server cannot be reached, or dropped the connection: no mail can go this run."""


def check_security(mode: str) -> None:
    """Refuse an SMTP_SECURITY the sender would not know how to use, when the app starts."""
    if mode not in SECURITY_MODES:
        raise RuntimeError(f"SMTP_SECURITY must be none, starttls or tls, not {mode!r}")


def connect() -> smtplib.SMTP:
    """Open the configured server's connection, secured and signed in as the settings say."""
    config = current_app.config
    host, port, security = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_SECURITY"]
    smtp = None
    try:
        if security == "tls":
            smtp = smtplib.SMTP_SSL(
                host, port, timeout=config["SMTP_TIMEOUT"], context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=config["SMTP_TIMEOUT"])
            if security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
    except OSError as error:  # smtplib's own errors are OSErrors too
        close(smtp)
        raise MailServerUnavailable(
            f"Could not reach the mail server at {host}:{port} ({error})."
        ) from error
    return smtp


def deliver(smtp: smtplib.SMTP, message: EmailMessage) -> None:
    """Hand one message to the server: MailRefused when the server refuses this message,
    MailServerUnavailable when the connection fails (nothing more can go this run)."""
    try:
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if SERVER_CLOSING in codes:
            raise _unavailable(error) from error
        raise MailRefused(f"The mail server refused the recipient ({codes[0]}).") from error
    except smtplib.SMTPResponseException as error:  # the sender or the message refused
        if error.smtp_code == SERVER_CLOSING:
            raise _unavailable(error) from error
        raise MailRefused(f"The mail server refused the message ({error.smtp_code}).") from error
    except smtplib.SMTPNotSupportedError as error:  # an address it cannot take (SMTPUTF8)
        raise MailRefused(f"The mail server cannot take this message ({error}).") from error
    except OSError as error:  # disconnected, timed out, reset
        raise _unavailable(error) from error


def _unavailable(error: Exception) -> MailServerUnavailable:
    host, port = current_app.config["SMTP_HOST"], current_app.config["SMTP_PORT"]
    return MailServerUnavailable(f"The mail server at {host}:{port} went away ({error}).")


def close(smtp: smtplib.SMTP | None) -> None:
    """Say goodbye to the server, if it still listens."""
    if smtp is None:
        return
    try:
        smtp.quit()
    except OSError:
        smtp.close()
