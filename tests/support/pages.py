"""Read what a person would read off a page, and send the forms a page offers (or does not)."""

import html
import re


def text(response) -> str:
    """The page's HTML with entities decoded, so messages read as written."""
    return html.unescape(response.get_data(as_text=True))


def form_errors(page: str) -> str:
    """The text of the page's error boxes and field errors."""
    found = re.findall(r'class="(?:form-errors|field-error)"[^>]*>(.*?)</(?:div|p)>', page, re.S)
    return " ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found)


def recovery_code(page: str) -> str | None:
    """Return the recovery code shown on the page, or None when none is shown."""
    found = re.search(r'id="recovery-code"[^>]*>\s*<code[^>]*>([A-Z0-9-]+)</code>', page)
    return found.group(1) if found else None


def csrf_token(client, page: str = "/") -> str:
    """Read a CSRF token off a page, for a POST no button on that page would send."""
    found = re.search(r'name="[^"]*csrf_token"[^>]*value="([^"]+)"', text(client.get(page)))
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def _member_form(space, target, kind: str, fields: dict) -> tuple[str, dict]:
    """Where a roster action posts, and its fields: the role form is a row of the members page
    (its fields prefixed by the row), a sanction a page of its own."""
    url = f"/s/{space.slug}/members/{target.id}/{kind}"
    if kind == "role":
        return url, {f"m{target.id}-role-{name}": value for name, value in fields.items()}
    return url, dict(fields)


def member_action(client, space, target, kind: str, **fields):
    """Fill and send a roster action (role, remove, ban, unban) from the page that offers it."""
    url, data = _member_form(space, target, kind, fields)
    page = f"/s/{space.slug}/members" if kind == "role" else url
    return client.submit(page, data, action=url)


def forced_member_action(client, space, target, kind: str, **fields):
    """Send a roster action whose form no page offers this viewer, with a valid CSRF token."""
    url, data = _member_form(space, target, kind, fields)
    token_field = f"m{target.id}-role-csrf_token" if kind == "role" else "csrf_token"
    data[token_field] = csrf_token(client, "/")
    return client.post(url, data=data)
