"""Read forms out of HTML and submit them with their hidden fields, as a browser would."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._current = Form(
                action=attributes.get("action") or self.page_url,
                method=(attributes.get("method") or "get").lower(),
            )
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attributes.get("name"):
            if attributes.get("type") in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self._current.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def read_forms(html: str, page_url: str) -> list[Form]:
    """Return every form on the page with the values its inputs carry."""
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms
