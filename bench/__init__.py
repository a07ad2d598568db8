"""The benchmark behind `make bench`: seed a dataset, serve it with gunicorn, load it with wrk."""
