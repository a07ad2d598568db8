"""Words for replies, mentions, joining, invitations, announced changes and what waits for staff.

Each is told as the recipient may read its target now.

`text` may name a thread's title when the recipient may read it; `summary`, what a mail says,
names only what happened and where (the space), never a title nor a post's words. A target the
recipient can no longer read gives neither text nor summary anything from it.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app

from forum import policy
from forum.identity.authors import Author
from forum.models import Invitation, NotificationKind, PostStatus, Space, User
from forum.policy import Action


@dataclass(frozen=True)
class Telling:
    text: str
    summary: str
    reason: str = ""
    link: str | None = None  # a path on the site, when the recipient may follow it now
    link_text: str = ""


@dataclass(frozen=True)
class Target:
    """What a notification's row says of its target, for the words below."""

    kind: NotificationKind
    data: dict
    space: Space | None
    reason: str
    post_public_id: str | None
    post_status: str | None
    thread_title: str | None
    thread_status: str | None
    author: Author | None
    invitation: Invitation | None
    count: int  # how many the entry stands for (a group), 1 alone


def path(endpoint: str, **values) -> str:
    """A path on the site, also outside a request (the mail sender's command)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _when(moment: str) -> str:
    return f"{datetime.fromisoformat(moment):%d %B %Y, %H:%M} UTC"


def _who(author: Author | None) -> str:
    if author is None:
        return "Someone"
    return f"{author.handle} (pseudonym)" if author.is_pseudonym else author.handle


def _post_is_readable(viewer: User, target: Target) -> bool:
    return (
        target.space is not None
        and policy.can(viewer, Action.READ_SPACE, target.space)
        and target.post_status == PostStatus.VISIBLE
        and target.thread_status in (PostStatus.VISIBLE, PostStatus.DELETED)
    )


def _about_post(viewer: User, target: Target) -> Telling:
    is_mention = target.kind == NotificationKind.MENTION
    if not _post_is_readable(viewer, target):
        what = "mentioned you in" if is_mention else "replied in"
        return Telling(f"Someone {what} a post you can no longer read.", "")
    space = target.space.name
    title = target.thread_title if target.thread_status == PostStatus.VISIBLE else None
    where = f"“{title}” in {space}" if title else f"a thread in {space}"
    link = path("threads.permalink", post_public_id=target.post_public_id)
    if is_mention:
        return Telling(
            f"{_who(target.author)} mentioned you in {where}.",
            f"Someone mentioned you in {space}.",
            link=link,
            link_text="See the post",
        )
    to_you = target.data.get("to_your_post")
    if target.count > 1:
        text = f"{target.count} new replies in {where}."
        summary = f"{target.count} new replies in {space}."
    elif to_you:
        text = f"{_who(target.author)} replied to your post in {where}."
        summary = f"Someone replied to your post in {space}."
    else:
        text = f"{_who(target.author)} replied in {where}, a thread you watch."
        summary = f"A new reply in a thread you watch in {space}."
    link_text = "See the first new reply" if target.count > 1 else "See the reply"
    return Telling(text, summary, link=link, link_text=link_text)


def _about_joining(viewer: User, target: Target) -> Telling:
    space = target.space
    if space is None or not policy.can(viewer, Action.SEE_SPACE, space):
        return Telling("Your request to join a space you cannot see now was decided.", "")
    link = path("spaces.space", slug=space.slug)
    if target.kind == NotificationKind.JOIN_APPROVED:
        text = f"Your request to join {space.name} was approved: welcome."
        return Telling(text, text, target.reason, link, "Go to the space")
    text = f"Your request to join {space.name} was declined."
    return Telling(text, text, target.reason, link, "See the space")


def _about_invitation(viewer: User, target: Target) -> Telling:
    invitation, space = target.invitation, target.space
    if invitation is None or space is None or invitation.invitee_id != viewer.id:
        return Telling("An invitation you had is gone.", "")
    if invitation.problem() is not None:
        text = f"Your invitation to join {space.name} can no longer be used."
        return Telling(text, text)
    text = f"The staff of {space.name} invited you to join it."
    link = path("spaces.named_invitation", invitation_id=invitation.id)
    return Telling(text, text, link=link, link_text="Accept or ignore the invitation")


def _about_change(viewer: User, target: Target) -> Telling:
    space = target.space
    if space is None or not policy.can(viewer, Action.READ_SPACE, space):
        return Telling("A change was announced in a space you can no longer read.", "")
    about = target.data.get("about", "its settings")
    if target.data.get("cancelled"):
        text = f"The announced change of {about} in {space.name} was called off."
    else:
        at = _when(target.data["takes_effect_at"])
        text = f"{space.name} announced a change of {about}, taking effect on {at}."
    link = path("spaces.space", slug=space.slug)
    return Telling(text, text, link=link, link_text="See what changes")


def _waiting(viewer: User, target: Target) -> Telling:
    space = target.space
    if space is None or not policy.is_space_staff(viewer, space):
        return Telling("Something waited for the staff of a space you no longer run.", "")
    if target.kind == NotificationKind.QUEUE_WAITING:
        text = f"New items wait in the moderation queue of {space.name}."
        return Telling(text, text, link=path("moderation.queue_list"), link_text="Open the queue")
    text = (
        f"{target.count} requests to join {space.name} are waiting."
        if target.count > 1
        else f"A request to join {space.name} is waiting."
    )
    link = path("spaces.requests", slug=space.slug)
    return Telling(text, text, link=link, link_text="Review the requests")


TELLERS = {
    NotificationKind.REPLY: _about_post,
    NotificationKind.MENTION: _about_post,
    NotificationKind.JOIN_APPROVED: _about_joining,
    NotificationKind.JOIN_DECLINED: _about_joining,
    NotificationKind.INVITATION: _about_invitation,
    NotificationKind.SPACE_CHANGE: _about_change,
    NotificationKind.JOIN_REQUEST: _waiting,
    NotificationKind.QUEUE_WAITING: _waiting,
}


def telling(viewer: User, target: Target) -> Telling:
    """The notification in words, as the viewer may read its target now."""
    told = TELLERS[target.kind](viewer, target)
    # Told without its target, the page's words are all a mail may say too.
    return told if told.summary else replace(told, summary=told.text)
