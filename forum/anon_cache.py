"""A short-lived cache of the pages signed-out visitors see, per worker process.

Every signed-out visitor without a session sees the same public page, so each worker keeps the
last rendering of each such page for a few seconds (Discourse's "anonymous cache", Varnish's
micro-caching). A page is stored only when the request carried no cookie, nobody was signed in,
the response is a plain 200 that sets no cookie and may be cached, so nothing personal and
nothing from a closed space is ever kept. Writes are never delayed: whoever writes is signed in
and bypasses the cache; a visitor may see a page up to ANON_CACHE_SECONDS old. The cache holds
at most ANON_CACHE_MAX_BYTES and MAX_ENTRIES pages, so a flood of distinct URLs (`/?x=1`,
`/?x=2`...) cannot fill a worker's memory.
"""

import time
from collections import OrderedDict
from typing import NamedTuple

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

MAX_ENTRIES = 500


class CachedPage(NamedTuple):
    expires_at: float
    body: bytes
    status: int
    headers: list[tuple[str, str]]

    @property
    def size(self) -> int:
        """Bytes the page holds: its body and its headers."""
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers)


class AnonymousPageCache:
    """Pages by URL, bounded in entries and in bytes; expired pages are dropped as they expire.

    Every page lives the same number of seconds and is stored at the end, so the oldest entry is
    always the first to expire and the first to go when the cache is full.
    """

    def __init__(self, seconds: float, max_bytes: int, max_entries: int = MAX_ENTRIES):
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.bytes_held = 0
        self._entries: OrderedDict[str, CachedPage] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> CachedPage | None:
        self._drop_expired()
        return self._entries.get(key)

    def put(self, key: str, body: bytes, status: int, headers: list[tuple[str, str]]) -> None:
        """Keep a page, unless it alone is larger than the cache may hold."""
        self._drop(key)
        page = CachedPage(time.monotonic() + self.seconds, body, status, headers)
        if page.size > self.max_bytes:
            return
        self._drop_expired()
        self._entries[key] = page
        self.bytes_held += page.size
        while len(self._entries) > self.max_entries or self.bytes_held > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop_expired(self) -> None:
        now = time.monotonic()
        while self._entries and next(iter(self._entries.values())).expires_at < now:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        page = self._entries.pop(key, None)
        if page is not None:
            self.bytes_held -= page.size


def init_app(app: Flask) -> None:
    """Serve and store signed-out visitors' pages, when ANON_CACHE_SECONDS is above zero."""
    if app.config["ANON_CACHE_SECONDS"] <= 0:
        return
    app.extensions["safe_spaces.anon_cache"] = AnonymousPageCache(
        app.config["ANON_CACHE_SECONDS"], app.config["ANON_CACHE_MAX_BYTES"]
    )
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
    return Response(cached.body, cached.status, headers=cached.headers)


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
    _cache().put(
        request.full_path, response.get_data(), response.status_code, list(response.headers)
    )
    return response
