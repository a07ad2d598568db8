"""A post's markup, and a tree of replies', built in Python rather than by Jinja macros.

A thread page shows up to 108 posts; a macro per post, with Jinja's calls, escaping and look-ups,
cost several times the markup itself (docs/performance.md, "Member pages"). Templates call these
as render_post(), post_body() and replies(). Every text read from a row is escaped here; public
ids (random, [a-z2-7]) and the links made of them have nothing to escape. A post's body enters
the page through markup.rendered(), the one door for rendered Markdown.

What a viewer sees of a post follows forum/policy/posts.py: the query already left out the body
(and the author) of a post the viewer may not read, and a placeholder stands in for it.
"""

from flask import Flask
from markupsafe import Markup, escape

from forum.identity.authors import author_element, author_html
from forum.markup import rendered
from forum.models import PostStatus
from forum.times import minute_element
from forum.url_patterns import url_pattern

PLACEHOLDERS = {
    "deleted": "[deleted]",
    "removed": "[removed by a moderator]",
    "declined": "[declined by a moderator]",
    "hidden": "[hidden while moderators review it]",
    "pending": "[awaiting review]",
}
NOTICES = {
    "pending": "Awaiting review: only you and the space’s moderators can see this post for now.",
    "hidden": "Hidden while moderators review reports about it: only you and the space’s "
    "moderators can see it.",
    "removed": "Removed by a moderator: only you and the space’s moderators can see it.",
    "declined": "Not published: a moderator declined it. Only you and the space’s moderators can "
    "see it.",
}
_APPEALABLE = (PostStatus.REMOVED, PostStatus.DECLINED)
_AUTHOR_GONE = '<span class="author">[deleted]</span>'
_NEW = (
    ' <span class="badge badge-new">new<span class="visually-hidden"> since your last visit'
    "</span></span>"
)
_CONTEXT_NOTE = (
    '<p class="context-note">Shown again from an earlier page: the replies below answer it.</p>'
)


def placeholder(status: str) -> str:
    """What stands in for a post, or a thread's title, the viewer may not read."""
    return PLACEHOLDERS.get(status, "[deleted]")


def _meta(post, links, parts: list) -> None:
    public_id = post.public_id
    parts.append(f'<p class="post-meta" id="p{public_id}-meta">')
    parts.append(author_element(post.author) if post.shows_body else _AUTHOR_GONE)
    time = minute_element(post.created_at)
    parts.append(f' · <a class="permalink" href="{links.permalink(public_id)}">{time}</a>')
    if post.is_new:
        parts.append(_NEW)
    if post.edited_at and post.shows_body and not post.is_gone:
        parts.append(f' · <a href="{links.revisions(public_id)}" class="edited">edited</a>')
    parts.append("</p>")


def _text(post, parts: list) -> None:
    if not post.shows_body:
        parts.append(f'<p class="placeholder">{placeholder(post.status)}</p>')
        return
    if post.status in NOTICES:
        reason = post.decision_reason
        said = f' Reason: <span dir="auto">{escape(reason)}</span>' if reason else ""
        parts.append(f'<p class="notice post-status">{NOTICES[post.status]}{said}</p>')
    if post.status in _APPEALABLE and post.author.is_you:
        appeal = url_pattern("moderation.appeal_post", "post_public_id")(post.public_id)
        parts.append(f'<p class="post-appeal"><a href="{appeal}">Appeal this decision</a></p>')
    if post.content_warning:
        parts.append(
            '<details class="content-warning"><summary>Content warning: '
            f'<span dir="auto">{escape(post.content_warning)}</span> '
            '<span class="when-closed">(show the post)</span>'
            '<span class="when-open">(hide the post)</span></summary>'
            f"{rendered(post.body_html)}</details>"
        )
    else:
        parts.append(rendered(post.body_html))


def _actions(post, links, parts: list) -> None:
    if not (
        post.can_reply or post.can_edit or post.can_delete or post.can_flag or post.can_moderate
    ):
        return
    public_id = post.public_id
    parts.append('<div class="post-actions">')
    if post.can_reply:
        parts.append(
            f'<a class="reply-link" href="{links.reply(public_id)}" '
            f'data-reply-to="{public_id}">Reply</a>'
        )
    if post.can_edit:
        parts.append(f' <a href="{links.edit(public_id)}">Edit</a>')
    if post.can_delete:
        parts.append(f' <a class="delete-link" href="{links.delete(public_id)}">Delete</a>')
    if post.can_flag:
        parts.append(f' <a class="flag-link" href="{links.flag(public_id)}">Report</a>')
    if post.can_moderate:
        parts.append(f' <a href="{links.moderate(public_id)}">Moderate</a>')
    parts.append("</div>")


def _post(post, links, parts: list, meta: bool = True, actions: bool = True) -> None:
    if meta:
        _meta(post, links, parts)
    _text(post, parts)
    if actions:
        _actions(post, links, parts)


def render_post(post, links, meta: bool = True, actions: bool = True) -> Markup:
    """A post: who and when (`meta`), its text as the viewer may read it (a placeholder, or the
    body behind any warning), and what the viewer may do with it (`actions`), with `links`
    (a PostLinks). Delete is a link to a page that asks to confirm; thread.js makes it a dialog."""
    parts: list = []
    _post(post, links, parts, meta, actions)
    return Markup("".join(parts))  # noqa: S704 (every value is escaped, the body sanitised)


def post_body(post) -> Markup:
    """A post's text alone, as the viewer may read it."""
    return render_post(post, None, meta=False, actions=False)


def replies(tree) -> Markup:
    """Replies with their branches (a PostTree), as nested lists: each reply an <li> holding its
    post and, in a <details> that collapses without a reload or a script, the <ol> of its own
    replies. A page that starts inside a branch repeats the posts above its first reply, marked.
    """
    links = tree.links
    parts: list = []
    for opening, post in tree.steps:
        public_id = post.public_id
        if opening:
            parts.append(
                f'<li class="reply is-new" id="p{public_id}">' if post.is_new
                else f'<li class="reply" id="p{public_id}">'
            )  # fmt: skip
            parts.append(f'<article class="post" aria-labelledby="p{public_id}-meta">')
            if post.is_context:
                parts.append(_CONTEXT_NOTE)
            _post(post, links, parts)
            parts.append("</article>")
            if post.children:
                count = len(post.children)
                parts.append(
                    '<details class="branch" open><summary><span class="when-open">Hide</span>'
                    f'<span class="when-closed">Show</span> {count} '
                    f'repl{"y" if count == 1 else "ies"}</summary><ol class="replies">'
                )
        else:
            if post.children:
                parts.append("</ol></details>")
            if post.has_hidden_replies:
                branch = links.branch(post.public_id)
                parts.append(f'<p class="continue"><a href="{branch}">Continue this thread →</a>')
                parts.append("</p>")
            parts.append("</li>")
    return Markup("".join(parts))  # noqa: S704 (every value is escaped, the bodies sanitised)


def init_app(app: Flask) -> None:
    """Offer the builders to templates, with the author's and the rendered-Markdown doors."""
    app.jinja_env.globals.update(
        render_post=render_post,
        post_body=post_body,
        replies=replies,
        author=author_html,
        rendered=rendered,
        placeholder=placeholder,
    )
