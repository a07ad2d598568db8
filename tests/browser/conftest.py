"""Browser fixtures: the app on a live HTTP server, one headless Chromium, a watched page each."""

import contextlib
import os
import threading
import traceback

import pytest
from werkzeug.serving import make_server

from tests.browser.support import FLUSH_EVENTS, Axe, PageWatch, PlaywrightError
from tests.conftest import skip_or_fail

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Root in a sandbox with no internet: no setuid sandbox, no GPU, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Belt and braces with the page fixture's route: no other host name even resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

# Playwright's 30 s default only slows down reporting a failure on pages this small.
TIMEOUT_MS = 10_000


@pytest.fixture
def live_server(app):
    """Serve the test app over real HTTP on 127.0.0.1; yield its base URL.

    It shares the `app` fixture's database, so factories such as `make_user` work, and the
    tables are emptied after the test. An exception inside the app fails the test.
    """
    errors: list[str] = []

    def wsgi(environ, start_response):
        try:
            response = app(environ, start_response)
        except Exception:
            errors.append(traceback.format_exc())
            raise
        # Read the body and close the response here: werkzeug's server skips close() when the
        # browser drops the connection, leaving a static file open (a ResourceWarning).
        try:
            return [b"".join(response)]
        finally:
            response.close()

    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    # A short poll lets shutdown() return at once instead of after up to half a second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    site_url = f"http://127.0.0.1:{server.server_port}"
    # Links that leave a page (invitations) are built from the site's configured address.
    app.config["SITE_URL"] = site_url
    yield site_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    if errors:
        pytest.fail("The app raised while serving the browser:\n" + "\n".join(errors))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session; each test gets a fresh context."""
    if sync_playwright is None:
        skip_or_fail("the playwright Python package is not installed (pip install -e '.[dev]')")
    executable = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        skip_or_fail(f"no Chromium at {executable}: install Debian's chromium or set CHROMIUM_PATH")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_watch(live_server) -> PageWatch:
    """What the `page` fixture checks at teardown; tests may allow an expected console error."""
    return PageWatch(origin=live_server)


@pytest.fixture
def page(browser, live_server, page_watch, request, tmp_path_factory):
    """A page in a fresh browser context whose relative URLs go to the live server.

    At teardown the test fails on any console error, uncaught page error, CSP violation or
    request to a host other than the live server.
    """
    context = browser.new_context(base_url=live_server, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page_watch.attach(context)
    page = context.new_page()
    yield page
    # If the page is gone or crashed, whatever it reported is already recorded.
    with contextlib.suppress(PlaywrightError):
        page.evaluate(FLUSH_EVENTS)
    if getattr(request.node, "browser_test_failed", False):
        _keep_evidence(page, tmp_path_factory.mktemp("browser-failure"))
    context.close()
    if page_watch.problems:
        pytest.fail(page_watch.report(), pytrace=False)


@pytest.fixture
def axe():
    """axe-core, from the axe-playwright-python package that bundles its JavaScript."""
    if Axe is None:
        skip_or_fail("axe-playwright-python is not installed (pip install -e '.[dev]')")
    return Axe()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


def _keep_evidence(page, folder) -> None:
    """After a failed test, save a screenshot and the HTML, and say where."""
    try:
        page.screenshot(path=folder / "failure.png", full_page=True)
        (folder / "failure.html").write_text(page.content(), encoding="utf-8")
    except PlaywrightError:
        return
    print(f"The page at failure ({page.url}) is saved in {folder}")


@pytest.fixture
def open_window(browser, live_server, page_watch, page):
    """Open a page in another fresh browser context, watched like `page` (another person).

    It depends on `page`, so it closes first and `page`'s teardown reports what it saw.
    """
    contexts = []

    def open_window(*, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server, service_workers="block", java_script_enabled=javascript
        )
        context.set_default_timeout(TIMEOUT_MS)
        page_watch.attach(context)
        contexts.append((context, javascript))
        return context.new_page()

    yield open_window
    for context, javascript in contexts:
        if javascript:  # without scripts there is no queue of CSP reports to wait for
            for window in context.pages:
                with contextlib.suppress(PlaywrightError):
                    window.evaluate(FLUSH_EVENTS)
        context.close()
