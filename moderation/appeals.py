"""Appeals: an author asks once for another look; a different moderator upholds or overturns.

The author of a removed post or of a sanction appeals within the window; the outcome is logged
and the author is told.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum import audit, policy
from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    ActionKind,
    Decision,
    ModAction,
    NotificationKind,
    Persona,
    PersonaSanction,
    Post,
    PostStatus,
    QueueItem,
    QueueKind,
    Space,
    Thread,
    User,
)
from forum.models.mod_action import REASON_MAX_LENGTH
from forum.notifications.services import notify
from forum.policy import Action
from forum.threads.statuses import restore_post
from moderation import items
from moderation.services import membership_behind

APPEAL_MESSAGE_MAX_LENGTH = 2000
ALREADY_APPEALED = "You have already appealed this decision."
ALREADY_DECIDED = "This item was already decided."
# The sanction each appealable decision put on the member, lifted when the appeal is granted.
SANCTION_OF = {
    ActionKind.POST_REMOVED_AND_MUTED: PersonaSanction.MUTED,
    ActionKind.PERSONA_BANNED: PersonaSanction.BANNED,
}


class AppealError(DomainError):
    """An appeal, or a decision on one, was refused; the message says why."""


def appeal_of(entry: ModAction) -> QueueItem | None:
    """The appeal already made of this decision, if any."""
    return db.session.scalar(select(QueueItem).where(QueueItem.appeal_of_id == entry.id))


def _checked_text(text: str, *, what: str, limit: int) -> str:
    text = text.strip()
    if not text:
        raise AppealError(f"Please write {what}.")
    if len(text) > limit:
        raise AppealError(f"Please keep {what} under {limit:,} characters.")
    return text


def file_appeal(viewer: User, entry: ModAction, message: str) -> QueueItem:
    """Appeal a decision on one of the viewer's personas: a queue item of its own, once."""
    policy.require(viewer, Action.APPEAL_DECISION, entry)
    message = _checked_text(
        message, what="why the decision should be looked at again", limit=APPEAL_MESSAGE_MAX_LENGTH
    )
    if appeal_of(entry) is not None:
        raise AppealError(ALREADY_APPEALED)
    item = QueueItem(
        kind=QueueKind.APPEAL,
        space_id=entry.space_id,
        post_id=entry.target_post_id,
        persona_id=entry.target_persona_id,
        appeal_of_id=entry.id,
        appeal_message=message,
    )
    try:
        # The unique appeal_of_id decides between two appeals sent at the same instant.
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        raise AppealError(ALREADY_APPEALED) from None
    items.tell_queue_waits(item.space_id, actor_id=viewer.id)
    return item


@dataclass(frozen=True)
class AppealCase:
    """What the appeal's page shows a moderator: the decision, its post, and the message."""

    item: QueueItem
    entry: ModAction
    space: Space
    persona: Persona | None
    post: Post | None
    thread: Thread | None


def case_of(item: QueueItem) -> AppealCase:
    entry = db.session.get(ModAction, item.appeal_of_id)
    post = db.session.get(Post, entry.target_post_id) if entry.target_post_id else None
    thread_id = entry.target_thread_id or (post.thread_id if post else None)
    return AppealCase(
        item=item,
        entry=entry,
        space=db.session.get(Space, item.space_id),
        persona=db.session.get(Persona, item.persona_id) if item.persona_id else None,
        post=post,
        thread=db.session.get(Thread, thread_id) if thread_id else None,
    )


def _restore(case: AppealCase) -> None:
    """Undo the appealed decision: the post visible again, the mute or ban lifted."""
    if case.post is not None and case.post.status in (PostStatus.REMOVED, PostStatus.DECLINED):
        restore_post(case.post)
    sanction = SANCTION_OF.get(case.entry.action)
    if sanction is not None and case.persona is not None:
        # The member behind the persona is reached without anyone being shown who it is.
        membership = membership_behind(case.persona)
        if membership is not None and membership.persona_sanction == sanction:
            membership.persona_sanction = None
            membership.persona_sanction_until = None
            membership.persona_sanction_reason = None
            policy.forget()
    db.session.flush()


def decide_appeal(viewer: User, item: QueueItem, *, overturn: bool, reason: str) -> ModAction:
    """Uphold or overturn the appealed decision, with a reason the author is told; one log
    entry. Of two moderators deciding at once, the second is told it was already decided."""
    policy.require(viewer, Action.DECIDE_APPEAL, item)
    reason = _checked_text(reason, what="a reason: the author is told it", limit=REASON_MAX_LENGTH)
    case = case_of(item)
    if items.is_claimed_by_other(item, viewer):
        raise AppealError(items.claimed_notice(item), status=409)
    if not items.settle(item, viewer, Decision.OVERTURN if overturn else Decision.UPHOLD):
        raise AppealError(ALREADY_DECIDED, status=409)
    if overturn:
        _restore(case)
    entry = audit.record(
        viewer,
        ActionKind.APPEAL_GRANTED if overturn else ActionKind.APPEAL_UPHELD,
        space=case.space,
        persona=case.persona,
        post=case.post,
        thread=case.thread,
        changes={"appeal_of": case.entry.id},
        reason=reason,
    )
    item.decision_action_id = entry.id
    if case.persona is not None:
        notify(
            case.persona.user_id,
            NotificationKind.APPEAL_OUTCOME,
            space=case.space,
            post=case.post,
            entry=entry,
        )
    db.session.flush()
    return entry
