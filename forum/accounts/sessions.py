"""Session use cases: sign a browser in or out, list a person's browsers, end some of them."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, g, request, session
from sqlalchemy import delete, select

from forum.accounts.browsers import browser_family
from forum.accounts.session_store import hash_session_id, today
from forum.extensions import db, login_manager
from forum.models import BrowserSession, User


@dataclass(frozen=True)
class SignedInBrowser:
    """One of a person's sessions, as /settings lists it."""

    public_id: str
    browser: str
    created_on: date
    last_seen_on: date
    is_current: bool

    @property
    def created(self) -> str:
        return describe_day(self.created_on)

    @property
    def last_seen(self) -> str:
        return describe_day(self.last_seen_on)


def describe_day(day: date) -> str:
    """A day as a person says it: "today", "yesterday", "3 November 2026" (days are UTC)."""
    if day == today():
        return "today"
    if day == today() - timedelta(days=1):
        return "yesterday"
    return f"{day.day} {day:%B %Y}"


def start_session(user: User) -> None:
    """Sign this browser in as `user` under a new session id and a new CSRF token, so that an
    id or token planted in the browser beforehand is worth nothing afterwards."""
    _purge_expired()
    session_id = secrets.token_urlsafe(32)
    record = BrowserSession(
        id_hash=hash_session_id(session_id),
        public_id=secrets.token_urlsafe(16),
        user_id=user.id,
        created_on=today(),
        last_seen_on=today(),
        browser=browser_family(request.user_agent.string),
    )
    db.session.add(record)
    db.session.flush()
    if session.record_id is not None:
        _delete(BrowserSession.id == session.record_id)
    session.detach()
    session.attach(record.id, user, session_id, is_new=True)
    # Flask-WTF keeps this request's token in g and makes one only when the session has none;
    # made now, it is never written again on a later page.
    g.pop("csrf_token", None)
    session["csrf_token"] = secrets.token_hex(32)
    _set_current_user(user)


def end_session() -> None:
    """Sign this browser out: its record goes, so a copy of its cookie opens nothing."""
    if session.record_id is not None:
        _delete(BrowserSession.id == session.record_id)
    session.detach()
    g.pop("csrf_token", None)
    _set_current_user(None)


def end_sessions_of(user: User, *, keep_current: bool = False) -> None:
    """End every session of the account, or every one but this browser's."""
    condition = BrowserSession.user_id == user.id
    if keep_current and session.record_id is not None:
        condition &= BrowserSession.id != session.record_id
    _delete(condition)


def end_session_of(user: User, public_id: str) -> bool:
    """End one of the account's sessions; False when it has none by that id (another person's
    included, so nobody can end or even detect someone else's session)."""
    record = db.session.scalar(
        select(BrowserSession).where(
            BrowserSession.public_id == public_id, BrowserSession.user_id == user.id
        )
    )
    if record is None:
        return False
    if record.id == session.record_id:
        end_session()
    else:
        _delete(BrowserSession.id == record.id)
    return True


def signed_in_browsers(user: User) -> list[SignedInBrowser]:
    """The account's live sessions, most recently seen first, this browser's marked."""
    records = db.session.scalars(
        select(BrowserSession)
        .where(BrowserSession.user_id == user.id, BrowserSession.last_seen_on >= _oldest_live())
        .order_by(BrowserSession.last_seen_on.desc(), BrowserSession.id.desc())
    )
    return [
        SignedInBrowser(
            record.public_id,
            record.browser,
            record.created_on,
            # This browser is in use now, whatever the record says before the request ends.
            today() if record.id == session.record_id else record.last_seen_on,
            record.id == session.record_id,
        )
        for record in records
    ]


def current_session_user(_request=None) -> User | None:
    """The account this browser's session belongs to (Flask-Login's request loader)."""
    return session.user


def _set_current_user(user: User | None) -> None:
    # Flask-Login's login_user() would write its own keys into the session, among them a hash
    # of the address; only its per-request cache of the user is wanted here.
    login_manager._update_request_context_with_user(user)


def _oldest_live() -> date:
    return today() - timedelta(days=current_app.config["SESSION_LIFETIME_DAYS"])


def _purge_expired() -> None:
    _delete(BrowserSession.last_seen_on < _oldest_live())


def _delete(condition) -> None:
    db.session.execute(delete(BrowserSession).where(condition))
