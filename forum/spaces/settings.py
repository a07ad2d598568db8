"""A space's settings: what each may be, and changing them (staff), with every change logged."""

import re
from dataclasses import dataclass, fields

from sqlalchemy import select

from forum import audit, labels, markup, policy
from forum.extensions import db
from forum.models import (
    ActionKind,
    Contributors,
    IdentityMode,
    JoinPolicy,
    Premoderation,
    ScheduledChange,
    ScheduledSetting,
    Space,
    User,
    Visibility,
)
from forum.models.mod_action import REASON_MAX_LENGTH
from forum.models.space import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, SLUG_MAX_LENGTH
from forum.models.types import utcnow
from forum.policy import Action
from forum.spaces import loosening
from forum.spaces.membership import SpaceError, recount_members

RULES_MAX_LENGTH = 20_000
SLOW_MODE_MAX_SECONDS = 86_400
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_SLUGS = frozenset({"new", "admin", "mod", "api", "static", "search", "settings"})


@dataclass
class SpaceSettings:
    name: str
    description: str
    rules: str
    visibility: Visibility
    join_policy: JoinPolicy
    required_label: str | None
    identity_mode: IdentityMode
    premoderation: Premoderation
    slow_mode_seconds: int
    flag_hide_threshold: int
    shows_moderator_names: bool = False
    resource_contributors: Contributors = Contributors.MEMBERS


def normalise_text(text: str) -> str:
    """Text as the site keeps it: browsers send CRLF line ends, which say nothing new."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def check_slug(slug: str) -> str:
    """A new space's address, lower-cased, when it is well-formed and free."""
    slug = slug.strip().lower()
    if not 2 <= len(slug) <= SLUG_MAX_LENGTH or not SLUG_PATTERN.fullmatch(slug):
        raise SpaceError(
            f"A space's address is 2 to {SLUG_MAX_LENGTH} lower-case letters, digits and "
            "single hyphens, e.g. 'youth-workers'."
        )
    if slug in RESERVED_SLUGS:
        raise SpaceError("That address is reserved. Please choose another.")
    if db.session.scalar(select(Space.id).where(Space.slug == slug)) is not None:
        raise SpaceError("A space with that address already exists.")
    return slug


def checked_values(settings: SpaceSettings) -> dict:
    """The settings as the space's column values, each within its bounds, or SpaceError."""
    name = " ".join(settings.name.split())
    description = normalise_text(settings.description)
    rules = normalise_text(settings.rules)
    if not 2 <= len(name) <= NAME_MAX_LENGTH:
        raise SpaceError(f"A space's name is 2 to {NAME_MAX_LENGTH} characters long.")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise SpaceError(
            f"A space's description is at most {DESCRIPTION_MAX_LENGTH} characters long."
        )
    if len(rules) > RULES_MAX_LENGTH:
        raise SpaceError(f"Please keep the rules under {RULES_MAX_LENGTH:,} characters.")
    if settings.visibility == Visibility.HIDDEN and settings.join_policy != JoinPolicy.INVITE:
        raise SpaceError(
            "A hidden space can only be joined by invitation: nobody else can find it."
        )
    if not 0 <= settings.slow_mode_seconds <= SLOW_MODE_MAX_SECONDS:
        raise SpaceError(
            f"Slow mode is between 0 seconds (off) and one day ({SLOW_MODE_MAX_SECONDS})."
        )
    if not 1 <= settings.flag_hide_threshold <= 100:
        raise SpaceError("The flag threshold is between 1 and 100 flags.")
    return {
        "name": name,
        "description": description,
        "rules": rules,
        "visibility": Visibility(settings.visibility),
        "join_policy": JoinPolicy(settings.join_policy),
        "required_label": labels.resolve_label(settings.required_label),
        "identity_mode": IdentityMode(settings.identity_mode),
        "premoderation": Premoderation(settings.premoderation),
        "slow_mode_seconds": settings.slow_mode_seconds,
        "flag_hide_threshold": settings.flag_hide_threshold,
        "shows_moderator_names": bool(settings.shows_moderator_names),
        "resource_contributors": Contributors(settings.resource_contributors),
    }


