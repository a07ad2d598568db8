"""A short-lived cache of the pages signed-out visitors see, per worker process.

Every signed-out visitor without a session sees the same public page, so each worker keeps the
last rendering of each such page for a few seconds (Discourse's "anonymous cache", Varnish's
micro-caching). A page is stored only when the request carried no cookie, nobody was signed in,
the response is a plain 200 that sets no cookie and may be cached, so nothing personal and
nothing from a closed space is ever kept. Writes are never delayed: whoever writes is signed in
and bypasses the cache; a visitor may see a page up to ANON_CACHE_SECONDS old.
"""

import time
from collections import OrderedDict

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

MAX_ENTRIES = 500


class AnonymousPageCache:
    def __init__(self, seconds: float, max_entries: int = MAX_ENTRIES):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Response]] = OrderedDict()

    def get(self, key: str) -> Response | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, response: Response) -> None:
        self._entries[key] = (time.monotonic() + self.seconds, response)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


def init_app(app: Flask) -> None:
    """Serve and store signed-out visitors' pages, when ANON_CACHE_SECONDS is above zero."""
    if app.config["ANON_CACHE_SECONDS"] <= 0:
        return
    app.extensions["safe_spaces.anon_cache"] = AnonymousPageCache(app.config["ANON_CACHE_SECONDS"])
    app.before_request(serve_cached)
    app.after_request(store)


def _cache() -> AnonymousPageCache:
    return current_app.extensions["safe_spaces.anon_cache"]


def _cacheable_request() -> bool:
    return request.method == "GET" and not request.cookies and request.endpoint != "static"


def serve_cached() -> Response | None:
    if not _cacheable_request():
        return None
    cached = _cache().get(request.full_path)
    if cached is None:
        g.anon_cache_miss = True
        return None
    return Response(cached.get_data(), cached.status_code, headers=list(cached.headers))


def store(response: Response) -> Response:
    if not g.get("anon_cache_miss") or current_user.is_authenticated:
        return response
    cache_control = response.headers.get("Cache-Control", "")
    if (
        response.status_code != 200
        or session.modified  # the session cookie is added after this hook runs
        or "Set-Cookie" in response.headers
        or "no-store" in cache_control
        or "private" in cache_control
        or response.is_streamed
    ):
        return response
    stored = Response(response.get_data(), response.status_code, headers=list(response.headers))
    _cache().put(request.full_path, stored)
    return response
