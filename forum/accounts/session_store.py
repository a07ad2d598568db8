"""Flask's session: server-side for signed-in browsers, a small signed cookie for visitors.

A signed-in browser's cookie holds only a random id; its record (`BrowserSession`) is found by
that id's SHA-256 and holds the rest. A visitor never gets a record, so a GET by someone who
never signs in writes nothing: their cookie, signed like Flask's own, carries at most a CSRF
token and the messages waiting to be shown, and never an account. Flask-Session was not used:
its records know no account, so nobody could list or end their own sessions, and it writes a
record for any visitor whose session holds anything (the sign-in form's CSRF token).
"""

import hashlib
from datetime import UTC, datetime, timedelta
from functools import cache

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from sqlalchemy import Row, bindparam, select, update

from forum.extensions import db
from forum.models import BrowserSession, User
from forum.models.types import utcnow

# All a visitor's cookie may carry: Flask-WTF's CSRF secret and Flask's waiting messages.
VISITOR_KEYS = frozenset({"csrf_token", "_flashes"})
# Session ids are 43 characters (256 bits); a longer cookie is refused without a look-up.
SESSION_ID_MAX_LENGTH = 64


def hash_session_id(session_id: str) -> str:
    """The form of a session id the database keeps: the id itself carries 256 random bits."""
    return hashlib.sha256(session_id.encode()).hexdigest()


class ForumSession(SecureCookieSession):
    """A session: a visitor's (no `record_id`) or a signed-in browser's, tied to its record."""

    def __init__(self, initial=None):
        super().__init__(initial)
        self.record_id: int | None = None
        self.user: User | None = None
        self.session_id: str | None = None  # the cookie's value; known only to this request
        self.is_new = False  # started in this request: the cookie must be set
        self.is_stale = False  # last seen before today: record and cookie are renewed

    def attach(self, record_id: int, user: User, session_id: str, *, is_new: bool) -> None:
        """Tie the session to a record, as a sign-in does or as a request with its id finds."""
        self.record_id, self.user = record_id, user
        self.session_id, self.is_new = session_id, is_new

    def detach(self) -> None:
        """Forget everything and the record: the browser is a visitor again."""
        self.clear()
        self.record_id, self.user, self.session_id = None, None, None
        self.is_new = self.is_stale = False


def today():
    return utcnow().date()


class ServerSessionInterface(SecureCookieSessionInterface):
    session_class = ForumSession

    def open_session(self, app: Flask, request: Request) -> ForumSession:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or request.path.startswith(f"{app.static_url_path}/"):
            return ForumSession()
        if "." in value:  # signed, so a visitor's (a session id is URL-safe base64: no dots)
            return _visitor_part(super().open_session(app, request))
        record = (
            _live_record(value, app.config["SESSION_LIFETIME_DAYS"])
            if len(value) <= SESSION_ID_MAX_LENGTH
            else None
        )
        session = ForumSession()
        if record is None:
            session.modified = True  # an ended or expired id: the cookie is deleted
            return session
        session.update(self.serializer.loads(record.data))
        session.modified = False
        session.attach(record.id, record.User, value, is_new=False)
        session.is_stale = record.last_seen_on < today()
        return session

    def save_session(self, app: Flask, session: ForumSession, response: Response) -> None:
        if session.record_id is None:
            return super().save_session(app, _visitor_part(session), response)
        if session.accessed:
            response.vary.add("Cookie")
        if session.modified or session.is_stale:
            self._write_record(session)
        if session.is_new or session.is_stale:
            lifetime = timedelta(days=app.config["SESSION_LIFETIME_DAYS"])
            response.set_cookie(
                self.get_cookie_name(app),
                session.session_id,
                expires=datetime.now(UTC) + lifetime,
                httponly=True,
                secure=self.get_cookie_secure(app),
                samesite=self.get_cookie_samesite(app),
                path=self.get_cookie_path(app),
                domain=self.get_cookie_domain(app),
            )

    def _write_record(self, session: ForumSession) -> None:
        # The request has committed whatever it meant to; anything it left open was refused
        # and is rolled back (as the end of the request would), so only the session is written.
        db.session.rollback()
        values = {"data": self.serializer.dumps(dict(session))} if session.modified else {}
        if session.is_stale:
            values["last_seen_on"] = today()
        db.session.execute(
            update(BrowserSession).where(BrowserSession.id == session.record_id).values(values)
        )
        db.session.commit()


def _visitor_part(session: ForumSession) -> ForumSession:
    """Drop whatever a visitor's cookie may not carry (an account id above all)."""
    for key in set(session) - VISITOR_KEYS:
        del session[key]
    return session


@cache
def _live_record_statement():
    # Built once per process; the account is the one entity (it goes into the session's
    # identity map, so `current_user` needs nothing more), the record's fields plain columns.
    return (
        select(User, BrowserSession.id, BrowserSession.data, BrowserSession.last_seen_on)
        .join_from(BrowserSession, User, BrowserSession.user_id == User.id)
        .where(
            BrowserSession.id_hash == bindparam("id_hash"),
            BrowserSession.last_seen_on >= bindparam("oldest"),
        )
    )


def _live_record(session_id: str, lifetime_days: int) -> Row | None:
    """The record of a session id with its account (`User`), unless it ended or expired."""
    oldest = today() - timedelta(days=lifetime_days)
    parameters = {"id_hash": hash_session_id(session_id), "oldest": oldest}
    return db.session.execute(_live_record_statement(), parameters).one_or_none()


def init_app(app: Flask) -> None:
    """Keep the app's sessions server-side."""
    app.session_interface = ServerSessionInterface()
