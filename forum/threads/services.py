"""Posting use cases: start a thread, reply, edit and delete one's own posts."""

import math
from datetime import timedelta

from sqlalchemy import func, select, update

from forum import identity, limits, markup, policy
from forum.extensions import db
from forum.models import Persona, PersonaKind, Post, PostRevision, PostStatus, Space, Thread, User
from forum.models.post import (
    CONTENT_WARNING_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    path_segment,
)
from forum.models.types import utcnow
from forum.policy import Action

BODY_MAX_LENGTH = 20_000
# Replies nest to any depth the path column holds; deeper replies attach to the deepest post.
MAX_DEPTH = 250
NEW_ACCOUNT_AGE = timedelta(days=1)


class PostingError(Exception):
    """A post was refused; the message says why, and the form keeps what the person wrote."""


class RulesNotAccepted(PostingError):
    """The space's rules changed since the member last accepted them."""


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise PostingError("Please write something before posting.")
    if len(body) > BODY_MAX_LENGTH:
        raise PostingError(
            f"Posts are at most {BODY_MAX_LENGTH:,} characters; this one has {len(body):,}."
        )
    return body


def _require(user: User, action: Action, target: object) -> None:
    try:
        policy.require(user, action, target)
    except policy.PolicyError as error:
        raise PostingError(str(error)) from None


def _check_rules(user: User, space: Space, accept_rules: bool) -> None:
    membership = policy.active_membership(user, space)
    if membership.has_accepted_current_rules(space):
        return
    if not accept_rules:
        raise RulesNotAccepted(
            "This space's rules have changed since you joined. Please read them and tick the "
            "box to accept them; your post is kept below."
        )
    membership.rules_version_accepted = space.rules_version


def _check_slow_mode(user: User, space: Space) -> None:
    if not space.slow_mode_seconds:
        return
    last = db.session.scalar(
        select(func.max(Post.created_at))
        .join(Persona, Persona.id == Post.persona_id)
        .where(Persona.user_id == user.id, Post.space_id == space.id)
    )
    if last is None:
        return
    wait = space.slow_mode_seconds - (utcnow() - last).total_seconds()
    if wait > 0:
        every = limits.describe_wait(space.slow_mode_seconds)
        raise limits.RateLimited(
            math.ceil(wait), f"This space is in slow mode: one post every {every}."
        )


def _spend_budget(user: User, new_thread: bool) -> None:
    new_account = utcnow() - user.created_at < NEW_ACCOUNT_AGE
    if new_thread:
        budget = limits.NEW_THREAD_NEW_ACCOUNT if new_account else limits.NEW_THREAD
    else:
        budget = limits.REPLY_NEW_ACCOUNT if new_account else limits.REPLY
    budget.spend(f"user:{user.id}")


def _persona(user: User, space: Space, kind: str) -> Persona:
    try:
        kind = PersonaKind(kind)
    except ValueError:
        kind = None
    if kind not in identity.allowed_kinds(space):
        raise PostingError("Please choose how you appear: this space does not allow that identity.")
    return identity.persona_for(user, space, kind)


def _new_post(thread: Thread, parent: Post | None, persona: Persona, body: str) -> Post:
    post = Post(
        thread_id=thread.id,
        space_id=thread.space_id,
        parent_id=parent.id if parent else None,
        persona_id=persona.id,
        depth=parent.depth + 1 if parent else 0,
        body_source=body,
        body_html=markup.render(body),
        render_version=markup.RENDER_VERSION,
        status=PostStatus.VISIBLE,
    )
    db.session.add(post)
    db.session.flush()  # the id is part of the path
    post.path = (parent.path if parent else "") + path_segment(post.id)
    return post


def start_thread(
    user: User,
    space: Space,
    *,
    title: str,
    body: str,
    kind: str,
    content_warning: str = "",
    accept_rules: bool = False,
) -> Thread:
    """Start a thread in the space under the chosen identity."""
    _require(user, Action.START_THREAD, space)
    title = " ".join(title.split())
    if not TITLE_MIN_LENGTH <= len(title) <= TITLE_MAX_LENGTH:
        raise PostingError(f"Titles are {TITLE_MIN_LENGTH} to {TITLE_MAX_LENGTH} characters long.")
    content_warning = " ".join((content_warning or "").split())
    if len(content_warning) > CONTENT_WARNING_MAX_LENGTH:
        raise PostingError(
            f"Content warnings are at most {CONTENT_WARNING_MAX_LENGTH} characters long."
        )
    body = _clean_body(body)
    persona = _persona(user, space, kind)
    _check_rules(user, space, accept_rules)
    _check_slow_mode(user, space)
    _spend_budget(user, new_thread=True)

    now = utcnow()
    thread = Thread(
        space_id=space.id,
        persona_id=persona.id,
        title=title,
        content_warning=content_warning or None,
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    _new_post(thread, None, persona, body)
    space.last_activity_at = now
    db.session.flush()
    return thread


def first_post(thread: Thread) -> Post:
    """The post that opened the thread."""
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))


def post_reply(
    user: User, parent: Post, *, body: str, kind: str, accept_rules: bool = False
) -> Post:
    """Reply to a post (the thread's first post, or any reply) under the chosen identity."""
    thread = db.session.get(Thread, parent.thread_id)
    space = db.session.get(Space, thread.space_id)
    if thread.locked:
        raise PostingError("This thread is locked: it takes no new replies.")
    if parent.status in (PostStatus.DELETED, PostStatus.REMOVED):
        raise PostingError("That post was deleted, so it takes no new replies.")
    _require(user, Action.REPLY, thread)
    body = _clean_body(body)
    persona = _persona(user, space, kind)
    _check_rules(user, space, accept_rules)
    _check_slow_mode(user, space)
    _spend_budget(user, new_thread=False)

    while parent.depth >= MAX_DEPTH:
        parent = db.session.get(Post, parent.parent_id)
    post = _new_post(thread, parent, persona, body)
    now = utcnow()
    # One statement, so two replies at once both count.
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(reply_count=Thread.reply_count + 1, last_activity_at=now)
    )
    space.last_activity_at = now
    db.session.flush()
    db.session.refresh(thread)
    return post


def edit_post(user: User, post: Post, body: str) -> Post:
    """Change a post's text, keeping the earlier text as a revision; the identity never changes."""
    _require(user, Action.EDIT_POST, post)
    body = _clean_body(body)
    if body == post.body_source:
        return post
    db.session.add(PostRevision(post_id=post.id, body_source=post.body_source))
    post.body_source = body
    post.body_html = markup.render(body)
    post.render_version = markup.RENDER_VERSION
    post.edited_at = utcnow()
    db.session.flush()
    return post


def delete_post(user: User, post: Post) -> None:
    """Delete one's own post: a placeholder keeps its replies in place."""
    _require(user, Action.DELETE_POST, post)
    post.status = PostStatus.DELETED
    db.session.flush()


def rerender_posts(batch_size: int = 500) -> int:
    """Re-render every post whose HTML came from an older renderer; return how many changed."""
    changed = 0
    while True:
        posts = db.session.scalars(
            select(Post).where(Post.render_version != markup.RENDER_VERSION).limit(batch_size)
        ).all()
        if not posts:
            return changed
        for post in posts:
            post.body_html = markup.render(post.body_source)
            post.render_version = markup.RENDER_VERSION
        db.session.flush()
        changed += len(posts)
