"""Sending notifications by mail: one mail each, or a daily digest; every row claimed first.

`send_due(now)` is one run of `flask --app wsgi notifications send` (cron or a systemd timer).
It commits as it goes, being a job: each claim, and each mail's outcome, is a transaction.

Which rows: mail_status WAITING and due (no mail_retry_at, or one that has passed). At send time
each is checked again: the account must still have an address, mail on and this kind by mail,
and the notification must be unread (what was read on the site needs no mail); else it is
SKIPPED. An account in daily mode gets one digest when its last was more than a day ago.

Claiming, so that two runs at once never send one mail twice: a run takes an account's due rows
with one conditional UPDATE that moves their mail_retry_at a lease ahead where they are still
due, RETURNING the ids it took, and commits before sending; another run's UPDATE then finds
them not due and takes nothing. A digest also claims the account's day: `digest_sent_at` moves
to now only where it is still more than a day old. A run that dies after claiming leaves its
rows WAITING with the lease as their retry time, so a later run sends them: a crash between the
server accepting a mail and our commit sends it twice, never zero times.

Failures: a mail the server refuses keeps its rows WAITING with one more attempt and a retry time
that backs off (5 minutes, doubling, at most 12 hours), and the run goes on with the next. A
connection that fails stops the run: the rows of the mail in hand are marked the same way, the
account's other claimed rows are released as they were, and nothing else is touched.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from forum import policy
from forum.extensions import db
from forum.mail import messages, transport
from forum.mail.transport import MailRefused, MailServerUnavailable
from forum.mail.unsubscribe import unsubscribe_token
from forum.models import MailMode, MailStatus, Notification, NotificationKind, Space, User
from forum.notifications.preferences import deliveries_of, is_mailed
from forum.notifications.queries import told
from forum.policy import Action

LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=12)
DIGEST_EVERY = timedelta(days=1)


@dataclass
class Run:
    """What one run did, for the command to print."""

    mails: int = 0
    notifications: int = 0
    refused: int = 0
    skipped: int = 0
    stopped: str | None = None  # why the run stopped before the end
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Sent {self.mails} mail{'' if self.mails == 1 else 's'} "
            f"({self.notifications} notification{'' if self.notifications == 1 else 's'}); "
            f"{self.refused} refused, to be retried; {self.skipped} skipped."
        )


def retry_delay(attempts: int) -> timedelta:
    """How long a notification waits after its `attempts`-th failed send."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _due(now: datetime):
    return Notification.mail_status == MailStatus.WAITING, or_(
        Notification.mail_retry_at.is_(None), Notification.mail_retry_at <= now
    )


def send_due(now: datetime) -> Run:
    """Mail every notification that is due, and say what was done."""
    run = Run()
    accounts = db.session.scalars(
        select(Notification.user_id).where(*_due(now)).distinct().order_by(Notification.user_id)
    ).all()
    if not accounts:
        return run
    smtp = None
    try:
        smtp = transport.connect()  # before any claim: a server that is down changes nothing
        for user_id in accounts:
            user = db.session.get(User, user_id)
            if user is not None:  # an account deleted since the listing took its rows along
                _send_to(smtp, user, now, run)
    except MailServerUnavailable as error:
        run.stopped = error.message
    finally:
        transport.close(smtp)
    return run


@dataclass(frozen=True)
class Claimed:
    """A notification this run took, as read when it took it."""

    id: int
    kind: NotificationKind
    space_id: int | None
    attempts: int
    read_at: datetime | None


def _send_to(smtp, user: User, now: datetime, run: Run) -> None:
    if user.mail_mode == MailMode.DAILY and not _digest_is_due(user, now):
        return
    wanted = _still_wanted(user, _claim(user.id, now), run)
    if not wanted:
        return
    policy.forget()  # told as the recipient may read it now, not as an earlier read found
    told_by_id = {item.id: item for item in told(user, [row.id for row in wanted])}
    token = unsubscribe_token(user)
    if user.mail_mode == MailMode.DAILY:
        _send_digest(smtp, user, wanted, told_by_id, token, now, run)
        return
    for index, row in enumerate(wanted):
        mail = messages.notification_mail(user.email, row.kind, told_by_id[row.id], token, now)
        try:
            _deliver(smtp, mail, [row], now, run)
        except MailServerUnavailable:
            _release(wanted[index + 1 :])
            raise


def _digest_is_due(user: User, now: datetime) -> bool:
    return user.digest_sent_at is None or user.digest_sent_at <= now - DIGEST_EVERY


def _write(*statements, returning: bool = False) -> list:
    """Run writes in a transaction of their own; with `returning`, return their RETURNING rows.

    The read before is committed first: on SQLite a transaction that has read cannot take the
    write lock once another run has written meanwhile, while one that starts with its write
    waits for the lock (busy timeout)."""
    db.session.commit()
    returned = []
    for statement in statements:
        result = db.session.execute(statement)
        if returning:
            returned += result.all()
    db.session.commit()
    return returned


