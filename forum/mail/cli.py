"""`flask --app wsgi notifications send`: mail what is due, for cron or a systemd timer."""

import click
from flask.cli import AppGroup

from forum.mail.sender import send_due
from forum.models.types import utcnow

notifications_cli = AppGroup("notifications", help="Send notifications by mail.")


@notifications_cli.command("send")
def send():
    """Mail every notification that is due: one mail each, or a daily digest."""
    run = send_due(utcnow())
    for problem in run.problems:
        click.echo(problem, err=True)
    click.echo(run.summary())
    if run.stopped:
        raise click.ClickException(
            f"{run.stopped} The mails not sent wait for the next run; nothing is lost."
        )
