"""A thread's header: what every page of a thread shows of it, as the viewer may read it."""

from dataclasses import dataclass

from forum import policy
from forum.models import Space, Thread, User
from forum.policy import posts as post_rule


@dataclass(frozen=True)
class ThreadHeader:
    """What every page of a thread shows of it, as this viewer may read it."""

    id: int
    public_id: str
    title: str | None  # None: the first post is gone for this viewer, and its title with it
    status: str
    content_warning: str | None
    pinned: bool
    locked: bool
    reply_count: int


def thread_header(viewer: User, thread: Thread, space: Space) -> ThreadHeader:
    """The thread's header for the viewer, by the same read rule as its first post."""
    shown = post_rule.shows_body(
        thread.status,
        is_author=policy.is_author(viewer, thread),
        is_staff=policy.is_space_staff(viewer, space),
    )
    return ThreadHeader(
        id=thread.id,
        public_id=thread.public_id,
        title=thread.title if shown else None,
        status=thread.status,
        content_warning=thread.content_warning if shown else None,
        pinned=thread.pinned,
        locked=thread.locked,
        reply_count=thread.reply_count,
    )
