"""The screening of new and edited posts: watched words and premoderation (forum.screening).

judge() runs before posting writes anything: one query loads the site's and the space's watched
words, and under `new_members` premoderation one more counts the author's published posts.
file() runs once the post is written: a held post gets its HELD item and a log entry, a flagged
one its watched-word flags in the post's open item.
"""

from collections.abc import Sequence

from sqlalchemy import func, or_, select

from forum import audit, policy
from forum.extensions import db
from forum.models import (
    ActionKind,
    Persona,
    Post,
    PostStatus,
    Premoderation,
    QueueKind,
    Space,
    Thread,
    User,
    WatchAction,
    WatchedWord,
)
from forum.screening import Verdict
from moderation import words
from moderation.flags import flag_for_watched_words
from moderation.items import open_item_for

# Under `new_members` premoderation, a member's posts wait until this many have gone through.
NEW_MEMBER_POSTS_HELD = 3
# Posts that went through: published, whatever happened to them later, bar a removal.
_WENT_THROUGH = (PostStatus.VISIBLE, PostStatus.HIDDEN, PostStatus.DELETED)


def watched_in(space: Space) -> list[words.Watch]:
    """The site's watched words and the space's own, in one query."""
    rows = db.session.execute(
        select(WatchedWord.phrase, WatchedWord.folded, WatchedWord.action).where(
            or_(WatchedWord.space_id.is_(None), WatchedWord.space_id == space.id)
        )
    )
    return [words.Watch(row.phrase, row.folded, row.action) for row in rows]


def _is_new_member(user: User, space: Space) -> bool:
    published = db.session.scalar(
        select(func.count(Post.id))
        .join(Persona, Persona.id == Post.persona_id)
        .where(
            Persona.user_id == user.id,
            Post.space_id == space.id,
            Post.status.in_(_WENT_THROUGH),
        )
    )
    return published < NEW_MEMBER_POSTS_HELD


def _premoderated(user: User, space: Space) -> bool:
    if space.premoderation == Premoderation.OFF:
        return False
    return space.premoderation == Premoderation.ALL or _is_new_member(user, space)


class Intake:
    """The screener moderation registers with forum.screening."""

    def judge(
        self, user: User, space: Space, texts: Sequence[str], editing: Post | None
    ) -> Verdict:
        found = words.matches(list(texts), watched_in(space))
        blocked = [watch for watch in found if watch.action == WatchAction.BLOCK]
        if blocked:  # even a phrase the post had before: it must go
            return Verdict(blocked_by=blocked[0].phrase)
        if editing is not None:  # an edit is held or flagged for what it adds
            already = {watch.folded for watch in words.matches(_texts_of(editing), found)}
            found = [watch for watch in found if watch.folded not in already]
        holding = [watch.phrase for watch in found if watch.action == WatchAction.HOLD]
        flagging = [watch.phrase for watch in found if watch.action == WatchAction.FLAG]
        if policy.is_site_admin(user) or policy.is_space_staff(user, space):
            return Verdict(flagged_by=tuple(flagging))  # the people who approve are never held
        if editing is not None and editing.status != PostStatus.VISIBLE:
            # Under review already: the moderators get the phrases to look at, as flags.
            return Verdict(flagged_by=tuple(holding + flagging))
        if holding:
            return Verdict(held_by=holding[0])
        if editing is None and _premoderated(user, space):
            return Verdict(premoderated=True)
        return Verdict(flagged_by=tuple(flagging))

    def file(self, post: Post, verdict: Verdict) -> None:
        if verdict.held:
            _hold(post, verdict)
        else:
            flag_for_watched_words(post, list(verdict.flagged_by))


def _texts_of(post: Post) -> list[str]:
    """What a post says now: its thread's title for a first post, its body and warning."""
    title = db.session.get(Thread, post.thread_id).title if post.is_first else ""
    return [title, post.body_source, post.content_warning or ""]


def _hold(post: Post, verdict: Verdict) -> None:
    item = open_item_for(post, QueueKind.HELD)
    item.kind = QueueKind.HELD  # a reported post edited into a held one now waits to be published
    audit.record(
        None,
        ActionKind.POST_HELD,
        space=db.session.get(Space, post.space_id),
        persona=db.session.get(Persona, post.persona_id),
        post=post,
        changes={"by": "premoderation" if verdict.premoderated else "watched_word"},
        note=f"Watched phrase: {verdict.held_by}" if verdict.held_by else "",
    )
