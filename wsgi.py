"""Entry point for gunicorn and `flask --app wsgi`."""

import gc

from forum import create_app

app = create_app()
# What start-up made lives as long as the process: keep it out of the collector's full passes,
# which otherwise rescan all of it every hundred requests or so (docs/performance.md).
gc.freeze()
