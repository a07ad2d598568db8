"""The screening hook posting calls: whether a new or edited post is refused, held or flagged.

Posting (forum.threads) asks `judge()` before its first write and calls `file()` once the post
is written. The moderation package fills the hook when it is registered (moderation.init_app);
until then, and in an app without it, every post is published as it is. So forum never
imports moderation.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app

from forum.models import Post, Space, User

_EXTENSION = "safe_spaces.screener"


@dataclass(frozen=True)
class Verdict:
    """What becomes of a post. The strongest action wins: refused, else held, else flagged."""

    # The phrase, as its list spells it, that refuses the post.
    blocked_by: str | None = None
    # Held for a moderator's approval, by premoderation or by a watched phrase (named here).
    premoderated: bool = False
    held_by: str | None = None
    # Published, and put in the queue by these phrases.
    flagged_by: tuple[str, ...] = ()

    @property
    def held(self) -> bool:
        return self.blocked_by is None and (self.premoderated or self.held_by is not None)


class Screener(Protocol):
    def judge(
        self, user: User, space: Space, texts: Sequence[str], editing: Post | None
    ) -> Verdict:
        """The verdict on what the user is posting (title, body, content warning), or on an
        edit of `editing`, read before the edit changes it. Only a new post, or an edit of a
        visible one, is held."""

    def file(self, post: Post, verdict: Verdict) -> None:
        """Put the written post in the queue as the verdict says."""


class PublishEverything:
    """The hook's default: nothing is refused, held or flagged."""

    def judge(self, user, space, texts, editing) -> Verdict:
        return Verdict()

    def file(self, post, verdict) -> None:
        return None


def register(app: Flask, screener: Screener) -> None:
    """Screen this app's posts with `screener`."""
    app.extensions[_EXTENSION] = screener


def _screener() -> Screener:
    return current_app.extensions.get(_EXTENSION) or PublishEverything()


def judge(user: User, space: Space, texts: Sequence[str], editing: Post | None = None) -> Verdict:
    """The verdict on a new post, or an edit of `editing`, before anything is written."""
    return _screener().judge(user, space, texts, editing)


def file(post: Post, verdict: Verdict) -> None:
    """Queue the written post as its verdict says."""
    _screener().file(post, verdict)
