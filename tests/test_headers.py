"""Security headers on every response: CSP with nothing inline or remote, and the rest."""

import re

import pytest

PAGES = ["/", "/login", "/register", "/recover", "/no-such-page", "/static/css/site.css"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert "microphone=()" in headers["Permissions-Policy"]


def csp_directives(client, path="/") -> dict[str, str]:
    policy = client.get(path).headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_csp_allows_only_this_site_and_nothing_inline(client):
    directives = csp_directives(client)
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    for value in directives.values():
        assert "unsafe-inline" not in value
        assert "unsafe-eval" not in value
        assert "http" not in value  # no other host, by scheme or name
        assert "*" not in value


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/recover"])
def test_pages_have_no_inline_script_style_or_remote_resource(client, path):
    page = client.get(path).get_data(as_text=True)
    assert "<style" not in page
    assert " style=" not in page
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not url.startswith(("http:", "https:", "//")), url


def test_anonymous_public_pages_set_no_cookie(client):
    response = client.get("/")
    assert "Set-Cookie" not in response.headers
    assert "Cache-Control" not in response.headers


def test_personalised_pages_are_private(member_client):
    assert member_client.get("/").headers["Cache-Control"].startswith("private")
