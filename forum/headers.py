"""Security and caching headers: added to every response, and the cache rules views apply."""

from flask import Flask, Response
from flask_login import current_user

from forum.models import Space, Visibility

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Lower-cased once: a view's own header of the same name wins.
_SECURITY_HEADERS_BY_KEY = [(name.lower(), name, value) for name, value in SECURITY_HEADERS.items()]


def init_app(app: Flask) -> None:
    """Add the security headers, and keep personalised pages out of shared caches."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    # One pass over the response's few headers: Headers.setdefault() and `in` look each name up
    # by raising and catching a KeyError when it is absent, as these nearly always are.
    present = {name.lower() for name, _ in response.headers}
    for key, name, value in _SECURITY_HEADERS_BY_KEY:
        if key not in present:
            response.headers.add(name, value)
    if current_user.is_authenticated and "cache-control" not in present:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def no_store(response: Response) -> Response:
    """Keep the response out of every cache, the browser's included (secrets, closed pages)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def private_to_space(response: Response, space: Space) -> Response:
    """Pages of non-public spaces must not linger in any cache, the browser's included."""
    if space.visibility != Visibility.PUBLIC:
        no_store(response)
    return response
