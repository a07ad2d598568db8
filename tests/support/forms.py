"""Read forms out of HTML and submit them with their hidden fields, as a browser would."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    # Each field's kind: an input's type ("text", "password", "hidden"…), "textarea" or "select".
    kinds: dict[str, str] = field(default_factory=dict)

    def text_fields(self) -> list[str]:
        """The fields a person types into."""
        typed = {"text", "password", "email", "search", "url", "textarea"}
        return [name for name, kind in self.kinds.items() if kind in typed]


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form":
            self._current = Form(
                action=attributes.get("action") or self.page_url,
                method=(attributes.get("method") or "get").lower(),
            )
            self.forms.append(self._current)
        elif self._current is None or (not name and tag != "option"):
            return
        elif tag == "input":
            kind = attributes.get("type") or "text"
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self._current.fields[name] = attributes.get("value") or ""
            self._current.kinds[name] = kind
        elif tag == "textarea":
            self._textarea = name
            self._current.fields[name] = ""
            self._current.kinds[name] = "textarea"
        elif tag == "select":
            self._select = name
            self._current.kinds[name] = "select"
        elif (
            tag == "option"
            and self._select is not None
            and ("selected" in attributes or self._select not in self._current.fields)
        ):
            # The selected option, else the first, as a browser sends.
            self._current.fields[self._select] = attributes.get("value") or ""

    def handle_data(self, data):
        if self._current is not None and self._textarea is not None:
            self._current.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "textarea" and self._textarea is not None:
            value = self._current.fields[self._textarea]
            # A browser drops the line break that opens a text area's content.
            self._current.fields[self._textarea] = value.removeprefix("\r").removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def read_forms(html: str, page_url: str) -> list[Form]:
    """Return every form on the page with the values its inputs carry."""
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms
