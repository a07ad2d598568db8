"""The core models; importing this package registers every table with the metadata."""

from forum.models.event import (
    Event,
    EventFormat,
    EventStatus,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from forum.models.flag import Flag, FlagReason
from forum.models.label import Label
from forum.models.membership import (
    Invitation,
    Membership,
    MembershipStatus,
    PersonaSanction,
    Role,
)
from forum.models.mod_action import ActionKind, ModAction
from forum.models.notification import (
    Delivery,
    MailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from forum.models.persona import Persona, PersonaKind
from forum.models.post import GONE_STATUSES, Post, PostRevision, PostStatus, Thread
from forum.models.queue_item import Decision, QueueItem, QueueKind, QueueStatus
from forum.models.reading import ThreadRead, ThreadWatch
from forum.models.resource import Resource, ResourceKind
from forum.models.reveal import RevealRequest, RevealStatus
from forum.models.scheduled_change import ScheduledChange, ScheduledSetting
from forum.models.session import BrowserSession
from forum.models.site_text import SiteText, SiteTextName
from forum.models.space import (
    Contributors,
    IdentityMode,
    JoinPolicy,
    Premoderation,
    Space,
    Visibility,
)
from forum.models.user import MailMode, User
from forum.models.watched_word import WatchAction, WatchedWord

__all__ = [
    "ActionKind",
    "BrowserSession",
    "Contributors",
    "Decision",
    "Delivery",
    "Event",
    "EventFormat",
    "EventStatus",
    "Flag",
    "FlagReason",
    "GONE_STATUSES",
    "IdentityMode",
    "Invitation",
    "JoinPolicy",
    "Label",
    "MailMode",
    "MailStatus",
    "Membership",
    "MembershipStatus",
    "ModAction",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Persona",
    "PersonaKind",
    "PersonaSanction",
    "Post",
    "PostRevision",
    "PostStatus",
    "Premoderation",
    "QueueItem",
    "QueueKind",
    "QueueStatus",
    "Registration",
    "RegistrationMode",
    "RegistrationStatus",
    "Resource",
    "ResourceKind",
    "RevealRequest",
    "RevealStatus",
    "Role",
    "ScheduledChange",
    "ScheduledSetting",
    "SiteText",
    "SiteTextName",
    "Space",
    "Thread",
    "ThreadRead",
    "ThreadWatch",
    "User",
    "Visibility",
    "WatchAction",
    "WatchedWord",
]
