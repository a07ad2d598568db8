"""The one base of refusals a person may read, and error pages in the site layout."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "You do not have permission to do that."),
    404: ("Not found", "There is nothing here. The link may be mistyped, or the page removed."),
    405: ("Method not allowed", "That address does not accept this kind of request."),
    410: ("Gone", "This is no longer available."),
    413: ("Too large", "What you sent is larger than this site accepts. Shorten it and try again."),
    429: ("Slow down", "Too many requests. Wait a little and try again."),
    500: ("Something went wrong", "The error was on our side and has been logged. Try again soon."),
}


class DomainError(Exception):
    """A use case refused. The message is fit to show the person who asked; `status` is the
    HTTP status a view answers with when it re-renders the form with the message."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        return str(self)

    @property
    def headers(self) -> dict[str, str]:
        """Headers the answer carries with the refusal (a rate limit's Retry-After)."""
        return {}


def init_app(app: Flask) -> None:
    """Render every HTTP error, including CSRF failures, with the site layout."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_http_error)


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """The error page for an HTTP status, with the default message or a more precise one."""
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
    # abort(403, reason) carries a refusal's own words; Werkzeug's stock texts are not shown.
    given = error.description if error.description != type(error).description else None
    body, code = render_error(code, given if code in (400, 403, 410) else None)
    response = error.get_response()
    response.set_data(body)
    response.mimetype = "text/html"
    return response
