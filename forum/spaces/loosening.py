"""Opening a space up: what counts as loosening, its notice, cancelling it, applying it when due.

Loosening visibility, the identity mode or the required label is announced in the space and
takes effect after SPACE_LOOSENING_NOTICE_DAYS (at once while the space has no posts); until
then the space keeps its settings in every respect. Tightening is immediate (settings.py).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import SQLAlchemyError

from forum import audit, periodic, policy
from forum.extensions import db
from forum.models import (
    ActionKind,
    IdentityMode,
    NotificationKind,
    Post,
    ScheduledChange,
    ScheduledSetting,
    Space,
    User,
    Visibility,
)
from forum.models.types import utcnow
from forum.notifications.services import tell_members
from forum.policy import Action
from forum.spaces.membership import SpaceError, recount_members

log = logging.getLogger(__name__)

# Each list runs from the most closed to the most open.
OPENNESS = {
    ScheduledSetting.VISIBILITY: [Visibility.HIDDEN, Visibility.MEMBERS, Visibility.PUBLIC],
    ScheduledSetting.IDENTITY_MODE: [
        IdentityMode.PSEUDONYMOUS,
        IdentityMode.CHOICE,
        IdentityMode.NAMED,
    ],
}
SETTING_WORDS = {
    ScheduledSetting.VISIBILITY: "who can see the space",
    ScheduledSetting.IDENTITY_MODE: "how members appear",
    ScheduledSetting.REQUIRED_LABEL: "the required label",
}
NO_LONGER_SCHEDULED = "That change is no longer scheduled: it has taken effect or was cancelled."
LAST_CHECK_KEY = "safe_spaces.changes_checked_at"


def loosens(setting: ScheduledSetting, current, new) -> bool:
    """Whether changing the setting from `current` to `new` opens the space up."""
    if setting == ScheduledSetting.REQUIRED_LABEL:
        # Clearing the label, or requiring another, lets in people who could not join before.
        return current is not None and new != current
    order = OPENNESS[setting]
    return order.index(new) > order.index(current)


def loosenings(space: Space, values: dict) -> dict[ScheduledSetting, object]:
    """The settings among checked `values` whose new value would open the space up."""
    return {
        setting: values[setting.value]
        for setting in ScheduledSetting
        if loosens(setting, getattr(space, setting.value), values[setting.value])
    }


def has_posts(space: Space) -> bool:
    """Whether anything was ever posted in the space (a deleted post counts: it had readers)."""
    return db.session.scalar(select(exists().where(Post.space_id == space.id)))


def notice_period() -> timedelta:
    return timedelta(days=current_app.config["SPACE_LOOSENING_NOTICE_DAYS"])


def takes_notice(space: Space) -> bool:
    """Whether a loosening of this space waits for its notice period, or applies at once."""
    return notice_period() > timedelta(0) and has_posts(space)


def pending_changes(space: Space) -> list[ScheduledChange]:
    """The space's scheduled changes, soonest first; no query when the space has none."""
    if space.next_change_at is None:
        return []
    return list(
        db.session.scalars(
            select(ScheduledChange)
            .where(ScheduledChange.space_id == space.id)
            .order_by(ScheduledChange.takes_effect_at, ScheduledChange.id)
        )
    )


def pending_of(space: Space, setting: ScheduledSetting) -> ScheduledChange | None:
    return next((c for c in pending_changes(space) if c.setting == setting), None)


def when(moment: datetime) -> str:
    return f"{moment:%d %B %Y, %H:%M} UTC"


# The announcement, in words


@dataclass(frozen=True)
class Announcement:
    change_id: int
    setting: ScheduledSetting
    what: str  # what will change
    earlier_posts: str  # what it means for what was posted before
    takes_effect_at: datetime


