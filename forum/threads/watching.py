"""Watching a thread: a member hears of every reply in it; its author watches from the start."""

from functools import cache

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from forum import policy
from forum.extensions import db
from forum.models import Thread, ThreadWatch, User
from forum.policy import Action


@cache
def _watch_statement():
    # Built once per process: building a statement costs more than running it.
    return select(ThreadWatch.user_id).where(
        ThreadWatch.user_id == bindparam("user_id"), ThreadWatch.thread_id == bindparam("thread_id")
    )


def is_watching(user: User, thread: Thread) -> bool:
    """Whether the account watches the thread: one query, none for a visitor."""
    if not user.is_authenticated:
        return False
    found = db.session.scalar(_watch_statement(), {"user_id": user.id, "thread_id": thread.id})
    return found is not None


def start_watching(user: User, thread: Thread) -> None:
    """Watch the thread (no policy check: for the use cases that have checked already)."""
    try:
        with db.session.begin_nested():  # a double submit, or two at once: one row
            db.session.add(ThreadWatch(user_id=user.id, thread_id=thread.id))
    except IntegrityError:
        pass


def watch_thread(user: User, thread: Thread, watch: bool) -> None:
    """Start or stop hearing of every reply in a thread the account may read."""
    policy.require(user, Action.READ_THREAD, thread)
    if watch:
        if not is_watching(user, thread):
            start_watching(user, thread)
        return
    db.session.execute(
        delete(ThreadWatch).where(
            ThreadWatch.user_id == user.id, ThreadWatch.thread_id == thread.id
        )
    )
    db.session.flush()
