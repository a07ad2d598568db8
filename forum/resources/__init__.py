"""The library: a space's resources (reports, toolkits, guidance, links), each with its thread."""

from datetime import date
from urllib.parse import urlsplit

from flask import Flask

from forum.resources.files import KINDS, describe_size


def file_kind_label(content_type: str | None) -> str:
    kind = KINDS.get(content_type or "")
    return kind.label if kind else "File"


def link_host(url: str | None) -> str:
    return (urlsplit(url or "").hostname or "").removeprefix("www.")


def is_past(day: date | None) -> bool:
    return day is not None and day < date.today()


def init_app(app: Flask) -> None:
    from forum.resources import demo
    from forum.resources.views import bp

    app.register_blueprint(bp)
    app.extensions.setdefault("demo_seeders", []).append(demo.seed)
    # The thread page shows a resource's card too: the same words there as in the library.
    app.jinja_env.filters.update(
        file_kind_label=file_kind_label, file_size=describe_size, link_host=link_host
    )
    app.jinja_env.tests["past"] = is_past
