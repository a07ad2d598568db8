"""Links for the rows of a list: url_for() once per endpoint and request, each row's by formatting.

url_for() costs more than the rest of a row's markup (a thread in a list, a post of a thread),
so a list builds each of its links once with marker ids in the places that vary, and each row's
link is that URL with the row's values in the markers' places. The links every page shows (the
header's, the footer's) vary with nothing: fixed_url() builds each once per process.
"""

import re
from collections.abc import Callable

from flask import Flask, current_app, g, request, url_for

# Well-formed public ids (and slugs), one per varying part; none occurs in a route's own text.
_MARKS = ("markmarkmara", "markmarkmarb", "markmarkmarc")


def url_pattern(endpoint: str, *names: str, **values) -> Callable[..., str]:
    """A function of the `names` values (in that order) giving url_for(endpoint, ...) for them,
    with `values` fixed. The varying values must be public ids or slugs, which are URL-safe as
    they are: they are put in without quoting (a page escapes the link as ever)."""
    key = (endpoint, names, tuple(sorted(values.items())))
    patterns = g.setdefault("url_patterns", {})
    if key not in patterns:
        patterns[key] = _pattern(endpoint, names, values)
    return patterns[key]


def fixed_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) for a link that varies with no row nor request (the site's
    header and footer), built once per process."""
    # A relative URL depends on the request only through the application's root (SCRIPT_NAME):
    # the one kept is rebuilt if that ever differs, so the store stays one URL per link.
    key = (endpoint, *sorted(values.items()))
    urls = current_app.extensions.setdefault("fixed_urls", {})
    root = request.script_root
    kept = urls.get(key)
    if kept is None or kept[0] != root:
        kept = urls[key] = (root, url_for(endpoint, **values))
    return kept[1]


def _pattern(endpoint: str, names: tuple[str, ...], values: dict) -> Callable[..., str]:
    marks = _MARKS[: len(names)]
    url = url_for(endpoint, **values, **dict(zip(names, marks, strict=True)))
    pieces = re.split(f"({'|'.join(marks)})", url)
    texts, found = pieces[0::2], pieces[1::2]
    assert sorted(found) == sorted(marks), f"{endpoint}: each varying part must show once"
    # "/s/{0}/t/{1}": a str.format, the cheapest way to fill the places in.
    escaped = [text.replace("{", "{{").replace("}", "}}") for text in texts]
    places = [f"{{{marks.index(mark)}}}" for mark in found]
    pattern = "".join(text + place for text, place in zip(escaped, [*places, ""], strict=True))
    return pattern.format


def init_app(app: Flask) -> None:
    """Offer url_pattern() to templates, for links inside a list's loop, and fixed_url()."""
    app.jinja_env.globals["url_pattern"] = url_pattern
    app.jinja_env.globals["fixed_url"] = fixed_url
