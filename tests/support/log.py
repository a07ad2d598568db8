"""Read the moderation log as a test would check it."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import ModAction, Space


def mod_log(space: Space) -> list[ModAction]:
    """The space's moderation log, oldest first."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ModAction).where(ModAction.space_id == space.id).order_by(ModAction.id)
        )
    )


def last_log_entry(space: Space) -> ModAction:
    return mod_log(space)[-1]


def reload_space(space: Space) -> Space:
    db.session.expire_all()
    return db.session.get(Space, space.id)
