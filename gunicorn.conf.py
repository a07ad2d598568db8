"""gunicorn's settings for Safe Spaces: no client address in its log, and a start-up check."""

# gunicorn reads this file when started from the project's folder (or with -c gunicorn.conf.py).
# Command-line options override what is set here.

# No access log: the app writes one JSON line per request, without the client's address
# (LOG_CLIENT_ADDRESS). Whoever turns gunicorn's on (--access-logfile -) still gets no address:
# method, path without the query string, status, bytes and milliseconds.
accesslog = None
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"


def post_worker_init(worker) -> None:
    """Warn, once at start-up, when several workers would each count rate limits alone."""
    if worker.age != 1:  # the first worker speaks for them all; later ones would repeat it
        return
    from forum.workers import warn_if_limits_are_per_process

    app = worker.wsgi
    if hasattr(app, "config"):
        warn_if_limits_are_per_process(app, worker.cfg.workers)
