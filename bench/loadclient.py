"""The load test's browsers: an HTTP client per person or bot, and tallies of what came back."""

import http.client
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.run import USER_AGENT
from bench.servers import HOST

TIMEOUT = 30.0  # seconds a request may take before it counts as unanswered
OUTCOMES = ("2xx/3xx", "429", "other 4xx", "5xx", "no answer")


def outcome(status: int) -> str:
    """The column of the report a status falls in (0: no answer at all)."""
    if status == 0:
        return "no answer"
    if status == 429:
        return "429"
    if 400 <= status < 500:
        return "other 4xx"
    if status >= 500:
        return "5xx"
    return "2xx/3xx"


@dataclass
class Answer:
    status: int
    body: str = ""
    location: str = ""
    seconds: float = 0.0


class Browser:
    """Cookies and an address (X-Forwarded-For, which the app trusts with TRUSTED_PROXIES=1).

    `address` is a fixed address, or a function giving one per request (a botnet).
    """

    def __init__(self, port: int, address: str | Callable[[], str]):
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        return self.request("POST", path, urlencode(fields))

    def request(self, method: str, path: str, body: str | None = None) -> Answer:
        address = self.address() if callable(self.address) else self.address
        headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            return Answer(0, seconds=time.monotonic() - started)
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        location = urlsplit(response.getheader("Location", "")).path
        return Answer(response.status, text, location, time.monotonic() - started)


class FormFields(HTMLParser):
    """The CSRF token of a page, and the identity a reply form offers first (or has checked)."""

    def __init__(self, html: str):
        super().__init__()
        self.csrf_token = ""
        self.identity = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag != "input":
            return
        if values.get("name") == "csrf_token" and not self.csrf_token:
            self.csrf_token = values.get("value") or ""
        if values.get("name") == "identity" and (not self.identity or "checked" in values):
            self.identity = values.get("value") or ""


def botnet_address(rng: random.Random) -> Callable[[], str]:
    """A new address from 10.0.0.0/8 for every request, as a botnet's would be."""
    return lambda: f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


@dataclass
class Tally:
    """What one kind of request got back: counts by outcome, and the time each answer took."""

    sent: int = 0
    outcomes: Counter = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, answer: Answer) -> None:
        with self.lock:
            self.sent += 1
            self.outcomes[outcome(answer.status)] += 1
            self.seconds.append(answer.seconds)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
