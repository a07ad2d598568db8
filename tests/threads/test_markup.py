"""Markdown rendering (DESIGN rule 8): what posters may write, and what can never come out."""

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from forum import markup
from forum.extensions import db
from forum.markup import render
from forum.models import Post
from tests.threads.conftest import start_thread
from tests.threads.hostile_inputs import CORPUS, LONG, RAW_HTML

# The test's own copy of the allow-list, so widening the renderer's fails here.
SAFE_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
SAFE_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
SAFE_SCHEMES = {"http", "https", "mailto"}
REL = "nofollow ugc noopener noreferrer"


class Parsed(HTMLParser):
    """The elements, attributes, text and anything else an HTML parser finds in the output."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.other: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.other.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.other.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.other.append(f"<![{data}]>")


def url_scheme(url: str) -> str | None:
    """The scheme a browser could see in `url`, however it is disguised; None when relative."""
    url = unicodedata.normalize("NFKC", unquote(url))
    # Browsers drop tabs and newlines anywhere, and controls and spaces at the ends; strip every
    # control, format (zero-width, bidi) and space character, to be stricter than any of them.
    url = "".join(ch for ch in url if unicodedata.category(ch)[0] not in "CZ")
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return match.group(1).lower() if match else None


def real_tags(html: str) -> list[str]:
    """Every tag as written in the output, with attribute values blanked (a second opinion)."""
    tags = re.findall(r"<[^>]*>", re.sub(r'"[^"]*"', '""', html))
    return [tag.lower() for tag in tags]


def assert_safe(html: str) -> None:
    parsed = Parsed(html)
    assert parsed.other == [], f"comment or declaration in output: {parsed.other}"
    for tag, attributes in parsed.elements:
        assert tag in SAFE_TAGS, f"<{tag}> is not on the allow-list: {html[:500]}"
        for name, value in attributes.items():
            assert not name.startswith("on"), f"event handler {name}= on <{tag}>: {html[:500]}"
            assert name in SAFE_ATTRIBUTES.get(tag, set()), f"{name}= on <{tag}>: {html[:500]}"
            if name == "href":
                scheme = url_scheme(value or "")
                assert scheme in SAFE_SCHEMES | {None}, f"href scheme {scheme!r}: {value!r}"
        if tag == "a":
            assert attributes.get("rel") == REL, f"link without the rel attribute: {attributes}"
        if tag in ("td", "th") and "align" in attributes:
            assert attributes["align"] in {"left", "right", "center"}
    for tag in real_tags(html):
        assert not re.match(r"<\s*/?\s*(script|style|img|svg|math|iframe|object|embed)\b", tag)
        assert not re.search(r"\s(on[a-z]+|src|srcset|style|class|id|name)\s*=", tag), tag
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<!--" not in html


def render_within_budget(source: str) -> str:
    """Render, checking the link and URL scans stayed within their budget (not a timing)."""
    html, scanned = markup.render_counted(source)
    assert scanned <= markup.SCAN_BUDGET + markup.MAX_NESTING * len(source), scanned
    return html


# What posters may write


def test_headings_emphasis_and_strikethrough_render():
    html = render("# Title\n\n### Smaller\n\n*soft* **strong** ~~gone~~ `code`")
    assert "<h1>Title</h1>" in html
    assert "<h3>Smaller</h3>" in html
    assert "<em>soft</em> <strong>strong</strong> <s>gone</s> <code>code</code>" in html


def test_lists_keep_their_kind_and_start_number():
    html = render("- one\n- two\n\n3. three\n4. four")
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>' in html


def test_blockquotes_nest():
    html = render("> said\n>> earlier")
    assert html.count("<blockquote>") == 2
    assert "<p>said</p>" in html and "<p>earlier</p>" in html


def test_code_blocks_show_markup_as_text_without_a_language_class():
    html = render('```html\n<b onclick="x">bold</b>\n```\n\n    indented <i>')
    assert '<pre><code>&lt;b onclick="x"&gt;bold&lt;/b&gt;\n</code></pre>' in html
    assert "<pre><code>indented &lt;i&gt;\n</code></pre>" in html
    assert "class=" not in html


def test_tables_render_with_alignment_as_an_attribute():
    html = render("| left | mid | right |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert '<th align="left">left</th>' in html
    assert '<td align="center">2</td>' in html
    assert '<td align="right">3</td>' in html
    assert "style" not in html


def test_hard_breaks_and_rules_render():
    html = render("line one  \nline two\n\n---")
    assert "line one<br>\nline two" in html
    assert "<hr>" in html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[site](https://example.org/a?b=c)", "https://example.org/a?b=c"),
        ("<https://example.org/auto>", "https://example.org/auto"),
        ("see https://example.org/bare here", "https://example.org/bare"),
        ("see www.example.org here", "http://www.example.org"),
        ("[write](mailto:someone@example.org)", "mailto:someone@example.org"),
        ("<mailto:someone@example.org>", "mailto:someone@example.org"),
        ("[plain](http://example.org)", "http://example.org"),
    ],
)
def test_links_autolinks_bare_urls_and_mailto_carry_the_rel_attribute(source, href):
    html = render(source)
    assert f'href="{href}" rel="{REL}"' in html
    assert_safe(html)


def test_a_link_title_is_kept():
    html = render('[x](https://example.org "A title")')
    assert f'<a href="https://example.org" title="A title" rel="{REL}">x</a>' in html


def test_an_image_becomes_a_link_to_it_named_by_its_alt_text():
    html = render('![A *calm* lake](https://images.example/lake.png "Lake")')
    assert html == (
        f'<p><a href="https://images.example/lake.png" title="Lake" rel="{REL}">'
        "A calm lake</a></p>\n"
    )


def test_an_image_without_alt_text_is_a_link_named_by_its_url():
    html = render("![](https://images.example/lake.png)")
    assert f'<a href="https://images.example/lake.png" rel="{REL}">' in html
    assert ">https://images.example/lake.png</a>" in html


def test_an_image_inside_a_link_leaves_the_outer_link_with_the_alt_text():
    html = render("[![badge](https://images.example/b.svg)](https://example.org/project)")
    assert html == f'<p><a href="https://example.org/project" rel="{REL}">badge</a></p>\n'


def test_an_image_without_a_url_is_its_alt_text():
    assert render("![just words]()") == "<p>just words</p>\n"


def test_no_output_ever_asks_the_browser_to_fetch_anything():
    html = render(
        "![a](https://evil.example/a.png) ![b][b] <https://evil.example/c.png>\n\n"
        "[b]: https://evil.example/b.png"
    )
    assert "src" not in html
    assert "<img" not in html
    assert html.count("<a ") == 3


# Relative links: kept on purpose. They point within this site (another thread, a post's
# permalink, an anchor on the page), can fetch nothing from another host and run nothing.


@pytest.mark.parametrize(
    "href", ["/s/talk/t/12", "#post-34", "?page=2", "../branch/7", "./notes:today"]
)
def test_relative_links_and_anchors_are_kept_as_same_site_links(href):
    html = render(f"[there]({href})")
    assert f'<a href="{href}" rel="{REL}">there</a>' in html


def test_a_protocol_relative_link_is_an_ordinary_outgoing_link_with_rel():
    html = render("[x](//example.org/path)")
    assert f'<a href="//example.org/path" rel="{REL}">x</a>' in html


@pytest.mark.parametrize(
    "source",
    [
        "[x](ftp://example.org/file)",
        "[x](irc://example.org/room)",
        "[x](notes:today)",
        "<ftp://example.org/file>",
        "ftp://example.org/file",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
    ],
)
def test_links_with_other_schemes_stay_literal_text(source):
    html = render(source)
    assert "<a" not in html
    assert Parsed(html).text[0].startswith(source.split("\n")[0][:6])


def test_raw_html_is_shown_as_text_not_obeyed():
    html = render('<b onclick="alert(1)">bold</b> <em>x</em>')
    assert html == ('<p>&lt;b onclick="alert(1)"&gt;bold&lt;/b&gt; &lt;em&gt;x&lt;/em&gt;</p>\n')


def test_a_lone_surrogate_does_not_break_rendering():
    # JSON's "\ud800" escape decodes to one; nh3 cannot encode it.
    assert render("a\ud800b") == "<p>a\ufffdb</p>\n"


def test_sanitised_output_is_a_fixed_point_of_the_sanitiser():
    html = render(
        "# h\n\n[x](https://example.org) ![i](https://example.org/i.png)\n\n| a |\n|:-|\n| b |"
    )
    again = nh3.clean(
        html,
        tags=markup.ALLOWED_TAGS,
        attributes=markup.ALLOWED_ATTRIBUTES,
        tag_attribute_values=markup.ALLOWED_ATTRIBUTE_VALUES,
        url_schemes=markup.URL_SCHEMES,
        link_rel=markup.LINK_REL,
    )
    assert again == html


def test_the_allow_list_has_no_presentational_or_embedding_entries():
    assert markup.ALLOWED_TAGS <= SAFE_TAGS
    for tag, attributes in markup.ALLOWED_ATTRIBUTES.items():
        assert attributes <= SAFE_ATTRIBUTES.get(tag, set()), tag
    assert markup.ALLOWED_ATTRIBUTES["*"] == set()
    assert markup.URL_SCHEMES == SAFE_SCHEMES
    assert markup.LINK_REL == REL


# What must never come out


def test_the_corpus_is_large_and_names_are_unique():
    names = [name for name, _ in CORPUS + LONG]
    assert len(names) == len(set(names))
    assert len(CORPUS) >= 60


@pytest.mark.parametrize(("name", "source"), CORPUS, ids=[name for name, _ in CORPUS])
def test_hostile_input_renders_to_nothing_active(name, source):
    assert_safe(render(source))


LEADING_HTML = [(name, source) for name, source in RAW_HTML if source.startswith("<")]


@pytest.mark.parametrize(("name", "source"), LEADING_HTML, ids=[name for name, _ in LEADING_HTML])
def test_raw_html_in_hostile_input_is_escaped_as_visible_text(name, source):
    opening = re.match(r"<[!?/]?[A-Za-z\-\[]*", source).group()
    text = "".join(Parsed(render(source)).text)
    assert opening in text


@pytest.mark.parametrize(("name", "source"), LONG, ids=[name for name, _ in LONG])
def test_long_and_deeply_nested_input_renders_safely_within_bounds(name, source):
    assert_safe(render_within_budget(source))


def test_deeply_nested_conversation_quotes_keep_their_text():
    source = "".join("> " * depth + f"quote {depth}\n\n" for depth in range(1, 25))
    html = render(source)
    assert "quote 24" in html
    assert html.count("<blockquote>") > 24


def test_rtl_override_in_link_text_stays_text_and_is_encoded_in_the_url():
    html = render("[\u202egnp.exe](https://example.org/x) https://example.org/\u202eexe")
    assert ">\u202egnp.exe</a>" in html
    assert 'href="https://example.org/%E2%80%AEexe"' in html
    assert_safe(html)


# Property-based: whatever is written, nothing active comes out.

SCHEMES = st.sampled_from(
    [
        "javascript", "JaVaScRiPt", "vbscript", "data", "http", "https", "mailto", "file",
        "jav&#x61;script", "&#106;avascript", "java\tscript", "java\nscript", "java&Tab;script",
        "java\u200bscript", "ｊａｖａｓｃｒｉｐｔ", " javascript", "\x01javascript",
        "java%09script",
    ]
)  # fmt: skip
COLONS = st.sampled_from([":", "&colon;", "&#58;", "&#x3a;", "%3A", "：", "\\:"])
PAYLOADS = st.sampled_from(
    ["alert(1)", "//evil.example/x", "text/html,<script>alert(1)</script>", "a@b.c", ""]
)
URLS = st.builds(lambda s, c, p: s + c + p, SCHEMES, COLONS, PAYLOADS) | st.sampled_from(
    ["/relative", "#anchor", "//evil.example", "https://example.org/\u202e"]
)
LINK_FORMS = st.sampled_from(
    [
        "[t]({u})", "[t](<{u}>)", '[t]({u} "ti\\"tle")', "<{u}>", "{u}", " {u} ", "![t]({u})",
        "[t][r]\n\n[r]: {u}\n", '![t][r]\n\n[r]: <{u}> "x"\n', "[![i]({u})]({u})",
    ]
)  # fmt: skip
HTML_FRAGMENTS = st.sampled_from(
    [
        "<script>", "</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
        "<a href='javascript:alert(1)'>", "<p style='x'>", "<!--", "-->", "<![CDATA[", "]]>",
        "<iframe>", "<style>", "</style>", "<noscript>", "<template>", "<math>", "<base href=x>",
        '" onmouseover="alert(1)', "' onfocus='alert(1)", "&lt;", "&#60;", "&quot;", "&",
    ]
)  # fmt: skip
MARKDOWN_SYNTAX = st.sampled_from(
    [
        "*", "**", "_", "~~", "`", "```", "\n", "\n\n", "# ", "> ", "- ", "1. ", "|", "|-|\n",
        "[", "]", "(", ")", "![", "<", ">", "\\", "    ", "---\n", '"', "'",
    ]
)  # fmt: skip
PIECES = st.one_of(
    st.builds(lambda form, url: form.replace("{u}", url), LINK_FORMS, URLS),
    HTML_FRAGMENTS,
    MARKDOWN_SYNTAX,
    st.text(max_size=12),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF).map(str),
)
MIXED = st.lists(PIECES, max_size=30).map("".join)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.text(max_size=400))
def test_arbitrary_text_never_renders_anything_active(source):
    html = render(source)
    assert_safe(html)
    assert render(source) == html


@PROPERTY
@given(MIXED)
def test_mixed_markdown_html_and_urls_never_render_anything_active(source):
    html = render(source)
    assert_safe(html)
    assert render(source) == html


# Through the real forms: what is stored and what the thread page shows


def test_a_hostile_post_is_stored_and_shown_sanitised(member_client, space):
    body = (
        "<script>alert(1)</script> [x](javascript:alert(1)) "
        "![pic](https://evil.example/p.png) <img src=https://evil.example/q.png>"
    )
    response = start_thread(member_client, body=body)
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    assert post.body_source == body
    assert post.render_version == markup.RENDER_VERSION
    assert post.body_html == render(body)
    assert_safe(post.body_html)

    page = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert post.body_html in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"<[^>]*\bsrc=[\"']?https?://evil", page)
    assert "<script>alert" not in page
