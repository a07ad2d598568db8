"""The core models; importing this package registers every table with the metadata."""

from forum.models.membership import Invitation, Membership, MembershipStatus, Role
from forum.models.persona import Persona, PersonaKind
from forum.models.post import Post, PostRevision, PostStatus, Thread
from forum.models.space import IdentityMode, JoinPolicy, Premoderation, Space, Visibility
from forum.models.user import User

__all__ = [
    "IdentityMode",
    "Invitation",
    "JoinPolicy",
    "Membership",
    "Persona",
    "PersonaKind",
    "Post",
    "PostRevision",
    "PostStatus",
    "MembershipStatus",
    "Premoderation",
    "Role",
    "Space",
    "Thread",
    "User",
    "Visibility",
]
