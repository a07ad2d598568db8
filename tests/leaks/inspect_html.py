"""Cut a page into the raw markup of its elements (attributes and comments included)."""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    start: int
    end: int = -1
    children: list["Element"] = field(default_factory=list)

    def markup(self, page: str) -> str:
        return page[self.start : self.end]

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


class _TreeParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", page)]
        self.root = Element("#document", {}, 0, len(page))
        self.stack = [self.root]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        element = Element(tag, {name: value or "" for name, value in attrs}, start)
        self.stack[-1].children.append(element)
        if tag in VOID:
            element.end = start + len(self.get_starttag_text())
        else:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        start = self._offset()
        element = Element(tag, {name: value or "" for name, value in attrs}, start)
        element.end = start + len(self.get_starttag_text())
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag):
        end = self._offset()
        if not any(open_.tag == tag for open_ in self.stack[1:]):
            return  # a stray end tag: ignore it, as browsers do
        while self.stack[-1].tag != tag:
            self.stack.pop().end = end
        closed = self.stack.pop()
        closed.end = self.page.index(">", end) + 1


@lru_cache(maxsize=32)
def parse(page: str) -> Element:
    """The page's element tree (cached: checks look at one page many times; never modify it)."""
    parser = _TreeParser(page)
    parser.feed(page)
    parser.close()
    for open_ in parser.stack[1:]:
        open_.end = len(page)
    return parser.root


def find_all(root: Element, tag: str | None = None, **attrs) -> list[Element]:
    return [
        element
        for element in root.walk()
        if (tag is None or element.tag == tag)
        and all(element.attrs.get(name) == value for name, value in attrs.items())
    ]


def by_id(page: str, element_id: str) -> Element | None:
    found = find_all(parse(page), id=element_id)
    return found[0] if found else None


def main_markup(page: str) -> str:
    found = find_all(parse(page), "main")
    assert found, "the page has no <main> element"
    return found[0].markup(page)


def without_forms(page: str, fragment_root: Element | None = None) -> str:
    """The page's markup (or one element's) with every <form> element cut out."""
    root = fragment_root or parse(page)
    start, end = (root.start, root.end) if fragment_root else (0, len(page))
    pieces, cursor = [], start
    for form in sorted(find_all(root, "form"), key=lambda element: element.start):
        if form.start < cursor:
            continue  # a form nested in one already cut
        pieces.append(page[cursor : form.start])
        cursor = form.end
    pieces.append(page[cursor:end])
    return "".join(pieces)


def forms(page: str) -> list[str]:
    return [form.markup(page) for form in find_all(parse(page), "form")]


def post_element(page: str, post_id: int) -> str | None:
    """The markup of one post: its <article> (a reply) or <section> (a first post)."""
    element = by_id(page, f"p{post_id}")
    if element is None:
        return None
    if element.tag == "li":
        articles = find_all(element, "article")
        element = articles[0] if articles else element
    return element.markup(page)


def attribute_values(page: str) -> list[tuple[str, str, str]]:
    """Every (tag, attribute, value) on the page."""
    return [
        (element.tag, name, value)
        for element in parse(page).walk()
        for name, value in element.attrs.items()
    ]


def common_container(root: Element, start: int, end: int) -> Element:
    """The innermost element (under a parsed page's root) holding both offsets."""
    node = root
    while True:
        inner = [child for child in node.children if child.start <= start and end < child.end]
        if not inner:
            return node
        node = inner[0]
