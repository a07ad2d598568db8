"""Settings: class defaults, then instance/config.py, then environment variables, then overrides."""

import os
import secrets
from pathlib import Path
from typing import get_type_hints
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url


class Config:
    """Every setting with its default; the README's settings table documents each one."""

    # Signs sessions and CSRF tokens. Unset: generated once and kept in instance/secret_key.
    SECRET_KEY: str = ""
    # SQLAlchemy URL. Unset: SQLite at instance/safe-spaces.sqlite3.
    DATABASE_URL: str = ""
    # flask-limiter storage: memory:// for one process, redis://host:port/db for several.
    RATELIMIT_STORAGE_URI: str = "memory://"
    # Prefix of the counters' keys in Redis: sites sharing one Redis each need their own.
    RATELIMIT_REDIS_PREFIX: str = "LIMITS"
    # Turns every rate limit off; for benchmarks and load tests only.
    RATELIMIT_ENABLED: bool = True
    # Sign-in attempts (and recovery-code attempts) per client address and per username.
    RATELIMIT_LOGIN_PER_ADDRESS: str = "10 per minute"
    RATELIMIT_LOGIN_PER_USERNAME: str = "5 per minute"
    # Sign-in and recovery attempts from a browser holding the account's device cookie, which
    # spends this budget of its own instead of the username's (so guessers cannot lock out).
    RATELIMIT_LOGIN_PER_DEVICE: str = "5 per minute"
    # New accounts made per client address, and failed registrations (a name taken, a weak
    # password) per address: a school behind one address makes typos, not accounts.
    RATELIMIT_REGISTER_PER_ADDRESS: str = "5 per hour"
    RATELIMIT_REGISTER_ATTEMPTS_PER_ADDRESS: str = "50 per hour"
    # New threads and replies per account; an account in its first day gets a third.
    RATELIMIT_NEW_THREAD: str = "5 per hour"
    RATELIMIT_NEW_THREAD_NEW_ACCOUNT: str = "2 per hour"
    RATELIMIT_REPLY: str = "20 per 10 minutes"
    RATELIMIT_REPLY_NEW_ACCOUNT: str = "7 per 10 minutes"
    # Edits of one's own posts per account (each keeps a revision).
    RATELIMIT_EDIT: str = "30 per 10 minutes"
    # Reports of posts per account.
    RATELIMIT_FLAG: str = "20 per hour"
    # Searches per account or address.
    RATELIMIT_SEARCH: str = "30 per minute"
    # Every other request, per account or address.
    RATELIMIT_DEFAULT: str = "300 per minute"
    # How long each worker may serve a signed-out visitor a page it rendered for another one,
    # in seconds (0 turns the cache off). Only public pages for cookie-less requests are kept.
    ANON_CACHE_SECONDS: int = 2
    # The most each worker's cache of visitors' pages holds, in bytes; a larger page is not kept.
    ANON_CACHE_MAX_BYTES: int = 16 * 1024 * 1024
    # Days between announcing a change that opens a space up (more visible, usernames shown, a
    # required label cleared or changed) and the change taking effect. 0: at once.
    SPACE_LOOSENING_NOTICE_DAYS: int = 7
    # How often each worker applies announced changes whose date has come, in seconds, on the
    # next request after that time; 0 leaves it to `flask spaces apply-due` run by cron.
    SPACE_CHANGES_CHECK_SECONDS: int = 60
    # How often each worker sends the events' due reminders (a day before), in seconds, on the
    # next request after that time; 0 leaves it to `flask events remind` run by cron.
    EVENT_REMINDERS_CHECK_SECONDS: int = 60
    # Minutes a moderator who opens a queue item holds it; others see it is being reviewed.
    QUEUE_CLAIM_MINUTES: int = 10
    # Days after a decision during which its author may appeal it (once).
    APPEAL_WINDOW_DAYS: int = 14
    # A site with a single admin lets that admin approve their own reveal of a pseudonym. Off:
    # a second, different admin must approve every reveal.
    REVEAL_WITHOUT_SECOND_ADMIN: bool = False
    # Send the session cookie over HTTPS only. Turn on whenever the site is served over HTTPS.
    SESSION_COOKIE_SECURE: bool = False
    # The site's address as people reach it: absolute links (invitations, mails) are built from it,
    # never from the Host header a request brings. Set it whenever the site is not local.
    SITE_URL: str = "http://127.0.0.1:5000"
    # Outgoing mail: notifications by mail, sent by `flask --app wsgi notifications send`.
    # The SMTP server; by default a relay on this machine.
    SMTP_HOST: str = "localhost"
    SMTP_PORT: int = 25
    # Sign in to the server with these when SMTP_USERNAME is set.
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    # none (a local relay), starttls (upgraded on connecting, port 587) or tls (port 465).
    SMTP_SECURITY: str = "none"
    # Seconds to wait for the server before giving up on this run.
    SMTP_TIMEOUT: int = 30
    # The mails' From address. Unset: "Safe Spaces <no-reply@" and the host of SITE_URL.
    MAIL_FROM: str = ""
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none).
    TRUSTED_PROXIES: int = 0
    # One JSON line per request on standard error (method, path, status, duration, pid).
    LOG_REQUESTS: bool = True
    # Add the client's address to each request's line; off, no log of the app holds one.
    LOG_CLIENT_ADDRESS: bool = False
    # Largest request body accepted, in bytes.
    MAX_CONTENT_LENGTH: int = 1024 * 1024
    # Where uploaded files are kept: local (a folder on this machine) or s3 (a bucket of an
    # S3-compatible object store, set with the S3_ settings below).
    STORAGE_BACKEND: str = "local"
    # The folder of the local backend. Unset: instance/uploads.
    STORAGE_PATH: str = ""
    # The s3 backend: the store's address (empty: AWS itself), its region, the bucket (required)
    # and a folder-like prefix of the keys in it.
    S3_ENDPOINT_URL: str = ""
    S3_REGION: str = "us-east-1"
    S3_BUCKET: str = ""
    S3_PREFIX: str = "uploads"
    # The s3 backend's credentials. Empty: boto3 finds its own (AWS_* variables, instance role).
    S3_ACCESS_KEY_ID: str = ""
    S3_SECRET_ACCESS_KEY: str = ""
    # Largest file a library resource may carry, in bytes (its upload alone may be this large).
    RESOURCE_MAX_BYTES: int = 10 * 1024 * 1024
    # Werkzeug password hash method; tests use a cheaper one.
    PASSWORD_HASH_METHOD: str = "scrypt"  # noqa: S105 (a method name, not a password)
    # Days a signed-in session lasts after the day it was last used; then it ends.
    SESSION_LIFETIME_DAYS: int = 30
    # Days a device cookie (a browser that signed in to an account) is honoured.
    DEVICE_COOKIE_DAYS: int = 365

    # Fixed settings of the extensions (not read from the environment).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "safe_spaces_session"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: no lost drafts
    RATELIMIT_HEADERS_ENABLED = False  # a limited request gets Retry-After from errors.py
    # When Redis stops answering, each worker counts in its own memory until it answers again:
    # limits loosen by the number of workers, but hold, and pages are served.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True


