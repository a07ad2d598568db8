"""Read values a person would read off a page."""

import re


def recovery_code(html: str) -> str | None:
    """Return the recovery code shown on the page, or None when none is shown."""
    found = re.search(r'id="recovery-code"[^>]*>\s*<code[^>]*>([A-Z0-9-]+)</code>', html)
    return found.group(1) if found else None
