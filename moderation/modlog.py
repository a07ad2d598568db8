"""A space's mod log as a viewer may read it: each entry's time, action, target and reason.

An entry about a persona names its handle and never the account; the roster's entries
(membership and account targets) name the username to the space's staff only, "a member" to
everyone else. The actor is "a moderator" unless the space shows moderators' names, "a site
admin" for the reveal's steps always, and "the system" for the command line and the scheduler.
Private notes reach the space's staff only.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum import policy
from forum.models import ActionKind, ModAction, PostStatus, Space, User
from forum.pagination import Page, paginate
from forum.policy import Action

ENTRIES_PER_PAGE = 50

ACTION_WORDS = {
    ActionKind.SPACE_CREATED: "Space created",
    ActionKind.SETTINGS_CHANGED: "Settings changed",
    ActionKind.CHANGE_SCHEDULED: "Change announced",
    ActionKind.CHANGE_CANCELLED: "Announced change cancelled",
    ActionKind.CHANGE_APPLIED: "Announced change took effect",
    ActionKind.REQUEST_APPROVED: "Request to join approved",
    ActionKind.REQUEST_DECLINED: "Request to join declined",
    ActionKind.INVITATION_CREATED: "Invitation link made",
    ActionKind.INVITATION_REVOKED: "Invitation link withdrawn",
    ActionKind.MEMBER_ADDED: "Member added",
    ActionKind.MEMBER_REMOVED: "Member removed",
    ActionKind.MEMBER_BANNED: "Member banned",
    ActionKind.MEMBER_UNBANNED: "Ban lifted",
    ActionKind.ROLE_CHANGED: "Role changed",
    ActionKind.THREAD_LOCKED: "Thread locked",
    ActionKind.THREAD_UNLOCKED: "Thread unlocked",
    ActionKind.THREAD_PINNED: "Thread pinned",
    ActionKind.THREAD_UNPINNED: "Thread unpinned",
    ActionKind.POST_HIDDEN: "Post hidden by members' flags",
    ActionKind.POST_HELD: "Post held for review",
    ActionKind.POST_APPROVED: "Post approved",
    ActionKind.POST_REMOVED: "Post removed",
    ActionKind.POST_REMOVED_AND_MUTED: "Post removed and member muted",
    ActionKind.PERSONA_BANNED: "Member banned from the space",
    ActionKind.ITEM_ESCALATED: "Handed to the site admins",
    ActionKind.APPEAL_UPHELD: "Appeal refused: the decision stands",
    ActionKind.APPEAL_GRANTED: "Appeal granted: the decision is undone",
    ActionKind.WATCHED_WORD_ADDED: "Watched word added",
    ActionKind.WATCHED_WORD_REMOVED: "Watched word removed",
    ActionKind.REVEAL_REQUESTED: "A site admin asked to see the account behind this pseudonym",
    ActionKind.REVEAL_APPROVED: "Reveal approved: the admin who asked sees the account",
    ActionKind.REVEAL_REFUSED: "Reveal refused: nobody sees the account",
    ActionKind.EVENT_CANCELLED: "Event cancelled",
}
REVEALS = frozenset(
    {ActionKind.REVEAL_REQUESTED, ActionKind.REVEAL_APPROVED, ActionKind.REVEAL_REFUSED}
)
SETTING_NAMES = {
    "name": "name",
    "description": "description",
    "rules": "rules",
    "visibility": "who can see the space",
    "join_policy": "how people join",
    "required_label": "required label",
    "identity_mode": "how members appear",
    "premoderation": "pre-moderation",
    "slow_mode_seconds": "slow mode",
    "flag_hide_threshold": "flags that hide a post",
    "shows_moderator_names": "moderators' names in the mod log",
}
VALUE_WORDS = {
    "public": "public",
    "members": "members only",
    "hidden": "hidden",
    "open": "open",
    "request": "by request",
    "invite": "by invitation",
    "named": "usernames",
    "choice": "the author's choice",
    "pseudonymous": "pseudonyms",
    "off": "off",
    "new_members": "new members",
    "all": "all posts",
    "member": "member",
    "moderator": "moderator",
    "owner": "owner",
}


@dataclass(frozen=True)
class LogLine:
    """One entry in words, as this viewer may read it."""

    id: int
    at: datetime
    action: str
    target: str  # a handle, a thread's title, a username or "a member"; "" when none
    details: str  # what changed, in words
    actor: str
    reason: str
    note: str  # the private note, for the space's staff only; "" otherwise


def value_words(setting: str, value) -> str:
    """A setting's value as the mod log says it."""
    if value is None:
        return "none"
    if setting == "slow_mode_seconds":
        return f"{value} seconds" if value else "off"
    if isinstance(value, bool):
        return "shown" if value else "not shown"
    return VALUE_WORDS.get(str(value), str(value))


