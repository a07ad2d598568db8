"""Deleting one's words: a post by its author, or every post of an account being deleted."""

from sqlalchemy import delete, select, update

from forum import policy, storage
from forum.extensions import db
from forum.models import Post, PostRevision, PostStatus, Resource, Thread, User
from forum.policy import Action


def delete_post(user: User, post: Post) -> None:
    """Delete one's own post: its words are erased, and a placeholder keeps its replies in place.

    The text, its warning and its earlier revisions leave the database, not only the pages.
    Deleting a thread's first post deletes its title and starter from every list too.
    """
    policy.require(user, Action.DELETE_POST, post)
    db.session.execute(delete(PostRevision).where(PostRevision.post_id == post.id))
    for column, value in _ERASED_POST.items():
        setattr(post, column, value)
    if post.is_first:
        thread = db.session.get(Thread, post.thread_id)
        for column, value in _ERASED_THREAD.items():
            setattr(thread, column, value)
        _delete_resource_file(thread)
    db.session.flush()


def _delete_resource_file(thread: Thread) -> None:
    """Deleting a resource's first post deletes the resource's file from storage too (a
    moderator's removal keeps it, for an appeal)."""
    resource = db.session.scalar(select(Resource).where(Resource.thread_id == thread.id))
    if resource is not None:
        _delete_file_of(resource)


def _delete_file_of(resource: Resource) -> None:
    if (key := resource.drop_file()) is not None:
        storage.storage().delete(key)


# What a deletion leaves of a post and of the thread it started: a placeholder, no words.
_ERASED_POST = {
    "status": PostStatus.DELETED,
    "body_source": "",
    "body_html": "",
    "content_warning": None,
}
_ERASED_THREAD = {"status": PostStatus.DELETED, "title": "", "content_warning": None}


def erase_posts_of(persona_ids) -> None:
    """Delete every post written under these personas (a selectable of ids), as their author
    deleting each would: for an account's deletion, in four statements whatever the count
    (and the stored files of the resources they shared)."""
    written = Post.persona_id.in_(persona_ids)
    db.session.execute(
        delete(PostRevision).where(PostRevision.post_id.in_(select(Post.id).where(written)))
    )
    db.session.execute(update(Post).where(written).values(**_ERASED_POST))
    started = Thread.persona_id.in_(persona_ids)
    db.session.execute(update(Thread).where(started).values(**_ERASED_THREAD))
    for resource in db.session.scalars(select(Resource).join(Thread).where(started)):
        _delete_file_of(resource)