def environment_settings() -> dict:
    """Read every Config setting that has a type annotation from the environment."""
    found = {}
    for name, kind in get_type_hints(Config).items():
        raw = os.environ.get(name)
        if raw is None or raw == "":
            continue
        if kind is bool:
            found[name] = _parse_bool(name, raw)
        elif kind is int:
            try:
                found[name] = int(raw)
            except ValueError:
                raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from None
        else:
            found[name] = raw
    return found


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise RuntimeError(f"{name} must be true or false, not {raw!r}")


def database_uri(url: str, instance_path: str) -> str:
    """Turn DATABASE_URL into a SQLAlchemy URI, defaulting to SQLite in the instance folder."""
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "safe-spaces.sqlite3")
    # Hosting providers hand out postgres:// URLs; we use the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def check_site_url(url: str) -> str:
    """SITE_URL as links use it: an http(s) address with a host, no trailing slash."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise RuntimeError(f"SITE_URL must be an http:// or https:// address, not {url!r}")
    return url.rstrip("/")


def keep_private(instance_path: str, database_uri: str) -> None:
    """Make the instance folder and a SQLite database file readable by their owner only."""
    folder = Path(instance_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(folder)
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    database = Path(url.database)
    if not database.exists() and database.parent.is_dir():
        # SQLite gives its journal and WAL files the permissions of the database file.
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
    if database.exists():
        _owner_only(database)


def _owner_only(path: Path) -> None:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        path.chmod(mode & 0o700)


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, making it on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions so no other local account can forge sessions.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key