def _settings_words(changes: dict) -> str:
    before, after = changes.get("from") or {}, changes.get("to") or {}
    parts = []
    for setting in changes.get("changed", []):
        name = SETTING_NAMES.get(setting, setting)
        if setting in before or setting in after:
            old = value_words(setting, before.get(setting))
            new = value_words(setting, after.get(setting))
            parts.append(f"{name}: {old} → {new}")
        else:
            parts.append(f"{name} changed")
    return "; ".join(parts)


def _until_words(changes: dict) -> str:
    if "days" in changes:
        days = changes["days"]
        return "with no end date" if days is None else f"for {days} day{'' if days == 1 else 's'}"
    if "until" in changes:
        return f"until {changes['until'].replace('T', ', ')} UTC" if changes["until"] else ""
    return ""


def details_of(entry: ModAction) -> str:
    """What an entry changed, in words, from its structured `changes`."""
    changes = entry.changes or {}
    if entry.action == ActionKind.SETTINGS_CHANGED:
        return _settings_words(changes)
    if entry.action in (
        ActionKind.CHANGE_SCHEDULED,
        ActionKind.CHANGE_CANCELLED,
        ActionKind.CHANGE_APPLIED,
    ):
        setting = changes.get("setting", "")
        words = (
            f"{SETTING_NAMES.get(setting, setting)}: {value_words(setting, changes.get('from'))}"
            f" → {value_words(setting, changes.get('to'))}"
        )
        if entry.action == ActionKind.CHANGE_SCHEDULED and changes.get("takes_effect_at"):
            words += f", taking effect on {changes['takes_effect_at'][:16].replace('T', ', ')} UTC"
        return words
    if entry.action == ActionKind.EVENT_CANCELLED:
        return changes.get("title", "")  # the event's title, read by whoever reads the log
    if entry.action == ActionKind.ROLE_CHANGED:
        return (
            f"{value_words('role', changes.get('from'))} → {value_words('role', changes.get('to'))}"
        )
    return _until_words(changes)


def _target_words(entry: ModAction, *, is_staff: bool, sees_roster: bool) -> str:
    if entry.target_persona is not None:
        # Entries about what a member did name the persona only, never an account.
        return entry.target_persona.handle
    if entry.target_thread is not None:
        thread = entry.target_thread
        if thread.status == PostStatus.VISIBLE or is_staff:
            return thread.title
        return "a thread that is not shown"
    if entry.target_membership_id is not None or entry.target_user is not None:
        return entry.target_user.username if sees_roster and entry.target_user else "a member"
    return ""


def _actor_words(entry: ModAction, space: Space) -> str:
    if entry.actor_id is None:
        return "the system"  # the command line, the scheduler, members' reports
    if entry.action in REVEALS:
        return "a site admin"  # never named: the person revealed is not told which admin
    if space.shows_moderator_names and entry.actor is not None:
        return entry.actor.username
    return "a moderator"


def log_page(viewer: User, space: Space, number: int) -> Page:
    """One page of the space's log, newest first, each entry in words for this viewer: a
    count and one query, whatever the page holds."""
    statement = (
        select(ModAction)
        .where(ModAction.space_id == space.id)
        .options(
            joinedload(ModAction.actor),
            joinedload(ModAction.target_user),
            joinedload(ModAction.target_persona),
            joinedload(ModAction.target_thread),
        )
        .order_by(ModAction.created_at.desc(), ModAction.id.desc())
    )
    page = paginate(statement, number, ENTRIES_PER_PAGE)
    is_staff = policy.is_space_staff(viewer, space)
    sees_roster = policy.can(viewer, Action.VIEW_MEMBERS, space)
    sees_notes = policy.can(viewer, Action.READ_MODLOG_NOTES, space)
    lines = [
        LogLine(
            id=entry.id,
            at=entry.created_at,
            action=ACTION_WORDS.get(entry.action, entry.action.replace("_", " ").capitalize()),
            target=_target_words(entry, is_staff=is_staff, sees_roster=sees_roster),
            details=details_of(entry),
            actor=_actor_words(entry, space),
            reason=entry.public_reason,
            note=entry.private_note if sees_notes else "",
        )
        for entry in page.items
    ]
    return Page(lines, page.number, page.per_page, page.total)
