"""Markdown in, sanitised HTML out: the one place user text becomes markup."""

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

# Bump when the output of render() changes, so `flask rerender` knows what is stale.
RENDER_VERSION = 1

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"


@cache
def _parser() -> MarkdownIt:
    # js-default: raw HTML off. Tables, strikethrough and linkify are turned on deliberately.
    parser = MarkdownIt("js-default", {"linkify": True, "typographer": False})
    parser.enable(["table", "strikethrough", "linkify"])
    # No reader's browser may fetch from a host a poster chose: an image becomes a link to it.
    parser.add_render_rule("image", _image_as_link)
    return parser


def _image_as_link(self, tokens, index, options, env) -> str:
    token = tokens[index]
    source = escapeHtml(str(token.attrGet("src") or ""))
    alt = escapeHtml(token.content) or source
    return f'<a href="{source}">{alt}</a>'


def render(source: str) -> str:
    """Render Markdown to HTML that is safe to show as it is."""
    html = _parser().render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
