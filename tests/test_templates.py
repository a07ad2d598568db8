"""Templates: one door for rendered Markdown, and nothing the Content-Security-Policy forbids."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORUM = TEMPLATES.parent / "forum"
FILES = sorted(path for path in TEMPLATES.rglob("*") if path.is_file())

SAFE_FILTER = re.compile(r"\|\s*safe\b")
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"(?<![\w-])style\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"(?<![\w-])on[a-z]+\s*=", re.IGNORECASE)
AUTOESCAPE_OFF = re.compile(r"\{%-?\s*autoescape\s+false", re.IGNORECASE)


def name(path: Path) -> str:
    return str(path.relative_to(TEMPLATES))


# The Python modules that build markup, each escaping what it puts in. Stored Markdown HTML
# enters a page through forum.markup.rendered() alone (templates call it as `rendered(...)`).
MARKUP_BUILDERS = {
    "markup.py",
    "times.py",
    "identity/authors.py",
    "threads/post_markup.py",
    "threads/list_markup.py",
}


def test_there_are_templates_to_check():
    assert len(FILES) > 10


def test_no_template_marks_html_safe():
    uses = {name(path): len(SAFE_FILTER.findall(path.read_text())) for path in FILES}
    assert {path: count for path, count in uses.items() if count} == {}


def test_only_the_markup_builders_make_markup():
    builders = {
        str(path.relative_to(FORUM))
        for path in FORUM.rglob("*.py")
        if re.search(r"\bMarkup\(", path.read_text())
    }
    assert builders <= MARKUP_BUILDERS, builders - MARKUP_BUILDERS


@pytest.mark.parametrize("path", FILES, ids=name)
def test_template_has_no_inline_script(path):
    for attributes, body in SCRIPT.findall(path.read_text()):
        assert body.strip() == "", f"inline script body in {name(path)}"
        assert re.search(r"\bsrc\s*=", attributes), f"<script> without src in {name(path)}"


@pytest.mark.parametrize("path", FILES, ids=name)
def test_template_has_no_inline_style(path):
    text = path.read_text()
    assert not STYLE_ATTRIBUTE.search(text), f"style= attribute in {name(path)}"
    assert not STYLE_ELEMENT.search(text), f"<style> element in {name(path)}"


@pytest.mark.parametrize("path", FILES, ids=name)
def test_template_has_no_event_handler_attribute(path):
    match = HANDLER_ATTRIBUTE.search(path.read_text())
    assert match is None, f"{match and match.group()} handler in {name(path)}"


@pytest.mark.parametrize("path", FILES, ids=name)
def test_template_never_turns_autoescape_off(path):
    assert not AUTOESCAPE_OFF.search(path.read_text()), name(path)


def test_the_checks_catch_what_they_are_for():
    assert SAFE_FILTER.search("{{ x|safe }}") and SAFE_FILTER.search("{{ x | safe }}")
    assert not SAFE_FILTER.search("{{ x | safety }}")
    assert SCRIPT.findall("<script>alert(1)</script>") == [("", "alert(1)")]
    assert STYLE_ATTRIBUTE.search('<p style="color:red">')
    assert not STYLE_ATTRIBUTE.search('<link rel="stylesheet" data-style-x>')
    assert HANDLER_ATTRIBUTE.search('<button onclick="go()">')
    assert HANDLER_ATTRIBUTE.search("<body ONLOAD=go()>")
    assert not HANDLER_ATTRIBUTE.search('<p data-on="x" aria-controls="y">')
