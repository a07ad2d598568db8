"""gunicorn's settings for Safe Spaces: no client address in its log, and a start-up check."""

# gunicorn reads this file when started from the project's folder (or with -c gunicorn.conf.py).
# Command-line options override what is set here.

# No access log: the app writes one JSON line per request, without the client's address
# (LOG_CLIENT_ADDRESS). Whoever turns gunicorn's on (--access-logfile -) still gets no address:
# method, path without the query string, status, bytes and milliseconds.
accesslog = None
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"


def post_worker_init(worker) -> None:
    """Warn, once at start-up, when several workers would each count rate limits alone; then
    say the worker is ready (tests and operators wait for every worker's line)."""
    app = worker.wsgi
    # The first worker speaks for them all; the others, and later restarts, would repeat it.
    if worker.age == 1 and hasattr(app, "config"):
        from forum.workers import warn_if_limits_are_per_process

        warn_if_limits_are_per_process(app, worker.cfg.workers)
    worker.log.info("Worker ready (pid: %s)", worker.pid)
