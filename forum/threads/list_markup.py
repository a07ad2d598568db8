"""The rows of a thread list (a space's threads, the front page's recent ones), built in Python.

As with posts (forum/threads/post_markup.py): a list shows up to 30 threads, and Jinja's macro
calls and look-ups per row cost more than the row's markup. One call renders a whole list.
Every text from a row is escaped; public ids and slugs, and the links made of them, are
URL-safe as they are. Templates call these as space_thread_items() and recent_thread_items().
"""

from flask import Flask
from markupsafe import Markup, escape

from forum.identity.authors import author_element
from forum.threads.post_markup import placeholder
from forum.times import minute_element
from forum.url_patterns import url_pattern

_PINNED = '<span class="badge">Pinned</span>'
_RESOURCE = '<span class="badge badge-resource">Resource</span>'
_LOCKED = '<span class="badge badge-locked">Locked</span>'
_WARNED = '<span class="badge badge-cw">Content warning</span>'


def _heading(thread, link: str, permalink) -> str:
    title = escape(thread.title) if thread.title is not None else placeholder(thread.status)
    heading = f'<h3><a href="{link}" dir="auto">{title}</a>'
    if thread.new_posts:
        heading += (
            f' <a class="badge badge-new" href="{permalink(thread.first_unread)}">'
            f'{thread.new_posts} new<span class="visually-hidden"> since your last visit: go to '
            "the first</span></a>"
        )
    return heading + "</h3>"


def _replies(count: int) -> str:
    return f"{count} repl{'y' if count == 1 else 'ies'}"


def space_thread_items(threads, slug: str) -> Markup:
    """A space page's threads (ThreadSummary rows) as the <li> items of its list."""
    thread_url = url_pattern("threads.thread", "thread_public_id", slug=slug)
    permalink = url_pattern("threads.permalink", "post_public_id")
    parts = []
    for thread in threads:
        badges = "".join(
            f"{badge} "
            for shown, badge in (
                (thread.pinned, _PINNED),
                (thread.is_resource and thread.title, _RESOURCE),
                (thread.locked, _LOCKED),
                (thread.content_warning, _WARNED),
            )
            if shown
        )
        started = f"Started by {author_element(thread.author)} · " if thread.author else ""
        parts.append(
            f'<li class="thread-item{" is-pinned" if thread.pinned else ""}">'
            f"{_heading(thread, thread_url(thread.public_id), permalink)}"
            f'<p class="meta">{badges}{started}{_replies(thread.reply_count)} · '
            f"last activity {minute_element(thread.last_activity_at)}</p></li>"
        )
    return Markup("".join(parts))  # noqa: S704 (every text is escaped)


def recent_thread_items(threads) -> Markup:
    """The front page's recent threads (ThreadSummary rows with their space) as <li> items."""
    thread_url = url_pattern("threads.thread", "slug", "thread_public_id")
    space_url = url_pattern("spaces.space", "slug")
    permalink = url_pattern("threads.permalink", "post_public_id")
    parts = []
    for thread in threads:
        started = f"started by {author_element(thread.author)} · " if thread.author else ""
        parts.append(
            '<li class="thread-item">'
            f"{_heading(thread, thread_url(thread.space_slug, thread.public_id), permalink)}"
            f'<p class="meta">In <a href="{space_url(thread.space_slug)}"><bdi>'
            f"{escape(thread.space_name)}</bdi></a> · {started}{_replies(thread.reply_count)}"
            f"{' ' + _WARNED if thread.content_warning else ''}</p></li>"
        )
    return Markup("".join(parts))  # noqa: S704 (every text is escaped)


def init_app(app: Flask) -> None:
    """Offer the builders to templates."""
    app.jinja_env.globals.update(
        space_thread_items=space_thread_items, recent_thread_items=recent_thread_items
    )
