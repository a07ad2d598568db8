"""Absolute links (invitations, and later e-mails), built from SITE_URL, never the Host header."""

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    """The page's full address on the configured site: a forged Host cannot redirect it."""
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)