def _words(setting: ScheduledSetting, current, new) -> tuple[str, str]:
    if setting == ScheduledSetting.VISIBILITY and new == Visibility.MEMBERS:
        return (
            "This space will be listed: anyone signed in will see its name, description and "
            "rules, though not its threads.",
            "Earlier posts stay readable by members only.",
        )
    if setting == ScheduledSetting.VISIBILITY:
        return (
            "This space will become public: anyone, signed in or not, will be able to read it.",
            "Every earlier post, yours included, will be readable by anyone. Edit or delete a "
            "post before then if you do not want it read in public.",
        )
    if setting == ScheduledSetting.IDENTITY_MODE and new == IdentityMode.CHOICE:
        return (
            "Members will be able to choose, on each post, to show their username instead of "
            "their pseudonym.",
            "Earlier posts keep the pseudonym they were written under: nothing already posted "
            "will show a username, and the pseudonym stays the default.",
        )
    if setting == ScheduledSetting.IDENTITY_MODE:
        return (
            "New posts will show their author's username; pseudonyms will no longer be offered.",
            "Earlier posts keep the identity they were written under: posts made under a "
            "pseudonym stay under that pseudonym. Whoever posted here under a pseudonym must "
            "confirm on each new post that it shows their username.",
        )
    opens_to = (
        "anyone may join, without a verified label"
        if new is None
        else f"the space will require the verified label “{new}” instead: its holders may "
        f"join, and members holding only “{current}” will lose access"
    )
    return (
        f"The required label “{current}” will no longer apply: {opens_to}.",
        "People who join then will read earlier posts as members do now.",
    )


def announcements(space: Space) -> list[Announcement]:
    """The space's scheduled changes in words, for its pages; no query when it has none."""
    found = []
    for change in pending_changes(space):
        what, earlier = _words(
            change.setting, getattr(space, change.setting.value), change.new_value
        )
        found.append(Announcement(change.id, change.setting, what, earlier, change.takes_effect_at))
    return found


# Scheduling and cancelling


def _log_values(space: Space, setting: ScheduledSetting, new) -> dict:
    return {"setting": setting.value, "from": getattr(space, setting.value), "to": new}


def check_schedulable(space: Space, setting: ScheduledSetting, new) -> bool:
    """Whether the change still needs scheduling (False: that very change is announced
    already); SpaceError when another change of the setting is pending. One pending change per
    setting: replacing it would move the date members were given, so it is cancelled first."""
    pending = pending_of(space, setting)
    if pending is None:
        return True
    if pending.new_value == new:
        return False
    raise SpaceError(
        f"A change of {SETTING_WORDS[setting]} is already announced, taking effect on "
        f"{when(pending.takes_effect_at)}. Cancel it first to announce a different one; "
        "nothing was saved."
    )


def schedule_loosening(
    actor: User, space: Space, setting: ScheduledSetting, new, now: datetime, reason: str = ""
) -> ScheduledChange:
    """Announce a loosening of the space, taking effect after the notice period; logged with
    the reason given."""
    policy.require(actor, Action.LOOSEN_SPACE_SETTINGS, space)
    is_label = setting == ScheduledSetting.REQUIRED_LABEL
    change = ScheduledChange(
        space_id=space.id,
        setting=setting,
        value=None if is_label else str(new),
        label=new if is_label else None,
        scheduled_by_id=actor.id,
        scheduled_at=now,
        takes_effect_at=now + notice_period(),
    )
    db.session.add(change)
    db.session.flush()
    _refresh_next_change(space)
    audit.record(
        actor,
        ActionKind.CHANGE_SCHEDULED,
        space=space,
        changes=_log_values(space, setting, new)
        | {"takes_effect_at": change.takes_effect_at.isoformat()},
        reason=reason,
    )
    _tell_members(actor, space, setting, new, change.takes_effect_at)
    return change


def _tell_members(actor: User, space: Space, setting: ScheduledSetting, new, at=None) -> None:
    """Tell every member of the space that a loosening was announced (with its date) or, with
    no date, called off."""
    data = {"setting": setting.value, "about": SETTING_WORDS[setting]}
    if at is not None:
        data["takes_effect_at"] = at.isoformat()
    else:
        data["cancelled"] = True
    tell_members(
        space, NotificationKind.SPACE_CHANGE, actor_id=actor.id if actor else None, data=data
    )


def _take(statement) -> ScheduledChange | None:
    """Delete a pending change by a conditional statement; the row when this call won it."""
    row = db.session.execute(
        statement.returning(
            ScheduledChange.space_id,
            ScheduledChange.setting,
            ScheduledChange.value,
            ScheduledChange.label,
        ),
        execution_options={"synchronize_session": False},
    ).one_or_none()
    if row is None:
        return None
    return ScheduledChange(
        space_id=row.space_id, setting=row.setting, value=row.value, label=row.label
    )


