"""Work a worker does now and then before a request, at most once every so many seconds."""

import time

from flask import Flask, has_request_context, request

from forum.health import ENDPOINTS as HEALTH_CHECKS


def is_due(app: Flask, key: str, interval_seconds: int) -> bool:
    """Whether this process should do the work named `key` now (and note that it does): not
    when the interval is 0 (cron does it), the last time was under the interval ago, or the request
    is a health check."""
    if has_request_context() and request.endpoint in HEALTH_CHECKS:
        return False  # a health check touches no database
    moment = time.monotonic()
    last = app.extensions.get(key)
    if interval_seconds <= 0 or (last is not None and moment - last < interval_seconds):
        return False
    app.extensions[key] = moment
    return True
