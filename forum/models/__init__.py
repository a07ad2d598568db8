"""The core models; importing this package registers every table with the metadata."""

from forum.models.label import Label
from forum.models.membership import Invitation, Membership, MembershipStatus, Role
from forum.models.mod_action import ActionKind, ModAction
from forum.models.persona import Persona, PersonaKind
from forum.models.post import GONE_STATUSES, Post, PostRevision, PostStatus, Thread
from forum.models.scheduled_change import ScheduledChange, ScheduledSetting
from forum.models.session import BrowserSession
from forum.models.space import IdentityMode, JoinPolicy, Premoderation, Space, Visibility
from forum.models.user import User

__all__ = [
    "ActionKind",
    "BrowserSession",
    "GONE_STATUSES",
    "IdentityMode",
    "Invitation",
    "JoinPolicy",
    "Label",
    "Membership",
    "MembershipStatus",
    "ModAction",
    "Persona",
    "PersonaKind",
    "Post",
    "PostRevision",
    "PostStatus",
    "Premoderation",
    "Role",
    "ScheduledChange",
    "ScheduledSetting",
    "Space",
    "Thread",
    "User",
    "Visibility",
]
