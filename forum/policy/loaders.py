"""Load and authorise in one call: what the viewer may not know exists answers 404.

A listed space may admit that one of its pages exists and refuse it (403, with the reason); a
hidden space, a thread or post the viewer may not read, and anything that does not exist answer
404, the same way, so no answer tells them apart or counts them. The actions on one's own words
(OWN_WORDS) need no access to the space: their rule alone decides, and a refusal is 404.
"""

from functools import cache

from flask import abort
from sqlalchemy import bindparam, select

from forum.extensions import db
from forum.models import Event, Post, Resource, Space, Thread, User
from forum.policy.actions import OWN_WORDS, Action
from forum.policy.rules import check


@cache
def _by_column(model, column: str):
    # Built once per process: building a statement costs more than running it.
    return select(model).where(getattr(model, column) == bindparam("value"))


def _find(model, column: str, value):
    return db.session.scalar(_by_column(model, column), {"value": value})


def _refuse(space: Space, reason) -> None:
    if reason.status == 404 or space.is_hidden:
        abort(404)
    abort(reason.status, reason.message)


def get_space_or_404(viewer: User, slug: str, action: Action = Action.SEE_SPACE) -> Space:
    """The space at this address when the viewer may see it and take the action."""
    space = _find(Space, "slug", slug)
    if space is not None and action in OWN_WORDS and check(viewer, action, space) is None:
        return space
    if space is None or check(viewer, Action.SEE_SPACE, space) is not None:
        abort(404)
    if action != Action.SEE_SPACE and (reason := check(viewer, action, space)):
        _refuse(space, reason)
    return space


def get_thread_or_404(viewer: User, space: Space, public_id: str) -> Thread:
    """The thread of this space (already loaded for the viewer) when the viewer may read it."""
    thread = _find(Thread, "public_id", public_id)
    return _readable_thread(viewer, space, thread)


def _readable_thread(viewer: User, space: Space, thread: Thread | None) -> Thread:
    if thread is None or thread.space_id != space.id:
        abort(404)
    if check(viewer, Action.READ_THREAD, thread) is not None:
        abort(404)  # a thread of a members-only space is no more there than a made-up one
    return thread


def get_post_or_404(
    viewer: User, public_id: str, action: Action = Action.READ_POST
) -> tuple[Post, Thread, Space]:
    """The post with its thread and space, when the viewer may read the post and take the
    action (a refusal of a post they read says why)."""
    post = _find(Post, "public_id", public_id)
    if post is None:
        abort(404)
    space = db.session.get(Space, post.space_id)
    if action in OWN_WORDS and check(viewer, action, post) is None:
        return post, db.session.get(Thread, post.thread_id), space
    if check(viewer, Action.SEE_SPACE, space) is not None:
        abort(404)
    thread = _readable_thread(viewer, space, db.session.get(Thread, post.thread_id))
    if check(viewer, Action.READ_POST, post) is not None:
        abort(404)
    if action != Action.READ_POST and (reason := check(viewer, action, post)):
        abort(reason.status, reason.message)
    return post, thread, space


def get_resource_or_404(viewer: User, space: Space, public_id: str) -> Resource:
    """The resource of this space (already loaded for the viewer) when the viewer may read it:
    a held, hidden, removed or deleted one answers like a made-up one to everyone else."""
    resource = _find(Resource, "public_id", public_id)
    if resource is None or resource.space_id != space.id:
        abort(404)
    if check(viewer, Action.READ_RESOURCE, resource) is not None:
        abort(404)
    return resource


def get_event_or_404(
    viewer: User, space: Space, public_id: str, action: Action = Action.READ_EVENT
) -> Event:
    """The event of this space (already loaded for the viewer) when the viewer may read it and
    take the action (a refusal of an event they read says why)."""
    event = _find(Event, "public_id", public_id)
    if event is None or event.space_id != space.id:
        abort(404)
    if check(viewer, Action.READ_EVENT, event) is not None:
        abort(404)
    if action != Action.READ_EVENT and (reason := check(viewer, action, event)):
        _refuse(space, reason)
    return event
