"""The request log: one JSON line per request on standard error, with no client address."""

import json
import logging
import os
import sys
import time

from flask import Flask, Response, current_app, g, request

from forum.limits import client_address

LOGGER_NAME = "safe_spaces.requests"


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (a test may swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def init_app(app: Flask) -> None:
    """Time every request and log one line for it, when LOG_REQUESTS is on."""
    if not app.config["LOG_REQUESTS"]:
        return
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.INFO)
    # One handler for the process, however many apps it builds (tests build one per test).
    if not any(isinstance(handler, _Stderr) for handler in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    app.before_request(_start_clock)
    app.after_request(_log_request)


def _start_clock() -> None:
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    elapsed = None if started is None else round((time.perf_counter() - started) * 1000, 1)
    line = {
        "method": request.method,
        # The path alone: a query string may carry what someone searched for.
        "path": request.path,
        "status": response.status_code,
        "duration_ms": elapsed,
        "pid": os.getpid(),
    }
    if current_app.config["LOG_CLIENT_ADDRESS"]:
        line["client"] = client_address()
    logging.getLogger(LOGGER_NAME).info(json.dumps(line, separators=(",", ":")))
    return response
