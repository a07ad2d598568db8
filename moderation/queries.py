"""Reads that feed the space staff pages; each page is a fixed number of queries."""

from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from forum.extensions import db
from forum.models import Invitation, Membership, MembershipStatus, Space, User

PER_PAGE = 50


def _page_of(statement, page: int) -> Pagination:
    return db.paginate(statement, page=page, per_page=PER_PAGE, error_out=False)


def _with_space(pagination: Pagination, space: Space) -> Pagination:
    # The policy reads membership.space; the page already holds it, so no query is needed.
    for membership in pagination.items:
        set_committed_value(membership, "space", space)
    return pagination


def member_roster(space: Space, page: int = 1) -> Pagination:
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
    return _with_space(_page_of(statement, page), space)


def pending_requests(space: Space, page: int = 1) -> Pagination:
    """One page of the requests waiting for a decision, oldest first."""
    statement = (
        select(Membership)
        .join(Membership.user)
        .options(contains_eager(Membership.user))
        .where(Membership.space_id == space.id, Membership.status == MembershipStatus.PENDING)
        .order_by(Membership.requested_at, Membership.id)
    )
    return _with_space(_page_of(statement, page), space)


def space_invitations(space: Space, page: int = 1) -> Pagination:
    """One page of the space's invitations, newest first, with who made each."""
    statement = (
        select(Invitation)
        .options(joinedload(Invitation.created_by))
        .where(Invitation.space_id == space.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return _page_of(statement, page)


def invitation_state(invitation: Invitation, now: datetime | None = None) -> str:
    """Name where an invitation stands: live, withdrawn, expired or used up."""
    return invitation.state(now)
