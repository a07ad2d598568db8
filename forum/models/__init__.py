"""The core models; importing this package registers every table with the metadata."""

from forum.models.membership import Invitation, Membership, MembershipStatus, Role
from forum.models.space import IdentityMode, JoinPolicy, Premoderation, Space, Visibility
from forum.models.user import User

__all__ = [
    "IdentityMode",
    "Invitation",
    "JoinPolicy",
    "Membership",
    "MembershipStatus",
    "Premoderation",
    "Role",
    "Space",
    "User",
    "Visibility",
]
