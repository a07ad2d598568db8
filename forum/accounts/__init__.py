"""Accounts: registration, sign-in, server-side sessions, settings and recovery."""

from flask import Flask

from forum.accounts import session_store
from forum.extensions import login_manager


def init_app(app: Flask) -> None:
    """Register the account pages, the server-side sessions and Flask-Login's user loading."""
    from forum.accounts.sessions import current_session_user
    from forum.accounts.views import bp

    session_store.init_app(app)
    login_manager.init_app(app)
    # No "strong" protection: it keeps a hash of the address in the session. A session is a
    # server-side record its owner can see and end instead (accounts/sessions.py).
    login_manager.session_protection = None
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.request_loader(current_session_user)
    app.register_blueprint(bp)
