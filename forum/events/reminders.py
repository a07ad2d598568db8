"""Reminders a day before an event, told once to each accepted registrant.

`flask --app wsgi events remind` is meant for cron; each worker also looks now and then before a
request (EVENT_REMINDERS_CHECK_SECONDS), so a site without cron still reminds. An event is
claimed by one conditional UPDATE of its reminded_at, so two runs at once remind once.
"""

import logging
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from forum import periodic, policy
from forum.extensions import db
from forum.models import (
    Event,
    EventStatus,
    Notification,
    NotificationKind,
    Registration,
    RegistrationStatus,
)
from forum.models.types import utcnow
from forum.notifications.services import notify_many

REMIND_BEFORE = timedelta(days=1)
LAST_CHECK_KEY = "events.reminders_checked_at"

log = logging.getLogger(__name__)
events_cli = AppGroup("events", help="Events: reminders.")


def claim_reminder(event_id: int, now: datetime) -> bool:
    """Take the event's reminding on for this run: False when another run took it first."""
    return bool(
        db.session.execute(
            update(Event)
            .where(Event.id == event_id, Event.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def send_reminders(now: datetime) -> int:
    """Remind the accepted registrants of every event starting within a day that has not
    reminded them yet; commit each event on its own. Return how many people were told."""
    due = db.session.scalars(
        select(Event.id).where(
            Event.status == EventStatus.SCHEDULED,
            Event.reminded_at.is_(None),
            Event.starts_at > now,
            Event.starts_at <= now + REMIND_BEFORE,
        )
    ).all()
    told = 0
    for event_id in due:
        if not claim_reminder(event_id, now):
            db.session.rollback()
            continue  # another run took it
        event = db.session.get(Event, event_id)
        notify_many(
            select(Registration.user_id).where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.ACCEPTED,
            ),
            NotificationKind.EVENT_REMINDER,
            space=policy.event_space(event),
            event_id=event_id,
        )
        # Counted, not read from the INSERT's rowcount, which some drivers do not report.
        told += db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.event_id == event_id,
                Notification.kind == NotificationKind.EVENT_REMINDER,
            )
        )
        db.session.commit()
    return told


def remind_now_and_then() -> None:
    """Before a request, at most once every EVENT_REMINDERS_CHECK_SECONDS per process: send
    the reminders that are due. A failure is logged and never breaks the page."""
    app = current_app._get_current_object()
    if not periodic.is_due(app, LAST_CHECK_KEY, app.config["EVENT_REMINDERS_CHECK_SECONDS"]):
        return
    try:
        send_reminders(utcnow())
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not send the events' reminders")


@events_cli.command("remind")
def remind_command() -> None:
    """Remind accepted registrants of the events starting within a day (run it from cron)."""
    told = send_reminders(utcnow())
    click.echo(f"Reminded {told} registrant{'' if told == 1 else 's'}.")


def init_app(app: Flask) -> None:
    app.before_request(remind_now_and_then)
    app.cli.add_command(events_cli)
