"""`flask --app wsgi notifications send` against a real SMTP server on loopback: one mail per
notification or a daily digest, headers and links, re-checks at send time, refusals, a server
that is down or goes away, and two runs at once."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bench.servers import free_port
from forum.extensions import db
from forum.mail import sender
from forum.models import (
    Delivery,
    MailMode,
    MailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    User,
)
from forum.models.types import utcnow
from tests.factories import first_post, reply, start_thread
from tests.mail.conftest import SITE_URL, mailed_notification, told_of_reply
from tests.threads.test_query_counts import limits_off


def send(app):
    """One run of the command, as cron starts it."""
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    db.session.rollback()  # a new snapshot: the run wrote in sessions of its own
    return result


def fetched(notification: Notification) -> Notification:
    return db.session.get(Notification, notification.id)


@pytest.fixture
def replied(make_space, mail_reader, make_user):
    """A thread by a reader who gets mail at once, and a reply to it by someone else."""

    def build(space_kind: str = "public", reader: User | None = None, slug: str = "talk"):
        reader = reader or mail_reader("rosa_reader")
        space = make_space(slug, kind=space_kind)
        from tests.factories import add_member

        add_member(space, reader)
        answerer = make_user(f"{slug}_answerer")
        add_member(space, answerer)
        thread = start_thread(reader, space, title="Where do we meet on Thursday")
        answer = reply(answerer, first_post(thread), "The library, room four, at six.")
        notification = told_of_reply(reader, answer)
        return reader, space, answer, notification

    return build


def test_an_immediate_mail_arrives_with_its_headers_and_links_from_site_url(app, mailbox, replied):
    reader, _, answer, notification = replied()
    result = send(app)
    assert result.exit_code == 0, result.output
    assert "Sent 1 mail" in result.output

    [mail] = mailbox.received
    assert mail.to == reader.email
    message = mail.message
    assert message["To"] == reader.email
    assert message["From"] == "Safe Spaces <no-reply@forum.example.org>"
    assert message["Subject"].startswith("[Safe Spaces] ")
    assert message["Date"] and message["Message-ID"].endswith("@forum.example.org>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(rf"<{SITE_URL}/unsubscribe/[\w.-]+>", message["List-Unsubscribe"].strip())
    assert message.get_content_type() == "text/plain"
    # Every link leads to the configured site; the one to follow, to the reply itself.
    links = re.findall(r"https?://\S+", mail.body)
    assert links and all(link.startswith(SITE_URL + "/") for link in links)
    assert f"{SITE_URL}/p/{answer.public_id}" in links
    assert f"{SITE_URL}/unsubscribe/" in mail.body

    sent = fetched(notification)
    assert sent.mail_status == MailStatus.SENT and sent.mailed_at is not None
    assert send(app).exit_code == 0
    assert len(mailbox.received) == 1, "a sent notification was mailed again"


def test_immediate_mode_sends_one_mail_per_notification(app, mailbox, replied, make_user):
    reader, space, answer, _ = replied()
    for _ in range(2):
        mailed_notification(reader, NotificationKind.MENTION, space=space, post=answer)
    assert send(app).exit_code == 0
    assert len(mailbox.to(reader.email)) == 3


def test_nothing_due_sends_nothing_and_says_so(app, mailbox):
    result = send(app)
    assert result.exit_code == 0
    assert "Sent 0 mails" in result.output
    assert mailbox.received == []


def test_a_daily_digest_groups_by_space_and_kind(app, mailbox, make_space, mail_reader, make_user):
    reader = mail_reader("dora_daily", MailMode.DAILY)
    from tests.factories import add_member

    spaces = [
        make_space(slug, kind="public", name=name)
        for slug, name in (("harbour", "Harbour Commons"), ("orchard", "Orchard Circle"))
    ]
    answerer = make_user("ari_answerer")
    with limits_off():
        posts = {}
        for space in spaces:
            add_member(space, reader)
            add_member(space, answerer)
            thread = start_thread(reader, space)
            posts[space.slug] = reply(answerer, first_post(thread))
    harbour, orchard = spaces  # each reply told the reader once already
    for _ in range(2):
        mailed_notification(reader, NotificationKind.REPLY, space=harbour, post=posts["harbour"])
    mailed_notification(reader, NotificationKind.MENTION, space=harbour, post=posts["harbour"])
    mailed_notification(reader, NotificationKind.REPLY, space=orchard, post=posts["orchard"])

    assert send(app).exit_code == 0
    [digest] = mailbox.received
    assert "6 notifications" in digest.message["Subject"]
    body = digest.body
    for heading in (
        "3 new replies in Harbour Commons",
        "1 mention of you in Harbour Commons",
        "2 new replies in Orchard Circle",
    ):
        assert heading in body
    assert body.count(f"{SITE_URL}/p/{posts['harbour'].public_id}") == 4
    statuses = db.session.scalars(select(Notification.mail_status)).all()
    assert statuses == [MailStatus.SENT] * 6
    assert db.session.get(User, reader.id).digest_sent_at is not None

    # What comes later waits for the next day's digest.
    later = mailed_notification(
        reader, NotificationKind.REPLY, space=orchard, post=posts["orchard"]
    )
    assert send(app).exit_code == 0
    assert len(mailbox.received) == 1
    assert fetched(later).mail_status == MailStatus.WAITING
    sender.send_due(utcnow() + timedelta(days=1, minutes=1))
    db.session.rollback()  # a new snapshot: the run wrote in sessions of its own
    assert len(mailbox.received) == 2
    assert "1 new reply in Orchard Circle" in mailbox.received[1].body
    assert fetched(later).mail_status == MailStatus.SENT


@pytest.mark.parametrize(
    "change",
    ["mail turned off", "address removed", "kind set to the app only", "read on the site"],
)
def test_what_the_account_no_longer_wants_mailed_is_skipped(app, mailbox, replied, change):
    reader, _, _, notification = replied()
    account = db.session.get(User, reader.id)
    if change == "mail turned off":
        account.mail_mode = MailMode.OFF
    elif change == "address removed":
        account.email = None
    elif change == "kind set to the app only":
        db.session.add(
            NotificationPreference(
                user_id=reader.id, kind=NotificationKind.REPLY, delivery=Delivery.APP
            )
        )
    else:
        fetched(notification).read_at = utcnow()
    db.session.commit()

    result = send(app)
    assert result.exit_code == 0
    assert "1 skipped" in result.output
    assert mailbox.received == []
    assert fetched(notification).mail_status == MailStatus.SKIPPED


def test_a_refused_recipient_is_retried_later_and_the_others_are_sent(
    app, mailbox, replied, mail_reader
):
    refused_reader, _, _, refused = replied()
    other_reader = mail_reader("otto_other")
    _, _, _, accepted = replied(reader=other_reader, slug="second")
    mailbox.refuse.add(refused_reader.email)

    result = send(app)
    assert result.exit_code == 0, result.output  # a refusal is the message's, not the run's
    assert "1 refused" in result.output
    assert [mail.to for mail in mailbox.received] == [other_reader.email]
    assert fetched(accepted).mail_status == MailStatus.SENT
    waiting = fetched(refused)
    assert waiting.mail_status == MailStatus.WAITING
    assert waiting.mail_attempts == 1
    assert timedelta(minutes=4) < waiting.mail_retry_at - utcnow() <= timedelta(minutes=5)

    # Not before its retry time, even when the server would take it now.
    mailbox.refuse.clear()
    assert send(app).exit_code == 0
    assert len(mailbox.received) == 1
    run = sender.send_due(utcnow() + timedelta(minutes=6))
    db.session.rollback()  # a new snapshot: the run wrote in sessions of its own
    assert run.mails == 1
    assert mailbox.received[-1].to == refused_reader.email
    assert fetched(refused).mail_status == MailStatus.SENT


def test_retries_back_off_up_to_half_a_day():
    delays = [sender.retry_delay(attempts) for attempts in range(1, 12)]
    assert delays[:3] == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20)]
    assert delays[-1] == timedelta(hours=12)
    assert delays == sorted(delays)


def test_a_server_that_is_down_stops_the_run_and_loses_nothing(app, mailbox, replied):
    _, _, _, notification = replied()
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    result = send(app)
    assert result.exit_code == 1
    assert "Could not reach the mail server at 127.0.0.1" in result.output
    assert "wait for the next run" in result.output
    kept = fetched(notification)
    assert (kept.mail_status, kept.mail_attempts, kept.mail_retry_at) == (
        MailStatus.WAITING,
        0,
        None,
    )


def test_a_server_that_goes_away_mid_run_marks_only_the_mail_in_hand(
    app, mailbox, replied, mail_reader
):
    readers = [mail_reader(name) for name in ("ada_first", "bea_second", "cy_third")]
    made = [replied(reader=reader, slug=f"s{n}") for n, reader in enumerate(readers)]
    notifications = [notification for *_, notification in made]
    _, space, answer, _ = made[1]
    behind = mailed_notification(readers[1], NotificationKind.MENTION, space=space, post=answer)
    mailbox.close_on.add(readers[1].email)

    result = send(app)
    assert result.exit_code == 1
    assert "went away" in result.output
    first, second, third = (fetched(notification) for notification in notifications)
    assert first.mail_status == MailStatus.SENT
    assert (second.mail_status, second.mail_attempts) == (MailStatus.WAITING, 1)
    assert second.mail_retry_at > utcnow()
    for untouched in (third, fetched(behind)):  # another account's; the same account's next
        assert (untouched.mail_status, untouched.mail_attempts, untouched.mail_retry_at) == (
            MailStatus.WAITING,
            0,
            None,
        )


def test_a_row_another_run_holds_is_not_sent_until_its_claim_lapses(app, mailbox, replied):
    """A run that claimed a row and died leaves it to a later run, never to none."""
    reader, _, _, notification = replied()
    now = utcnow()
    assert [row.id for row in sender._claim(reader.id, now)] == [notification.id]
    assert sender.send_due(now).mails == 0
    assert mailbox.received == []
    assert sender.send_due(now + sender.LEASE + timedelta(seconds=1)).mails == 1
    assert len(mailbox.received) == 1


def test_of_two_runs_claiming_one_digest_day_only_the_first_wins(app, mail_reader):
    reader = mail_reader("dee_daily", MailMode.DAILY)
    now = utcnow()
    assert sender._claim_day(reader.id, now)
    assert not sender._claim_day(reader.id, now)
    assert sender._claim_day(reader.id, now + sender.DIGEST_EVERY)


def test_two_runs_at_once_send_each_mail_once(app, mailbox, mail_reader, replied, make_user):
    readers = [mail_reader(f"reader_{n}") for n in range(4)]
    made = [replied(reader=reader, slug=f"space{n}") for n, reader in enumerate(readers)]
    for reader, space, answer, _ in made:
        for _ in range(4):
            mailed_notification(reader, NotificationKind.MENTION, space=space, post=answer)
    daily = mail_reader("dee_daily", MailMode.DAILY)
    _, space, answer, _ = replied(reader=daily, slug="daily")
    mailed_notification(daily, NotificationKind.MENTION, space=space, post=answer)
    total = db.session.query(Notification).count()

    barrier = threading.Barrier(2)
    runs, errors = [], []

    def run_once():
        with app.app_context():
            barrier.wait()
            try:
                runs.append(sender.send_due(utcnow()))
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=run_once) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    assert sum(run.notifications for run in runs) == total
    assert len(mailbox.received) == total - 1  # the daily reader's two come in one digest
    assert len(mailbox.to(daily.email)) == 1
    db.session.rollback()  # a new snapshot: the run wrote in sessions of its own
    assert set(db.session.scalars(select(Notification.mail_status))) == {MailStatus.SENT}
