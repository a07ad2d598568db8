"""What browser tests share: optional imports, the page watcher and steps a person takes."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

try:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, expect
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the `browser` fixture skips, or fails under CI, with the reason
    BrowserContext = ConsoleMessage = Page = Request = expect = None
    PlaywrightError = Exception

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # the `axe` fixture skips, or fails under CI, with the reason
    Axe = None

__all__ = [
    "Axe",
    "Page",
    "PageWatch",
    "PlaywrightError",
    "axe_violations",
    "describe_violations",
    "expect",
    "sign_in",
]

# Reports `securitypolicyviolation` events to Python. Init scripts and bindings come in through
# the DevTools protocol, so the page's own Content-Security-Policy does not block them.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""

# Lets events that the page has queued (a CSP violation is reported in a task of its own) reach
# Python before the context closes.
FLUSH_EVENTS = "() => new Promise((resolve) => setTimeout(resolve, 20))"


@dataclass
class PageWatch:
    """Collects what must fail a browser test: console errors, page errors, CSP violations and
    requests to any host but the live server's."""

    origin: str
    problems: list[str] = field(default_factory=list)
    allowed_console_errors: list[re.Pattern] = field(default_factory=list)

    def allow_console_error(self, pattern: str) -> None:
        """Accept console errors matching `pattern` (a regex), such as a 404 page's own status."""
        self.allowed_console_errors.append(re.compile(pattern))

    def attach(self, context: "BrowserContext") -> None:
        context.expose_binding("__reportCspViolation", self._on_csp_violation)
        context.add_init_script(CSP_REPORTER)
        context.on("request", self._on_request)
        # Nothing leaves this machine: a request to another host is recorded, then aborted.
        context.route(self.is_foreign, lambda route: route.abort("blockedbyclient"))
        context.on("page", self._watch_page)

    def _watch_page(self, page: "Page") -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught page error: {error}"))
        page.on("crash", lambda _page: self.problems.append("the page crashed"))
        page.on("websocket", self._on_websocket)

    def is_foreign(self, url: str) -> bool:
        """True for an http(s) or ws(s) URL on any origin but the live server's."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ws", "wss"):
            return False  # data:, blob:, about:; the CSP decides whether those may load
        scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
        return f"{scheme}://{parts.netloc}" != self.origin

    def _on_request(self, request: "Request") -> None:
        if self.is_foreign(request.url):
            self.problems.append(
                f"request to another host: {request.method} {request.url} "
                f"({request.resource_type}, from {request.frame.url})"
            )

    def _on_websocket(self, websocket) -> None:
        if self.is_foreign(websocket.url):
            self.problems.append(f"WebSocket to another host: {websocket.url}")

    def _on_console(self, message: "ConsoleMessage") -> None:
        text = message.text
        mentions_csp = "Content Security Policy" in text
        if message.type != "error" and not mentions_csp:
            return
        if not mentions_csp and any(p.search(text) for p in self.allowed_console_errors):
            return
        where = message.location.get("url") or "?"
        kind = "CSP violation in console" if mentions_csp else f"console {message.type}"
        self.problems.append(f"{kind}: {text} (at {where})")

    def _on_csp_violation(self, _source, violation: dict) -> None:
        self.problems.append(
            "CSP violation: {directive} blocked {blocked!r} (source {source}:{line}, "
            "sample {sample!r})".format(**violation)
        )

    def report(self) -> str:
        return "The browser reported problems:\n" + "\n".join(f"- {p}" for p in self.problems)


def sign_in(page: "Page", username: str, password: str) -> None:
    """Sign in through the sign-in form, and wait until the header shows the account."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner").get_by_text(username, exact=True)).to_be_visible()


# Every WCAG 2.x rule up to level AA, and axe's best practices (landmarks, headings, regions).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def axe_violations(axe: "Axe", page: "Page") -> list[dict]:
    """Run axe-core on the whole page as it is now; return its violations."""
    return axe.run(page, options=AXE_OPTIONS).response["violations"]


def describe_violations(violations: list[dict], url: str) -> str:
    """Say what axe found, rule by rule and element by element, with how to fix each."""
    lines = [f"axe-core found {len(violations)} kind(s) of violation on {url}:"]
    for violation in violations:
        lines.append(
            f"\n[{violation['impact']}] {violation['id']}: {violation['help']}"
            f"\n  rule: {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"  - at {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['html']}")
            for summary_line in node.get("failureSummary", "").splitlines():
                lines.append(f"      {summary_line}")
    return "\n".join(lines)
