"""The audit trail's one writer: every use of moderator or admin power appends a ModAction."""

from forum.extensions import db
from forum.models import Event, Membership, ModAction, Persona, Post, Space, Thread, User
from forum.models.mod_action import REASON_MAX_LENGTH, ActionKind


def record(
    actor: User | None,
    action: ActionKind,
    *,
    space: Space | None = None,
    persona: Persona | None = None,
    post: Post | None = None,
    thread: Thread | None = None,
    membership: Membership | None = None,
    account: User | None = None,
    event: Event | None = None,
    changes: dict | None = None,
    reason: str = "",
    note: str = "",
) -> ModAction:
    """Append one entry to the moderation log; actor None is the command line.

    Name the target by what the action was about: a persona for what a member did under it (a
    pseudonym's account is never recorded), a post or a thread, a membership with its account
    for the roster's acts (staff know the roster by username, and a removed member's row is
    deleted), an account alone for site-wide acts such as a verified label, an event for its
    cancellation.
    """
    entry = ModAction(
        actor_id=actor.id if actor else None,
        space_id=space.id if space else None,
        action=action,
        target_persona_id=persona.id if persona else None,
        target_post_id=post.id if post else None,
        target_thread_id=thread.id if thread else None,
        target_membership_id=membership.id if membership else None,
        target_user_id=account.id if account else None,
        target_event_id=event.id if event else None,
        changes=changes or {},
        public_reason=reason.strip()[:REASON_MAX_LENGTH],
        private_note=note.strip(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry
