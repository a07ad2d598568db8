"""Reads that feed the directory and a space's page; each is a fixed number of queries."""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, func, select

from forum import policy
from forum.extensions import db
from forum.models import Membership, MembershipStatus, Space, User


@dataclass(frozen=True)
class DirectoryEntry:
    space: Space
    membership: Membership | None


def visible_spaces(viewer: User) -> list[DirectoryEntry]:
    """The spaces the viewer may see, most recently active first, with the viewer's membership."""
    spaces = db.session.scalars(
        select(Space)
        .where(policy.visible_spaces_clause(viewer))
        .order_by(Space.last_activity_at.desc(), Space.id)
    ).all()
    memberships = {}
    if viewer.is_authenticated and spaces:
        memberships = {
            m.space_id: m
            for m in db.session.scalars(select(Membership).where(Membership.user_id == viewer.id))
        }
    return [DirectoryEntry(space, memberships.get(space.id)) for space in spaces]


@cache
def _presence_statement():
    # Built once: the statement's shape never changes, only the space it is asked about.
    return (
        select(User.label, func.count())
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.space_id == bindparam("space_id"),
            Membership.status == MembershipStatus.ACTIVE,
            User.label.is_not(None),
        )
        .group_by(User.label)
        .order_by(func.count().desc(), User.label)
    )


def verified_presence(space: Space) -> list[tuple[str, int]]:
    """Each verified label held by active members of the space, with how many hold it."""
    rows = db.session.execute(_presence_statement(), {"space_id": space.id})
    return [(label, count) for label, count in rows]
