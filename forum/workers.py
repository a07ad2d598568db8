"""What running in several worker processes asks of the settings: a warning when it is unmet."""

from flask import Flask

WARNING = (
    "RATELIMIT_STORAGE_URI is %s but %d worker processes serve this site: each counts in its "
    "own memory, so every rate limit lets through %d times what it says. Point "
    "RATELIMIT_STORAGE_URI at a Redis every worker shares (redis://host:6379/0)."
)


def limits_are_per_process(app: Flask) -> bool:
    """Whether each process keeps its own rate-limit counters (an app without limits, such as
    the benchmark's bare ceiling, keeps none)."""
    return bool(app.config.get("RATELIMIT_ENABLED")) and str(
        app.config.get("RATELIMIT_STORAGE_URI", "")
    ).startswith("memory://")


def warn_if_limits_are_per_process(app: Flask, workers: int) -> bool:
    """Log a warning, and say so, when several workers each count rate limits in memory."""
    if workers <= 1 or not limits_are_per_process(app):
        return False
    app.logger.warning(WARNING, app.config["RATELIMIT_STORAGE_URI"], workers, workers)
    return True
