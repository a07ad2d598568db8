"""Absolute links (invitations and mails), built from SITE_URL, never the Host header."""

from flask import current_app, has_request_context, url_for


def on_site(path: str) -> str:
    """A path's full address on the configured site."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def absolute_url(endpoint: str, **values) -> str:
    """The page's full address on the configured site: a forged Host cannot redirect it."""
    if has_request_context():
        return on_site(url_for(endpoint, **values))
    # A command (the mail sender) has no request to build from: the URL map alone gives the path.
    return on_site(current_app.url_map.bind("").build(endpoint, values))