def cancel_change(actor: User, space: Space, change_id: int) -> ScheduledChange:
    """Call off a scheduled loosening of the space before its date (owners, site admins)."""
    policy.require(actor, Action.CANCEL_LOOSENING, space)
    taken = _take(
        delete(ScheduledChange).where(
            ScheduledChange.id == change_id, ScheduledChange.space_id == space.id
        )
    )
    if taken is None:
        # Applied, cancelled by someone else, or another space's: the same answer for each.
        raise SpaceError(NO_LONGER_SCHEDULED)
    _refresh_next_change(space)
    audit.record(
        actor,
        ActionKind.CHANGE_CANCELLED,
        space=space,
        changes=_log_values(space, taken.setting, taken.new_value),
    )
    _tell_members(actor, space, taken.setting, taken.new_value)
    return taken


def drop_superseded(actor: User, space: Space, settings: list[ScheduledSetting]) -> None:
    """Cancel the pending changes of settings just changed at once (a tightening); logged."""
    for setting in settings:
        taken = _take(
            delete(ScheduledChange).where(
                ScheduledChange.space_id == space.id, ScheduledChange.setting == setting
            )
        )
        if taken is not None:
            audit.record(
                actor,
                ActionKind.CHANGE_CANCELLED,
                space=space,
                changes=_log_values(space, setting, taken.new_value) | {"superseded": True},
            )
            _tell_members(actor, space, setting, taken.new_value)
    _refresh_next_change(space)


def _refresh_next_change(space: Space) -> None:
    db.session.flush()
    space.next_change_at = db.session.scalar(
        select(func.min(ScheduledChange.takes_effect_at)).where(
            ScheduledChange.space_id == space.id
        )
    )
    db.session.flush()


# Applying what is due


def _apply(change_id: int) -> str | None:
    """Apply one due change, if nobody applied or cancelled it meanwhile; say what changed."""
    taken = _take(delete(ScheduledChange).where(ScheduledChange.id == change_id))
    if taken is None:
        return None
    space = db.session.get(Space, taken.space_id)
    new = taken.new_value
    if taken.setting == ScheduledSetting.VISIBILITY:
        new = Visibility(new)
    elif taken.setting == ScheduledSetting.IDENTITY_MODE:
        new = IdentityMode(new)
    logged = _log_values(space, taken.setting, new)
    setattr(space, taken.setting.value, new)
    if taken.setting == ScheduledSetting.REQUIRED_LABEL:
        recount_members(space)
    _refresh_next_change(space)
    audit.record(None, ActionKind.CHANGE_APPLIED, space=space, changes=logged)
    return f"/s/{space.slug}: {SETTING_WORDS[taken.setting]} {logged['from']} → {new}"


def apply_due_changes(now: datetime) -> list[str]:
    """Apply every scheduled change whose time has come, each in a transaction of its own
    (committed here: this is a job, like a command); return what was applied, in words."""
    due = db.session.scalars(
        select(ScheduledChange.id)
        .where(ScheduledChange.takes_effect_at <= now)
        .order_by(ScheduledChange.takes_effect_at, ScheduledChange.id)
    ).all()
    if not due:
        return []
    # End the reading transaction: on SQLite a write must not follow a read in one.
    db.session.rollback()
    applied = []
    for change_id in due:
        try:
            done = _apply(change_id)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("could not apply scheduled change %s; it stays due", change_id)
            continue
        if done:
            log.info("applied a scheduled change: %s", done)
            applied.append(done)
    policy.forget()
    return applied


def apply_due_now_and_then() -> None:
    """Before a request, at most once every SPACE_CHANGES_CHECK_SECONDS per process: apply the
    changes that are due, so a site without cron still keeps the announced dates. Any other
    request adds no query; a failure is logged and never breaks the page."""
    app = current_app._get_current_object()
    if not periodic.is_due(app, LAST_CHECK_KEY, app.config["SPACE_CHANGES_CHECK_SECONDS"]):
        return
    try:
        apply_due_changes(utcnow())
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not look for due scheduled changes")


def init_app(app: Flask) -> None:
    """Apply due changes now and then from the app, and let pages show announcements."""
    app.before_request(apply_due_now_and_then)
    app.jinja_env.globals["announcements"] = announcements
