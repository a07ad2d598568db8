"""Telling people of a published post: whom it mentions, its parent's author, its watchers.

Each person at most once per post, the writer never.

Called when a post becomes visible to its readers (posted unheld, or published by a moderator),
never for a held or declined one. A fixed number of statements however many are told.
"""

import re

from sqlalchemy import Integer, bindparam, exists, func, select, update

from forum.extensions import db
from forum.models import Notification, NotificationKind, Persona, Post, Space, ThreadWatch
from forum.models.types import utcnow
from forum.notifications.services import notify_many

# `@` not inside a word or an address, then up to three words: a pseudonym is "Adjective Noun
# 17", a username one word.
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_-]+(?: [A-Za-z0-9_-]+){0,2})")
# Beyond this many mentions in one post the rest tell nobody: no mass pinging.
MENTIONS_PER_POST = 10


def mentioned_names(body: str) -> list[list[str]]:
    """For each of the first MENTIONS_PER_POST mentions, the names it may mean, longest first
    ("@Patient Heron 17 thanks" may mean "patient heron 17 thanks", … "patient"), lower-cased."""
    found = []
    for match in MENTION.finditer(body):
        words = match.group(1).split(" ")
        found.append([" ".join(words[:n]).lower() for n in range(len(words), 0, -1)])
        if len(found) == MENTIONS_PER_POST:
            break
    return found


def mentioned_personas(space: Space, body: str) -> set[int]:
    """The personas of the space that the body's mentions name: a handle (a pseudonym's, or a
    named persona's, which is its username) of that space only, the longest that matches.
    So @username finds someone only by their named persona there, never behind a pseudonym."""
    mentions = mentioned_names(body)
    if not mentions:
        return set()
    names = {name for mention in mentions for name in mention}
    handles = dict(
        db.session.execute(
            select(func.lower(Persona.handle), Persona.id).where(
                Persona.space_id == space.id, func.lower(Persona.handle).in_(names)
            )
        ).all()
    )
    return {
        handles[name]
        for mention in mentions
        if (name := next((n for n in mention if n in handles), None)) is not None
    }


def _unread_of_posts(viewer_id, post_ids) -> tuple:
    return (
        Notification.user_id == viewer_id,
        Notification.read_at.is_(None),
        Notification.kind.in_([NotificationKind.REPLY, NotificationKind.MENTION]),
        Notification.post_id.in_(post_ids),
    )


def unread_of_posts_clause():
    """SQL truth: something told the viewer (`viewer_id`) of one of the posts bound as `shown`
    (a reply, a mention) and is unread: what read_with_posts() would mark read."""
    shown = bindparam("shown", expanding=True)
    return exists().where(*_unread_of_posts(bindparam("viewer_id", type_=Integer), shown))


def read_with_posts(connection, viewer_id: int, post_ids: list[int]) -> None:
    """The viewer saw these posts: what told them of one (a reply, a mention) is read now."""
    connection.execute(
        update(Notification).where(*_unread_of_posts(viewer_id, post_ids)).values(read_at=utcnow())
    )


def tell_of_post(post: Post, *, mentions_only: bool = False) -> None:
    """Tell whom the published post mentions and, for a reply (unless `mentions_only`, as for
    an edit), its parent's author and the thread's watchers."""
    space = db.session.get(Space, post.space_id)
    writer_id = db.session.get(Persona, post.persona_id).user_id
    personas = mentioned_personas(space, post.body_source)
    if personas:
        notify_many(
            select(Persona.user_id).where(Persona.id.in_(personas)),
            NotificationKind.MENTION,
            space=space,
            actor_id=writer_id,
            post=post,
        )
    if mentions_only or post.parent_id is None:
        return
    parent_author = (
        select(Persona.user_id)
        .join(Post, Post.persona_id == Persona.id)
        .where(Post.id == post.parent_id)
    )
    notify_many(
        parent_author,
        NotificationKind.REPLY,
        space=space,
        actor_id=writer_id,
        post=post,
        data={"to_your_post": True},
    )
    notify_many(
        select(ThreadWatch.user_id).where(ThreadWatch.thread_id == post.thread_id),
        NotificationKind.REPLY,
        space=space,
        actor_id=writer_id,
        post=post,
    )
