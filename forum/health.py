"""Health checks for the proxy and for orchestration: /healthz (alive) and /readyz (ready)."""

from flask import Blueprint, Flask, current_app, jsonify, request
from sqlalchemy import text

from forum.extensions import db
from forum.limits import current_limiter

bp = Blueprint("health", __name__)

# Endpoints that ask nothing of the database before answering: the periodic work before a
# request, the page cache and the rate limits leave them alone.
ENDPOINTS = frozenset({"health.healthz", "health.readyz"})


def init_app(app: Flask) -> None:
    """Register the two checks, neither limited nor cached."""
    app.register_blueprint(bp)
    app.extensions["safe_spaces.limiter"].request_filter(_is_health_check)


def _is_health_check() -> bool:
    return request.endpoint in ENDPOINTS


@bp.route("/healthz")
def healthz():
    """The process is alive and answers: no database, no Redis."""
    return _answer({"status": "ok"}, 200)


@bp.route("/readyz")
def readyz():
    """The database and the rate-limit storage answer; 503 names the one that does not."""
    checks = {"database": _database_answers(), "ratelimit_storage": _storage_answers()}
    ready = all(checks.values())
    body = {"status": "ok" if ready else "unavailable"}
    body |= {name: "ok" if answered else "unavailable" for name, answered in checks.items()}
    return _answer(body, 200 if ready else 503)


def _database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure means not ready; the reason goes to the log, not the page
        current_app.logger.exception("readyz: the database does not answer")
        db.session.rollback()
        return False
    return True


def _storage_answers() -> bool:
    # memory:// always answers; Redis answers a PING.
    if current_limiter().storage.check():
        return True
    current_app.logger.warning("readyz: the rate-limit storage does not answer")
    return False


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
