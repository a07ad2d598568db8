"""Words for replies, mentions, joining, invitations, changes, what waits for staff, events.

Each is told as the recipient may read its target now.

`text` may name a thread's title when the recipient may read it; `summary`, what a mail says,
names only what happened and where (the space), never a title nor a post's words. A target the
recipient can no longer read gives neither text nor summary anything from it.

Of an event, `text` names the title to whoever may read it; `summary` only when its space is
public. Neither ever carries the venue or the meeting link: the event's page shows them to those
who may see them.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app

from forum import policy, zones
from forum.identity.authors import Author
from forum.models import Event, Invitation, NotificationKind, PostStatus, Space, User, Visibility
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
    event: Event | None = None


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


# What changed of an event, in the words of its EVENT_CHANGED notification.
EVENT_CHANGES = {"time": "time", "place": "place", "meeting_link": "meeting link"}


def _what_changed(changed: list[str]) -> str:
    named = [EVENT_CHANGES.get(part, "details") for part in changed] or ["details"]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _about_event(viewer: User, target: Target) -> Telling:
    event, space = target.event, target.space
    if event is None or space is None or not policy.can(viewer, Action.READ_EVENT, event):
        return Telling("An event in a space you can no longer read has news.", "")
    named = f"“{event.title}” in {space.name}"
    where = named if space.visibility == Visibility.PUBLIC else f"an event in {space.name}"
    kind = target.kind
    if kind == NotificationKind.EVENT_REGISTRATION:
        if not policy.can(viewer, Action.MANAGE_EVENT, event):
            return Telling("A registration waited for the organisers of an event.", "")
        said = ("A registration for {} waits for your decision.", "Review the registrations")
    elif kind == NotificationKind.EVENT_ACCEPTED:
        said = ("Your registration for {} was accepted.", "See the event and its place")
    elif kind == NotificationKind.EVENT_DECLINED:
        said = ("Your registration for {} was declined.", "See the event")
    elif kind == NotificationKind.EVENT_CHANGED:
        what = _what_changed(target.data.get("changed", []))
        said = (f"The {what} of {{}} changed.", "See the event")
    elif kind == NotificationKind.EVENT_CANCELLED:
        said = ("{} is cancelled.", "See the event")
    else:
        starts = zones.wall_clock(event.starts_at, viewer.time_zone or event.time_zone)
        said = (f"{{}} starts within a day: {starts}.", "See the event")
    text, link_text = said
    link = path("events.event", slug=space.slug, public_id=event.public_id)
    reason = target.data.get("message", "")
    if kind == NotificationKind.EVENT_CANCELLED:
        reason = event.cancel_reason or ""
    return Telling(
        _capitalised(text.format(named)),
        _capitalised(text.format(where)),
        reason,
        link,
        link_text,
    )


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


TELLERS = {
    NotificationKind.REPLY: _about_post,
    NotificationKind.MENTION: _about_post,
    NotificationKind.JOIN_APPROVED: _about_joining,
    NotificationKind.JOIN_DECLINED: _about_joining,
    NotificationKind.INVITATION: _about_invitation,
    NotificationKind.SPACE_CHANGE: _about_change,
    NotificationKind.JOIN_REQUEST: _waiting,
    NotificationKind.QUEUE_WAITING: _waiting,
    **dict.fromkeys(
        (
            NotificationKind.EVENT_ACCEPTED,
            NotificationKind.EVENT_DECLINED,
            NotificationKind.EVENT_CHANGED,
            NotificationKind.EVENT_CANCELLED,
            NotificationKind.EVENT_REMINDER,
            NotificationKind.EVENT_REGISTRATION,
        ),
        _about_event,
    ),
}


def telling(viewer: User, target: Target) -> Telling:
    """The notification in words, as the viewer may read its target now."""
    told = TELLERS[target.kind](viewer, target)
    # Told without its target, the page's words are all a mail may say too.
    return told if told.summary else replace(told, summary=told.text)
