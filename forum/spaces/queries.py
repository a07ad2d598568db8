"""Reads that feed the directory, a space's page and its staff pages: a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, literal, select, true
from sqlalchemy.orm import contains_eager, joinedload

from forum import policy
from forum.extensions import db
from forum.models import Invitation, Membership, MembershipStatus, Space, User
from forum.pagination import Page, paginate
from forum.threads.queries import with_new_threads

PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class SpaceCard:
    """What the directory shows of a space: plain columns, as nothing on the page writes to it.
    Carries what the policy's standing helpers read of a space (its id, its required label)."""

    id: int
    slug: str
    name: str
    description: str | None
    visibility: str
    join_policy: str
    required_label: str | None
    identity_mode: str
    member_count: int
    last_activity_at: datetime


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    space: SpaceCard
    # Where the viewer stands: "owner", "moderator" or "member" while the membership grants
    # access; else "pending", "declined", "banned" or "label lapsed"; None for no membership.
    standing: str | None
    # For a member: how many of its threads have posts new to them (forum/threads/reading.py).
    new_threads: int | None = None


def standing_in(viewer: User, space: Space | SpaceCard) -> str | None:
    """Where the viewer stands in the space, in the words of DirectoryEntry.standing."""
    membership = policy.membership_of(viewer, space)
    if membership is None:
        return None
    if policy.active_membership(viewer, space) is not None:
        return str(membership.role)
    if membership.is_active:
        return "label lapsed"  # a member whose required label was revoked
    return str(membership.status)


_CARD_COLUMNS = tuple(getattr(Space, name) for name in SpaceCard.__slots__)


@cache
def _directory_statement(signed_in: bool, site_admin: bool):
    """The directory for visitors, members, or site admins (who see every space); built once,
    the viewer's id and label left as parameters."""
    visible = true() if site_admin else policy.visible_spaces_condition(signed_in)
    spaces = select(*_CARD_COLUMNS)
    spaces = with_new_threads(spaces) if signed_in else spaces.add_columns(literal(None))
    return spaces.where(visible).order_by(Space.last_activity_at.desc(), Space.id)


def visible_spaces(viewer: User) -> list[DirectoryEntry]:
    """The spaces the viewer may see, most recently active first, with where they stand and,
    in the spaces they are a member of, how many threads have something new to them."""
    viewer = policy.unwrapped(viewer)
    policy.memberships_of(viewer)  # one query for the standing in every space listed
    statement = _directory_statement(viewer.is_authenticated, policy.is_site_admin(viewer))
    entries = []
    for *columns, news in db.session.execute(statement, policy.viewer_parameters(viewer)):
        space = SpaceCard(*columns)
        entries.append(DirectoryEntry(space, standing_in(viewer, space), news))
    return entries


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


def member_roster(space: Space, page: int = 1) -> Page:
    """One page of the space's active and banned members, by username, with their accounts."""
    statement = (
        select(Membership)
        .join(Membership.user)
        .options(contains_eager(Membership.user))
        .where(
            Membership.space_id == space.id,
            Membership.status.in_([MembershipStatus.ACTIVE, MembershipStatus.BANNED]),
        )
        .order_by(User.username_key)
    )
    return paginate(statement, page, PER_PAGE)


def pending_requests(space: Space, page: int = 1) -> Page:
    """One page of the requests waiting for a decision, oldest first."""
    statement = (
        select(Membership)
        .join(Membership.user)
        .options(contains_eager(Membership.user))
        .where(Membership.space_id == space.id, Membership.status == MembershipStatus.PENDING)
        .order_by(Membership.requested_at, Membership.id)
    )
    return paginate(statement, page, PER_PAGE)


def space_invitations(space: Space, page: int = 1) -> Page:
    """One page of the space's invitations, newest first, with who made each."""
    statement = (
        select(Invitation)
        .options(joinedload(Invitation.created_by))
        .where(Invitation.space_id == space.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return paginate(statement, page, PER_PAGE)
