"""The page watcher catches what must fail a browser test, so a quiet run means a clean page."""

import pytest

from tests.browser.support import axe_violations, describe_violations, expect

pytestmark = pytest.mark.browser

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'"


def serve(page, path: str, body: str, headers: dict | None = None) -> None:
    """Answer `path` on the live server's own origin with `body`, without touching the app."""
    page.route(
        f"**{path}",
        lambda route: route.fulfill(body=body, content_type="text/html", headers=headers or {}),
    )


def test_watcher_reports_csp_violation_of_inline_script(page, page_watch):
    serve(
        page,
        "/inline-csp",
        "<title>t</title><p>x</p><script>document.title = 'ran'</script>",
        {"Content-Security-Policy": STRICT_CSP},
    )
    page.goto("/inline-csp")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")

    expect(page).to_have_title("t")  # the inline script did not run
    assert any(p.startswith("CSP violation: script-src") for p in page_watch.problems)
    assert any("CSP violation in console" in p for p in page_watch.problems)
    page_watch.problems.clear()


def test_watcher_reports_and_blocks_request_to_another_host(page, page_watch):
    serve(page, "/embed", '<title>t</title><img alt="" src="http://cdn.example.test/pixel.png">')
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.failure))
    page.goto("/embed")
    page.wait_for_load_state("load")

    assert any(
        p.startswith("request to another host: GET http://cdn.example.test/pixel.png")
        for p in page_watch.problems
    )
    assert [reason.split(".")[0] for reason in failed] == ["net::ERR_BLOCKED_BY_CLIENT"]
    page_watch.problems.clear()


def test_watcher_reports_console_errors_and_uncaught_errors(page, page_watch):
    serve(
        page,
        "/noisy",
        "<title>t</title><script>console.error('broken widget'); undefinedFunction();</script>",
    )
    page.goto("/noisy")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")

    assert any(p.startswith("console error: broken widget") for p in page_watch.problems)
    assert any(
        p.startswith("uncaught page error:") and "undefinedFunction" in p
        for p in page_watch.problems
    )
    page_watch.problems.clear()


def test_watcher_ignores_only_the_console_errors_a_test_allows(page, page_watch):
    page_watch.allow_console_error(r"status of 404")
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    serve(page, "/noisy", "<title>t</title><script>console.error('other')</script>")
    page.goto("/noisy")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")

    assert [p for p in page_watch.problems if "status of 404" in p] == []
    assert any("other" in p for p in page_watch.problems)
    page_watch.problems.clear()


def test_axe_reports_missing_alt_text_and_low_contrast(page, axe):
    serve(
        page,
        "/inaccessible",
        '<!doctype html><html lang="en"><title>t</title><main><h1>t</h1>'
        '<img src="/static/favicon.svg"><p style="color: #bbb; background: #fff">faint</p>'
        "</main></html>",
    )
    page.goto("/inaccessible")

    violations = axe_violations(axe, page)

    assert {v["id"] for v in violations} == {"image-alt", "color-contrast"}
    report = describe_violations(violations, page.url)
    assert "[critical] image-alt: Images must have alternative text" in report
    assert '<p style="color: #bbb; background: #fff">faint</p>' in report
