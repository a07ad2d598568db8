"""Accounts: registration, sign-in sessions, settings and recovery."""

import hmac

from flask import Flask

from forum.extensions import db, login_manager
from forum.models import User


def init_app(app: Flask) -> None:
    """Register the account pages and the Flask-Login session handling."""
    from forum.accounts.views import bp

    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.register_blueprint(bp)


def load_user(session_id: str) -> User | None:
    """Load the account a session belongs to, unless its password changed since sign-in."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user
