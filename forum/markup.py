"""Markdown in, sanitised HTML out: the one place user text becomes markup.

Two layers, each of which would be enough on its own for what it guards:

1. markdown-it-py with its `js-default` preset: raw HTML is off, so any tag a poster types is
   shown as text. Links are accepted only with an allowed scheme or as a same-site relative URL
   (anything else stays literal text), and images become plain links.
2. nh3 (Ammonia) with a small, explicit allow-list of tags, attributes and URL schemes, adding
   `rel` to every link. Its output is what is stored and shown: nothing transforms it afterwards.
"""

import re
import unicodedata
from functools import cache
from types import SimpleNamespace
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt, helpers
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import linkify as linkify_rule
from markdown_it.token import Token
from markupsafe import Markup, escape

# Bump when the output of render() changes, so `flask rerender` knows what is stale.
# 2: explicit empty generic attributes, links limited to the allowed schemes before nh3, images
#    inside links keep the outer link, table alignment kept, lower nesting limit.
RENDER_VERSION = 3
# 3: a bounded scan budget per render: past it, `[`, `![` and `://` stay text.

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
# "*" is set explicitly: left out, Ammonia would allow its defaults (lang, title) on every tag.
ALLOWED_ATTRIBUTES = {"*": set(), "a": {"href", "title"}, "ol": {"start"}}
# Table cell alignment, restricted to these values (an attribute, not a style: the CSP forbids
# inline style, and `style` is never allowed).
ALLOWED_ATTRIBUTE_VALUES = {
    cell: {"align": {"left", "right", "center"}} for cell in ("td", "th")
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"

# markdown-it's limit on nesting (block and inline). The default of 100 lets a 20,000-character
# run of `[` or `![` cost seconds of CPU (link labels are rescanned at every level); 40 cuts that
# by more than half and still allows quotes and lists nested far deeper than any conversation.
MAX_NESTING = 40

# Characters the link-label and bare-URL scans may read in one render. Both rescan the rest of
# a paragraph for each `[`, `![` or `://` that leads nowhere, so a body of such openers costs
# the square of its length (seconds for 20,000 characters). An ordinary post spends a few
# thousand; past the budget the remaining openers are plain text.
SCAN_BUDGET = 200_000
SCANNED = "safe_spaces.scanned"  # the render's env key: characters scanned so far

# A lone surrogate (JSON's \ud800 escape decodes to one) cannot be encoded for nh3, which raises.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CELL_ALIGN = re.compile(r"text-align:(left|right|center)")
_URL_HEAD = re.compile(r"[/?#]")


def _link_allowed(url: str) -> bool:
    """Accept a link (already normalised: percent-encoded) with an allowed scheme, or relative.

    Relative links are kept on purpose: `/s/talk/t/12`, `?page=2` and `#post-34` are links within
    this site, which readers use to point at other threads and posts; they can fetch nothing from
    another host and run nothing. Protocol-relative `//host/path` is an ordinary outgoing link and
    gets the same `rel` as any other. A colon before the first `/`, `?` or `#` means a scheme, and
    the scheme must be one we allow. The head is percent-decoded and folded (NFKC) before that
    test, so `javascript%3A`, `java%09script:` and full-width look-alikes stay text too: stricter
    than any browser, and no loss for a real link.
    """
    head = _URL_HEAD.split(url, maxsplit=1)[0]
    head = unicodedata.normalize("NFKC", unquote(head))
    if ":" not in head:
        return True
    return head.split(":", 1)[0].lower() in URL_SCHEMES


def _plain_text(tokens: list[Token]) -> str:
    """The text of inline tokens, as an image's alt text (CommonMark: markup dropped)."""
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.children:
            parts.append(_plain_text(token.children))
    return "".join(parts)


def _images_as_links(tokens: list[Token]) -> list[Token]:
    """Replace each image by a link to it, so no reader's browser fetches a poster's host.

    The link's text is the alt text (the URL when there is none). An image inside a link
    becomes its alt text alone: links cannot nest, and the outer link is the one meant.
    """
    result = []
    link_depth = 0
    for token in tokens:
        if token.type == "link_open":
            link_depth += 1
        elif token.type == "link_close":
            link_depth -= 1
        if token.type != "image":
            result.append(token)
            continue
        source = str(token.attrGet("src") or "")
        text = Token("text", "", 0, content=_plain_text(token.children or []) or source)
        if link_depth or not source:
            result.append(text)
            continue
        link = Token("link_open", "a", 1, attrs={"href": source})
        if token.attrGet("title"):
            link.attrSet("title", token.attrGet("title"))
        result += [link, text, Token("link_close", "a", -1)]
    return result


def _cell_align(token: Token) -> None:
    """markdown-it aligns table cells with `style`; keep the alignment as `align` instead."""
    style = token.attrs.pop("style", None)
    match = _CELL_ALIGN.fullmatch(str(style or ""))
    if match:
        token.attrSet("align", match.group(1))


def _rewrite(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            _cell_align(token)
        elif token.type == "inline" and token.children:
            token.children = _images_as_links(token.children)


def _within_budget(state: StateInline, cost: int) -> bool:
    """Count a scan of `cost` characters; False once the render's budget is spent."""
    if state.env[SCANNED] >= SCAN_BUDGET:
        return False
    state.env[SCANNED] += cost
    return True


def _budgeted_link_label(state: StateInline, start: int, disableNested: bool = False) -> int:
    """helpers.parseLinkLabel, counting what it reads; -1 (no link) once the budget is spent."""
    if not _within_budget(state, 0):
        return -1
    end = helpers.parseLinkLabel(state, start, disableNested)
    state.env[SCANNED] += (end if end >= 0 else state.posMax) - start
    return end


def _budgeted_linkify(state: StateInline, silent: bool) -> bool:
    # The rule searches all the text pending since the last token for a scheme, at each `://`.
    if state.src.startswith("://", state.pos) and not _within_budget(state, len(state.pending)):
        return False
    return linkify_rule(state, silent)


@cache
def _parser() -> MarkdownIt:
    # js-default: raw HTML off. Tables, strikethrough and linkify are turned on deliberately.
    parser = MarkdownIt(
        "js-default", {"linkify": True, "typographer": False, "maxNesting": MAX_NESTING}
    )
    parser.enable(["table", "strikethrough", "linkify"])
    parser.validateLink = _link_allowed
    # The link and image rules find their label through parser.helpers: this parser's own copy.
    parser.helpers = SimpleNamespace(**{**vars(helpers), "parseLinkLabel": _budgeted_link_label})
    parser.inline.ruler.at("linkify", _budgeted_linkify)
    # After linkify, so links it makes count when an image sits inside one.
    parser.core.ruler.push("safe_spaces_rewrite", _rewrite)
    return parser


def render(source: str) -> str:
    """Render Markdown to HTML that is safe to show as it is."""
    return render_counted(source)[0]


def render_counted(source: str) -> tuple[str, int]:
    """Render, and say how many characters the link and URL scans read: at most SCAN_BUDGET
    plus one paragraph per level of nested labels still open when it ran out."""
    env = {SCANNED: 0}
    html = _parser().render(_LONE_SURROGATE.sub("\ufffd", source), env)
    return _sanitised(html), env[SCANNED]


def _sanitised(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def rendered(html: str) -> Markup:
    """Stored HTML that render() made and sanitised on write, as page markup: the one door by
    which rendered Markdown enters a page (templates call it as `rendered(...)`)."""
    return Markup(f'<div class="markup" dir="auto">{html}</div>')  # noqa: S704 (sanitised on write)


# Search snippets: the backend puts these private-use characters around each match
# (forum/search/index.py keeps them out of what is indexed).
MATCH_START = "\ue000"
MATCH_END = "\ue001"
_MATCH_MARKERS = re.compile(f"([{MATCH_START}{MATCH_END}])")


def highlighted(snippet: str) -> Markup:
    """A search snippet of source text, escaped, with its marked matches in <mark>.

    Snippets are Markdown source, never rendered: whatever tags a post holds show as text. Marks
    are balanced whatever the markers: a stray end is dropped and an open mark is closed.
    """
    parts, marking = [], False
    for part in _MATCH_MARKERS.split(snippet):
        if part == MATCH_START:
            if not marking:
                parts.append("<mark>")
            marking = True
        elif part == MATCH_END:
            if marking:
                parts.append("</mark>")
            marking = False
        else:
            parts.append(str(escape(part)))
    if marking:
        parts.append("</mark>")
    return Markup("".join(parts))  # noqa: S704 (every part is escaped or one of our two tags)
