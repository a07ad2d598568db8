"""Error pages in the site layout, for every error a visitor can meet."""

import math
import time

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from forum.limits import current_limiter, describe_wait

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "You do not have permission to do that."),
    404: ("Not found", "There is nothing here. The link may be mistyped, or the page removed."),
    405: ("Method not allowed", "That address does not accept this kind of request."),
    413: ("Too large", "What you sent is larger than this site accepts. Shorten it and try again."),
    429: ("Slow down", "Too many requests. Wait a little and try again."),
    500: ("Something went wrong", "The error was on our side and has been logged. Try again soon."),
}


def init_app(app: Flask) -> None:
    """Render every HTTP error, including CSRF failures, with the site layout."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_http_error)


def render_error(code: int, message: str | None = None):
    title, default_message = MESSAGES.get(code, (str(code), "Something went wrong."))
    body = render_template(
        "errors/error.html", code=code, title=title, message=message or default_message
    )
    return body, code


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        "This form had expired or came from another site, so it was not sent. "
        "Go back, reload the page and send it again.",
    )


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if code < 400:  # routing redirects travel as exceptions too
        return error
    if code == 429:
        return _rate_limited_page()
    body, code = render_error(code)
    response = error.get_response()
    response.set_data(body)
    response.mimetype = "text/html"
    return response


def _rate_limited_page():
    retry_after = _seconds_until_reset()
    body, code = render_error(429, f"Too many requests. Try again in {describe_wait(retry_after)}.")
    return body, code, {"Retry-After": str(retry_after)}


def _seconds_until_reset() -> int:
    breached = current_limiter().current_limit
    if breached is None:
        return 60
    return max(1, math.ceil(breached.reset_at - time.time()))
