"""Deciding a queue item: approve, remove, mute or ban the persona's member, lock, escalate.

`decide()` is the one use case: it checks the policy and the item, then settles the item with
one conditional UPDATE (moderation/items.settle), so of two moderators deciding at the same
instant exactly one changes anything; the other is told it was already decided. The member
behind a persona is found here, by the persona's account, and nothing returned names them.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update

from forum import audit, policy
from forum.extensions import db
from forum.models import (
    ActionKind,
    Decision,
    Flag,
    Membership,
    ModAction,
    NotificationKind,
    Persona,
    PersonaSanction,
    Post,
    PostStatus,
    QueueItem,
    QueueKind,
    QueueStatus,
    Space,
    Thread,
    User,
)
from forum.models.mod_action import REASON_MAX_LENGTH
from forum.models.types import utcnow
from forum.notifications.services import notify
from forum.policy import Action
from forum.threads.statuses import restore_post, withdraw_post
from moderation import items
from moderation.services import ModerationError, membership_behind

# The public reasons a moderator picks from; the author reads the words.
PUBLIC_REASONS = {
    "rules": "Breaks the space's rules",
    "harassment": "Harassment or hate",
    "threat": "Threat or incitement to violence",
    "personal_information": "Personal information",
    "spam": "Spam",
    "off_topic": "Off-topic",
}
# Room for the chosen reason and ": " in the log's public reason.
REASON_TEXT_MAX_LENGTH = REASON_MAX_LENGTH - max(map(len, PUBLIC_REASONS.values())) - 2
NOTE_MAX_LENGTH = 2000
MUTE_DAYS = (1, 7, 30)
BAN_DAYS = (7, 30, None)  # None: for good

# The decisions this page takes; appeals (uphold, overturn) are decided on their own page.
QUEUE_DECISIONS = (
    Decision.APPROVE,
    Decision.REMOVE,
    Decision.REMOVE_AND_MUTE,
    Decision.BAN,
    Decision.LOCK,
    Decision.ESCALATE,
)
REMOVING = (Decision.REMOVE, Decision.REMOVE_AND_MUTE, Decision.BAN)
SANCTIONS = (Decision.REMOVE_AND_MUTE, Decision.BAN)

ALREADY_DECIDED = "This item was already decided."


class AlreadyDecided(ModerationError):
    """Another moderator (or an earlier submit) decided the item first: nothing changed."""

    def __init__(self):
        super().__init__(ALREADY_DECIDED, status=409)


@dataclass(frozen=True)
class Choice:
    """What the moderator chose, as the decision form sends it."""

    decision: Decision
    reason: str = ""  # a key of PUBLIC_REASONS, or "" for none
    reason_text: str = ""
    note: str = ""
    days: int | None = None  # a mute's or ban's length; None: a ban for good


def decide(actor: User, item: QueueItem, choice: Choice) -> ModAction:
    """Decide the item; return the log entry written. Raise ModerationError, changing nothing,
    when the decision is refused or the item was decided already."""
    post = db.session.get(Post, item.post_id)
    policy.require(actor, Action.MODERATE_POST, post)
    _check_item(actor, item, choice.decision)
    public_reason = _public_reason(choice)
    note = _note(choice.note)
    persona = db.session.get(Persona, post.persona_id)
    _check_author(actor, persona, choice.decision)
    membership = _sanctioned_membership(actor, post, persona, choice)
    space = db.session.get(Space, post.space_id)
    thread = db.session.get(Thread, post.thread_id)
    if choice.decision == Decision.ESCALATE:
        return _escalate(actor, item, space, persona, post, thread, note)
    if not items.settle(item, actor, choice.decision):
        raise AlreadyDecided()
    was_under_review = post.status in (PostStatus.PENDING, PostStatus.HIDDEN)
    if choice.decision in REMOVING:
        withdraw_post(post, public_reason)
    else:
        _approve(post)
    if choice.decision == Decision.LOCK:
        thread.locked = True
    if membership is not None:
        _sanction(membership, choice, public_reason)
    entry = audit.record(
        actor,
        _LOGGED_AS[choice.decision],
        space=space,
        persona=persona,
        post=post,
        thread=thread,
        changes=_changes(choice),
        reason=public_reason,
        note=note,
    )
    item.decision_action_id = entry.id
    # An author whose post stayed visible need not learn it was reported; one who saw it
    # marked awaiting or under review is told it is published (or visible again).
    if choice.decision != Decision.APPROVE or was_under_review:
        notify(persona.user_id, NotificationKind.DECISION, space=space, post=post, entry=entry)
    db.session.flush()
    return entry


_LOGGED_AS = {
    Decision.APPROVE: ActionKind.POST_APPROVED,
    Decision.REMOVE: ActionKind.POST_REMOVED,
    Decision.REMOVE_AND_MUTE: ActionKind.POST_REMOVED_AND_MUTED,
    Decision.BAN: ActionKind.PERSONA_BANNED,
    Decision.LOCK: ActionKind.THREAD_LOCKED,
}


def _check_item(actor: User, item: QueueItem, decision: Decision) -> None:
    if decision not in QUEUE_DECISIONS:
        raise ModerationError("Please choose one of the decisions offered.", status=400)
    if not item.is_open:
        raise AlreadyDecided()
    if item.kind == QueueKind.APPEAL:
        raise ModerationError("This is an appeal: it is decided on the appeal's own form.")
    if items.is_claimed_by_other(item, actor):
        raise ModerationError(items.claimed_notice(item), status=409)
    if decision == Decision.ESCALATE and item.escalated:
        raise ModerationError("This item is already with the site admins.", status=409)


def _public_reason(choice: Choice) -> str:
    words = PUBLIC_REASONS.get(choice.reason)
    if choice.reason and words is None:
        raise ModerationError("Please choose a reason from the list.", status=400)
    text = choice.reason_text.strip()
    if len(text) > REASON_TEXT_MAX_LENGTH:
        raise ModerationError(
            f"Please keep the explanation under {REASON_TEXT_MAX_LENGTH} characters.", status=400
        )
    if choice.decision in REMOVING and words is None:
        raise ModerationError(
            "Please choose a reason from the list: the author is told it.", status=400
        )
    if words and text:
        return f"{words}: {text}"
    return words or text


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ModerationError(
            f"Please keep the note under {NOTE_MAX_LENGTH} characters.", status=400
        )
    return note


def _check_author(actor: User, persona: Persona, decision: Decision) -> None:
    if persona.user_id == actor.id and decision != Decision.ESCALATE:
        raise ModerationError(
            "This is your own post: another moderator must decide about it, or escalate it to "
            "the site admins."
        )


def _sanctioned_membership(
    actor: User, post: Post, persona: Persona, choice: Choice
) -> Membership | None:
    """The membership behind the persona, for a mute or ban, after the checks on its rank."""
    if choice.decision not in SANCTIONS:
        return None
    allowed = MUTE_DAYS if choice.decision == Decision.REMOVE_AND_MUTE else BAN_DAYS
    if choice.days not in allowed:
        raise ModerationError("Please choose how long it lasts from the list.", status=400)
    membership = membership_behind(persona)
    if membership is None or not membership.is_active:
        raise ModerationError(
            "The author is not a member of this space now: remove the post instead."
        )
    if membership.is_staff:
        if policy.is_site_admin(actor):
            raise ModerationError(
                "The author runs this space: change their role on the roster first."
            )
        raise ModerationError(
            "The author is one of this space's moderators or owners: you may not mute or ban "
            "them. Remove the post, or escalate it to the site admins."
        )
    return membership


def _approve(post: Post) -> None:
    restore_post(post)
    # Dismissed flags stop counting towards hiding it again.
    db.session.execute(
        update(Flag)
        .where(Flag.post_id == post.id, Flag.dismissed_at.is_(None))
        .values(dismissed_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _sanction(membership: Membership, choice: Choice, public_reason: str) -> None:
    if (
        choice.decision == Decision.REMOVE_AND_MUTE
        and membership.sanction_now() == PersonaSanction.BANNED
    ):
        return  # a mute does not shorten a ban in force
    membership.persona_sanction = (
        PersonaSanction.MUTED
        if choice.decision == Decision.REMOVE_AND_MUTE
        else PersonaSanction.BANNED
    )
    membership.persona_sanction_until = (
        None if choice.days is None else utcnow() + timedelta(days=choice.days)
    )
    membership.persona_sanction_reason = public_reason
    db.session.flush()
    policy.forget()


def _changes(choice: Choice) -> dict:
    return {"days": choice.days} if choice.decision in SANCTIONS else {}


def _escalate(actor, item, space, persona, post, thread, note) -> ModAction:
    """Hand the item to the site admins: it stays open, and its claim is released."""
    escalated = db.session.execute(
        update(QueueItem)
        .where(
            QueueItem.id == item.id,
            QueueItem.status == QueueStatus.OPEN,
            QueueItem.escalated.is_(False),
        )
        .values(escalated=True, claimed_by_id=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(item)
    if escalated.rowcount != 1:
        raise (
            AlreadyDecided()
            if not item.is_open
            else ModerationError("This item is already with the site admins.", status=409)
        )
    return audit.record(
        actor,
        ActionKind.ITEM_ESCALATED,
        space=space,
        persona=persona,
        post=post,
        thread=thread,
        note=note,
    )