def apply_values(space: Space, values: dict) -> list[str]:
    """Copy checked values onto the space; return the names of the settings that changed."""
    changed = [key for key, value in values.items() if getattr(space, key) != value]
    for key in changed:
        setattr(space, key, values[key])
    if "rules" in changed:
        space.rules_html = markup.render(space.rules)
    return changed


def current_settings(space: Space) -> SpaceSettings:
    """The space's settings as they stand, to fill the settings form."""
    return SpaceSettings(
        **{field.name: getattr(space, field.name) for field in fields(SpaceSettings)}
    )


@dataclass
class SettingsSaved:
    changed: list[str]  # the settings changed at once
    scheduled: list[ScheduledChange]  # the loosenings announced, waiting for their date


def _deferred(actor: User, space: Space, values: dict) -> dict:
    """Take the loosenings out of `values` (the space keeps its settings until their date) and
    return those to announce. Every refusal comes before any write."""
    opening = loosening.loosenings(space, values)
    if not opening:
        return {}
    policy.require(actor, Action.LOOSEN_SPACE_SETTINGS, space)
    if not loosening.takes_notice(space):
        return {}  # nobody has posted yet, so nobody can be surprised: at once
    for setting in opening:
        values[setting.value] = getattr(space, setting.value)
    if values["visibility"] == Visibility.HIDDEN and values["join_policy"] != JoinPolicy.INVITE:
        raise SpaceError(
            "The space stays hidden until its new visibility takes effect, and a hidden space "
            "can only be joined by invitation: keep “By invitation” until then. Nothing was saved."
        )
    return {
        setting: new
        for setting, new in opening.items()
        if loosening.check_schedulable(space, setting, new)
    }


# Settings whose old and new values the mod log leaves out: long texts, said only to have changed.
UNQUOTED_SETTINGS = frozenset({"description", "rules"})


def _change_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise SpaceError(
            "Please give a reason for the change: the space's mod log shows it. Nothing was saved."
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise SpaceError(f"Please keep the reason under {REASON_MAX_LENGTH} characters.")
    return reason


def _logged_changes(before: dict, space: Space, changed: list[str]) -> dict:
    quoted = [key for key in changed if key not in UNQUOTED_SETTINGS]
    return {
        "changed": changed,
        "from": {key: before[key] for key in quoted},
        "to": {key: getattr(space, key) for key in quoted},
    }


def update_space_settings(
    actor: User, space: Space, settings: SpaceSettings, reason: str | None = None
) -> SettingsSaved:
    """Change a space's settings: tightening and other changes at once, loosening announced and
    applied after the notice period; a change to the rules text asks members to accept again.
    The settings page passes the reason typed, required for any change and shown in the mod log
    with what changed; None is a script's call, which asks for none."""
    policy.require(actor, Action.EDIT_SPACE_SETTINGS, space)
    values = checked_values(settings)
    label = values["required_label"]
    if label not in (None, space.required_label) and not actor.is_admin and actor.label != label:
        # Staff without the new label would lose the space the moment they saved.
        raise SpaceError(
            f"You do not hold the label {label!r}, so requiring it would shut you out of the "
            "space. Ask a site admin to make this change."
        )
    to_announce = _deferred(actor, space, values)
    before = {key: getattr(space, key) for key in values}
    if reason is not None and (
        to_announce or any(before[key] != value for key, value in values.items())
    ):
        reason = _change_reason(reason)
    changed = apply_values(space, values)
    # A setting changed at once (a tightening) calls off a pending loosening of it.
    loosening.drop_superseded(
        actor, space, [setting for setting in ScheduledSetting if setting.value in changed]
    )
    now = utcnow()
    scheduled = [
        loosening.schedule_loosening(actor, space, setting, new, now, reason or "")
        for setting, new in to_announce.items()
    ]
    if not changed:
        return SettingsSaved(changed, scheduled)
    if "rules" in changed:
        space.rules_version += 1
    if "required_label" in changed:
        recount_members(space)
    db.session.flush()
    audit.record(
        actor,
        ActionKind.SETTINGS_CHANGED,
        space=space,
        changes=_logged_changes(before, space, changed),
        reason=reason or "",
    )
    return SettingsSaved(changed, scheduled)
