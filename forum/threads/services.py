"""Posting use cases: start a thread, reply, edit and delete one's own posts.

Each use case makes every check before its first write, and spends the rate limit last, so a
refused post leaves nothing behind: no persona, no accepted rules, no spent budget.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update

from forum import identity, limits, markup, policy, screening
from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    GONE_STATUSES,
    IdentityMode,
    Persona,
    PersonaKind,
    Post,
    PostRevision,
    PostStatus,
    Space,
    Thread,
    User,
)
from forum.models.post import (
    CONTENT_WARNING_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    path_segment,
)
from forum.models.types import utcnow
from forum.notifications.posts import tell_of_post
from forum.policy import Action, Refusal, refusals
from forum.threads import statuses, watching

BODY_MAX_LENGTH = 20_000
# Replies nest to any depth the path column holds; deeper replies attach to the deepest post.
MAX_DEPTH = 250
NEW_ACCOUNT_AGE = timedelta(days=1)


class PostingError(DomainError):
    """A post was refused; the message says why, and the form keeps what the person wrote."""


def _screened(user: User, space: Space, texts, editing: Post | None = None) -> screening.Verdict:
    """Moderation's verdict on the post (watched words, premoderation); a refusal names the
    phrase, before anything is written."""
    verdict = screening.judge(user, space, texts, editing)
    if verdict.blocked_by is not None:
        raise PostingError(
            f"Your post contains “{verdict.blocked_by}”, which is not allowed here. Nothing "
            "was posted; your text is kept below."
        )
    return verdict


def clean_body(body: str) -> str:
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise PostingError("Please write something before posting.")
    if len(body) > BODY_MAX_LENGTH:
        raise PostingError(
            f"Posts are at most {BODY_MAX_LENGTH:,} characters; this one has {len(body):,}."
        )
    return body


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not TITLE_MIN_LENGTH <= len(title) <= TITLE_MAX_LENGTH:
        raise PostingError(f"Titles are {TITLE_MIN_LENGTH} to {TITLE_MAX_LENGTH} characters long.")
    return title


def clean_content_warning(content_warning: str | None) -> str | None:
    content_warning = " ".join((content_warning or "").split())
    if len(content_warning) > CONTENT_WARNING_MAX_LENGTH:
        raise PostingError(
            f"Content warnings are at most {CONTENT_WARNING_MAX_LENGTH} characters long."
        )
    return content_warning or None


@dataclass(frozen=True)
class Draft:
    """What a member wrote, checked: the persona kind, the body, an optional content warning."""

    kind: PersonaKind
    body: str
    content_warning: str | None
    verdict: screening.Verdict = screening.Verdict()

    @property
    def status(self) -> PostStatus:
        return PostStatus.PENDING if self.verdict.held else PostStatus.VISIBLE


def _persona_kind(space: Space, kind: str) -> PersonaKind:
    try:
        persona_kind = PersonaKind(kind)
    except ValueError:
        persona_kind = None
    if persona_kind not in identity.allowed_kinds(space):
        raise PostingError("Please choose how you appear: this space does not allow that identity.")
    return persona_kind


def _check_named_is_chosen(user: User, space: Space, kind: PersonaKind, confirmed: bool) -> None:
    """In a named space, someone who posted here under a pseudonym (before the space showed
    usernames) posts under their username only when they confirm it on this very post."""
    if kind != PersonaKind.NAMED or space.identity_mode != IdentityMode.NAMED or confirmed:
        return
    if identity.find_persona(user, space, PersonaKind.PSEUDONYM) is not None:
        raise PostingError(
            "This space now shows usernames, and you have posted here under a pseudonym. To post "
            f"this under your username {user.username}, tick “Post under my username”. "
            "Nothing was posted; what you wrote is kept below."
        )


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


def _spend_budget(user: User, *, new_thread: bool) -> None:
    new_account = utcnow() - user.created_at < NEW_ACCOUNT_AGE
    if new_thread:
        budget = limits.NEW_THREAD_NEW_ACCOUNT if new_account else limits.NEW_THREAD
    else:
        budget = limits.REPLY_NEW_ACCOUNT if new_account else limits.REPLY
    budget.spend(f"user:{user.id}")


def _accepted(
    user: User,
    space: Space,
    body,
    kind,
    content_warning,
    accept_rules,
    new_thread: bool,
    confirm_named: bool = False,
    title: str = "",
) -> tuple[Draft, Persona]:
    """Every check a post needs after the policy's, in the order people fix them, with the rate
    limit spent last; then the post's first writes: the rules accepted with it, and the persona
    on first use."""
    body, content_warning = clean_body(body), clean_content_warning(content_warning)
    kind = _persona_kind(space, kind)
    _check_named_is_chosen(user, space, kind, confirm_named)
    membership = policy.active_membership(user, space)
    if not accept_rules and not membership.has_accepted_current_rules(space):
        raise Refusal(refusals.RULES_NOT_ACCEPTED)
    _check_slow_mode(user, space)
    verdict = _screened(user, space, [title, body, content_warning or ""])
    draft = Draft(kind, body, content_warning, verdict)
    _spend_budget(user, new_thread=new_thread)
    membership.rules_version_accepted = max(
        membership.rules_version_accepted or 0, space.rules_version
    )
    return draft, identity.persona_for(user, space, draft.kind)


def _new_post(thread: Thread, parent: Post | None, persona: Persona, draft: Draft) -> Post:
    post = Post(
        thread_id=thread.id,
        space_id=thread.space_id,
        parent_id=parent.id if parent else None,
        persona_id=persona.id,
        depth=parent.depth + 1 if parent else 0,
        body_source=draft.body,
        body_html=markup.render(draft.body),
        render_version=markup.RENDER_VERSION,
        content_warning=draft.content_warning,
        status=draft.status,
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
    confirm_named: bool = False,
) -> Thread:
    """Start a thread in the space under the chosen identity."""
    policy.require(user, Action.START_THREAD, space)
    title = clean_title(title)
    draft, persona = _accepted(
        user, space, body, kind, content_warning, accept_rules, True, confirm_named, title
    )
    now = utcnow()
    thread = Thread(
        space_id=space.id,
        persona_id=persona.id,
        title=title,
        content_warning=draft.content_warning,
        status=draft.status,  # a held first post holds its thread
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    post = _new_post(thread, None, persona, draft)
    watching.start_watching(user, thread)
    if not draft.verdict.held:  # a held thread moves its space when it is published
        space.last_activity_at = now
        tell_of_post(post)
    screening.file(post, draft.verdict)
    db.session.flush()
    return thread


def post_reply(
    user: User,
    parent: Post,
    *,
    body: str,
    kind: str,
    content_warning: str = "",
    accept_rules: bool = False,
    confirm_named: bool = False,
) -> Post:
    """Reply to a post (the thread's first post, or any reply) under the chosen identity."""
    thread = db.session.get(Thread, parent.thread_id)
    space = db.session.get(Space, thread.space_id)
    policy.require(user, Action.REPLY, thread)
    policy.require(user, Action.READ_POST, parent)
    if parent.status in GONE_STATUSES:
        raise Refusal(refusals.POST_GONE)
    if parent.status == PostStatus.PENDING:
        raise Refusal(refusals.POST_WAITING)
    draft, persona = _accepted(
        user, space, body, kind, content_warning, accept_rules, False, confirm_named
    )
    while parent.depth >= MAX_DEPTH:
        parent = db.session.get(Post, parent.parent_id)
    post = _new_post(thread, parent, persona, draft)
    if not draft.verdict.held:  # a held reply counts when it is published (publish_post)
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
        tell_of_post(post)  # a held reply tells people when it is published
    screening.file(post, draft.verdict)
    return post


def edit_post(
    user: User,
    post: Post,
    *,
    body: str,
    content_warning: str | None = None,
    title: str | None = None,
) -> bool:
    """Change a post's text, content warning and (for a first post) its thread's title.

    The earlier version is kept as a revision; the identity never changes. Return whether
    anything changed.
    """
    policy.require(user, Action.EDIT_POST, post)
    body = clean_body(body)
    content_warning = clean_content_warning(content_warning)
    thread = db.session.get(Thread, post.thread_id) if post.is_first else None
    title = clean_title(title) if thread is not None and title is not None else None
    unchanged = (
        body == post.body_source
        and content_warning == post.content_warning
        and (thread is None or title in (None, thread.title))
    )
    if unchanged:
        return False
    space = db.session.get(Space, post.space_id)
    verdict = _screened(user, space, [title or "", body, content_warning or ""], post)
    limits.EDIT.spend(f"user:{user.id}")
    db.session.add(
        PostRevision(
            post_id=post.id,
            body_source=post.body_source,
            content_warning=post.content_warning,
            title=thread.title if thread is not None else None,
        )
    )
    post.body_source = body
    post.body_html = markup.render(body)
    post.render_version = markup.RENDER_VERSION
    post.content_warning = content_warning
    post.edited_at = utcnow()
    if thread is not None:
        thread.title = title or thread.title
        thread.content_warning = content_warning
    if verdict.held:
        statuses.hold_again(post, thread)
    elif post.status == PostStatus.VISIBLE:
        tell_of_post(post, mentions_only=True)  # someone the edit mentions first
    screening.file(post, verdict)
    db.session.flush()
    return True


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
