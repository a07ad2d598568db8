"""The renderer's worst case is bounded: link and URL scans spend a budget, counted per render."""

import pytest

from forum import markup
from forum.threads.services import BODY_MAX_LENGTH
from tests.support.pages import text
from tests.threads.conftest import start_thread
from tests.threads.hostile_inputs import LONG
from tests.threads.test_markup import Parsed, assert_safe

# Bodies whose link or URL scans cost the square of their length without the budget.
QUADRATIC = [
    ("image openers", "![" * (BODY_MAX_LENGTH // 2)),
    ("link openers", "[" * BODY_MAX_LENGTH),
    ("links around images", "[![" * (BODY_MAX_LENGTH // 3)),
    ("images around links", "![[" * (BODY_MAX_LENGTH // 3)),
    ("angle-bracketed urls", "<http://" * (BODY_MAX_LENGTH // 8)),
    ("schemes without hosts", "a:// " * (BODY_MAX_LENGTH // 5)),
]

ORDINARY = [
    "# A heading\n\nSome *soft* and **strong** words, ~~gone~~, `code`.",
    'See [the report](https://example.org/r "Report") and ![a chart](https://example.org/c.png).',
    "Links: https://example.org/a, www.example.org and <https://example.org/b>; me@example.org.",
    "> quoted [link](https://example.org)\n>> deeper\n\n- one [a]\n- two [b][]\n\n"
    "[b]: https://example.org/b",
    "| left | right |\n|:--|--:|\n| [x](https://example.org) | y |",
    # A long post with many links and brackets, far past what a conversation holds.
    " ".join(
        f"[link {n}](https://example.org/{n}) [sic] https://example.org/bare/{n}"
        for n in range(150)
    ),
]


@pytest.mark.parametrize("source", ORDINARY)
def test_ordinary_posts_render_exactly_as_without_a_budget(source, monkeypatch):
    bounded, scanned = markup.render_counted(source)
    assert scanned < markup.SCAN_BUDGET // 10  # far from the guard
    monkeypatch.setattr(markup, "SCAN_BUDGET", 10**15)
    assert markup.render(source) == bounded


@pytest.mark.parametrize(
    ("name", "source"), QUADRATIC + LONG, ids=[name for name, _ in QUADRATIC + LONG]
)
def test_a_hostile_body_scans_a_bounded_number_of_characters(name, source):
    html, scanned = markup.render_counted(source)
    # Whatever the number of openers: the budget, plus one paragraph per open nesting level.
    assert scanned <= markup.SCAN_BUDGET + markup.MAX_NESTING * len(source)
    assert_safe(html)


@pytest.mark.parametrize(("name", "source"), QUADRATIC, ids=[name for name, _ in QUADRATIC])
def test_the_budget_is_what_stops_a_quadratic_body(name, source, monkeypatch):
    budget = markup.SCAN_BUDGET
    _, bounded = markup.render_counted(source[: len(source) // 4])
    monkeypatch.setattr(markup, "SCAN_BUDGET", 10**15)
    _, unbounded = markup.render_counted(source[: len(source) // 4])
    assert bounded >= budget  # the guard triggered
    assert unbounded > 2 * bounded


def test_past_the_budget_openers_and_links_are_shown_as_text():
    source = "[" * 3000 + " [a link](/s/talk/t/1) after them"
    html, scanned = markup.render_counted(source)
    assert scanned >= markup.SCAN_BUDGET
    assert "<a " not in html
    assert "[a link](/s/talk/t/1) after them" in "".join(Parsed(html).text)


def test_a_posted_body_of_image_openers_shows_as_text(member_client, space):
    # The attacker's post: the longest body of `![` the form takes.
    response = start_thread(member_client, title="Brackets", body="![" * (BODY_MAX_LENGTH // 2))
    assert response.status_code == 302
    page = text(member_client.get(response.headers["Location"]))
    assert "![![![![" in page