def _claim(user_id: int, now: datetime) -> list[Claimed]:
    """Take the account's due rows for this run (see the module's docstring), oldest first."""
    taken = _write(
        update(Notification)
        .where(Notification.user_id == user_id, *_due(now))
        .values(mail_retry_at=now + LEASE)
        .returning(
            Notification.id,
            Notification.kind,
            Notification.space_id,
            Notification.mail_attempts,
            Notification.read_at,
        )
        .execution_options(synchronize_session=False),
        returning=True,
    )
    return sorted((Claimed(*row) for row in taken), key=lambda row: row.id)


def _set(rows: list[Claimed], **values):
    return (
        update(Notification)
        .where(Notification.id.in_([row.id for row in rows]))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _still_wanted(user: User, claimed: list[Claimed], run: Run) -> list[Claimed]:
    """The claimed rows the account still wants mailed; the others are SKIPPED."""
    if not claimed:
        return []
    deliveries = deliveries_of(user)
    wanted = [
        row for row in claimed if row.read_at is None and is_mailed(user, deliveries[row.kind])
    ]
    skipped = [row for row in claimed if row not in wanted]
    if skipped:
        _write(_set(skipped, mail_status=MailStatus.SKIPPED, mail_retry_at=None))
        run.skipped += len(skipped)
    return wanted


def _send_digest(smtp, user, wanted, told_by_id, token, now: datetime, run: Run) -> None:
    last_digest = user.digest_sent_at
    if not _claim_day(user.id, now):
        _release(wanted)  # another run sent today's digest meanwhile
        return
    by_id = {row.id: row for row in wanted}
    told_rows = [
        (by_id[item.id].space_id, by_id[item.id].kind, item) for item in told_by_id.values()
    ]
    groups = messages.digest_groups(told_rows, _readable_names(user, wanted))
    mail = messages.digest_mail(user.email, groups, token, now)
    try:
        sent = _deliver(smtp, mail, wanted, now, run)
    except MailServerUnavailable:
        _give_back_day(user.id, last_digest, now)
        raise
    if not sent:
        _give_back_day(user.id, last_digest, now)


def _claim_day(user_id: int, now: datetime) -> bool:
    """Take the account's digest of the day, unless another run took it since it was read."""
    taken = _write(
        update(User)
        .where(
            User.id == user_id,
            or_(User.digest_sent_at.is_(None), User.digest_sent_at <= now - DIGEST_EVERY),
        )
        .values(digest_sent_at=now)
        .returning(User.id)
        .execution_options(synchronize_session=False),
        returning=True,
    )
    return bool(taken)


def _give_back_day(user_id: int, last_digest: datetime | None, now: datetime) -> None:
    """The digest did not go: its day is the account's again, for the retry."""
    _write(
        update(User)
        .where(User.id == user_id, User.digest_sent_at == now)
        .values(digest_sent_at=last_digest)
        .execution_options(synchronize_session=False)
    )


def _readable_names(user: User, rows: list[Claimed]) -> dict[int, str]:
    """The names of the rows' spaces that the recipient may read now."""
    ids = {row.space_id for row in rows if row.space_id is not None}
    spaces = db.session.scalars(select(Space).where(Space.id.in_(ids))) if ids else []
    return {space.id: space.name for space in spaces if policy.can(user, Action.READ_SPACE, space)}


def _deliver(smtp, mail, rows: list[Claimed], now: datetime, run: Run) -> bool:
    """Send one mail about these rows and record on them how it went: True when sent."""
    try:
        transport.deliver(smtp, mail)
    except MailRefused as error:
        _failed(rows, now)
        run.refused += 1
        run.problems.append(f"{error.message} It will be retried (notifications {_ids(rows)}).")
        return False
    except MailServerUnavailable:
        _failed(rows, now)
        raise
    _write(_set(rows, mail_status=MailStatus.SENT, mailed_at=now, mail_retry_at=None))
    run.mails += 1
    run.notifications += len(rows)
    return True


def _ids(rows: list[Claimed]) -> str:
    return ", ".join(str(row.id) for row in rows)


def _failed(rows: list[Claimed], now: datetime) -> None:
    """One more failed attempt for each row, and a later retry (see retry_delay)."""
    _write(
        *(
            _set(
                [row],
                mail_attempts=row.attempts + 1,
                mail_retry_at=now + retry_delay(row.attempts + 1),
            )
            for row in rows
        )
    )


def _release(rows: list[Claimed]) -> None:
    """Give claimed rows back, due at once, as if this run had never taken them."""
    if rows:
        _write(_set(rows, mail_retry_at=None))
