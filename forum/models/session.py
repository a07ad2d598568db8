"""BrowserSession: one signed-in browser, found by the hash of the random id its cookie holds."""

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.user import User

# Browser families are a short fixed vocabulary ("Firefox on Android"), never a User-Agent.
BROWSER_MAX_LENGTH = 60


class BrowserSession(db.Model):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the cookie's random id: reading the database opens no session.
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Names the session in /settings forms; random, so it counts nobody's sign-ins.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Days, not times: enough to recognise a browser, too coarse to line up with activity.
    created_on: Mapped[date] = mapped_column(Date)
    # Updated at most once a day; sessions not seen for SESSION_LIFETIME_DAYS expire.
    last_seen_on: Mapped[date] = mapped_column(Date, index=True)
    browser: Mapped[str] = mapped_column(String(BROWSER_MAX_LENGTH))
    # What the session holds (CSRF token, messages to show, a code to show once), serialised
    # as Flask serialises its cookie sessions.
    data: Mapped[str] = mapped_column(Text, default="{}")

    user: Mapped[User] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<BrowserSession {self.id} of user {self.user_id}>"
