"""Every route of the app, classified: who it is for, and what everyone else gets.

ROUTES classifies each endpoint of the app's URL map (a test fails when one is missing): the URL
it is tested at, filled from a small world of real objects, the methods it takes, and who it is
for. From that table alone this module checks, route by route:

- a POST without its CSRF token is refused by the CSRF check and changes nothing, though the
  same POST with its token goes through;
- a route of a closed space refuses everyone outside the space (a hidden space answers 404 and
  never shows its name), and changes nothing;
- a site admin's route refuses everyone else;
- people who read a space but may not take a route's action are refused, and change nothing;
- what a viewer may not read answers exactly like what does not exist, and an object of
  another space, addressed under this space, answers like a made-up one;
- opening any page, allowed or not, writes nothing and never fails.

"Changes nothing" compares every row of every table, all columns, before and after. The world is
built once for the module; a test that changed it (a control that went through, or an app that
let through what it should not) leaves it to be built again for the next test.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from string import Formatter
from urllib.parse import parse_qs, quote, urlsplit
from weakref import WeakKeyDictionary

import pytest
from flask import Flask
from sqlalchemy import delete, func, inspect, select, update

from forum import labels, storage
from forum.admin.reveals import ask_reveal
from forum.events.registrations import register as register_for_event
from forum.events.services import add_event
from forum.extensions import db
from forum.limits import current_limiter
from forum.mail.unsubscribe import unsubscribe_token
from forum.models import (
    BrowserSession,
    IdentityMode,
    MailMode,
    Notification,
    NotificationKind,
    Persona,
    PersonaKind,
    Post,
    QueueItem,
    QueueKind,
    Resource,
    Role,
    Space,
    ThreadRead,
    User,
)
from forum.resources.services import Details, Upload, add_resource
from forum.spaces.invitations import create_invitation, invite_by_name
from forum.spaces.loosening import pending_changes
from forum.spaces.settings import current_settings, update_space_settings
from forum.threads.services import edit_post
from moderation.appeals import file_appeal
from moderation.items import open_item_for
from moderation.watched_words import add_watched_word
from tests import factories
from tests.conftest import own_app
from tests.factories import PASSWORD
from tests.resources.samples import pdf as a_pdf
from tests.support.client import Client
from tests.support.decisions import decide
from tests.support.pages import csrf_token, recovery_code, text

NEW_PASSWORD = "violet harbour engine 7"
LABEL = "Researcher"
CSRF_REFUSAL = "This form had expired or came from another site"

# The world: a space of each kind, each with an owner, a moderator, the member who wrote the
# reply every post route acts on, another member who did not, and a banned member.
KINDS = ("public", "members", "hidden")
CLOSED_KINDS = ("members", "hidden")
SPACE_NAMES = {  # distinctive, so a page that shows one is easy to catch
    "public": "Open Harbour Commons",
    "members": "Quiet Lantern Circle",
    "hidden": "Secret Orchard Council",
}
SPACE_ROLES = ("owner", "moderator", "author", "bystander", "banned")
# Usernames by role ("moderator" itself is reserved for the site's staff).
USERNAME_WORDS = {
    "owner": "owner",
    "moderator": "steward",
    "author": "author",
    "bystander": "reader",
    "banned": "banished",
}
ANOTHER = {"public": "members", "members": "hidden", "hidden": "members"}

# Everyone outside a closed space, by how they stand to it: (role, in which space).
OUTSIDERS = {
    "visitor": ("visitor", None),
    "signed-in non-member": ("outsider", None),
    "member of another space": ("author", "another"),
    "banned member": ("banned", "this"),
    "moderator of another space": ("moderator", "another"),
}

# What fills a route's URL when the thing it names does not exist.
MADE_UP = {
    "slug": "no-such-space",
    "thread": "nosuchthread",  # well-formed public ids that name nothing
    "post": "nosuchpost22",
    "member": 987654,
    "request": 987654,
    "invitation": 987654,
    "token": "no-such-invitation-token-at-all",
    "change": 987654,
    "label": 987654,
    "user": 987654,
    "username": "nobody_by_that_name",
    "session": "no-such-session",
    "item": 987654,
    "word": 987654,
    "site_word": 987654,
    "entry": 987654,
    "appeal": 987654,
    "removed": "nosuchpost23",
    "notification": 987654,
    "reveal": 987654,
    "unsubscribe": "no-such-unsubscribe-token",
    "named_invitation": 987654,
    "resource": "nosuchthing7",
    "event": "nosuchevent2",
    "registration": 987654,
}
OBJECTS_OF_A_SPACE = (
    "thread",
    "post",
    "member",
    "request",
    "invitation",
    "token",
    "change",
    "word",
    "resource",
    "event",
    "registration",
)


# The table


class Audience(StrEnum):
    ANYONE = "anyone"  # signed in or not; nothing of a space
    ACCOUNT = "account"  # the signed-in viewer's own account
    SITE_ADMINS = "site admins"
    SPACE_FRONT = "space front"  # a space's page and joining: a listed space answers anyone
    INVITATION_LINK = "invitation link"  # whoever holds the link's token
    SPACE = "space"  # threads and posts: a closed space keeps them to its members
    SPACE_STAFF = "space staff"  # running a space


GET, POST, GET_POST = ("GET",), ("POST",), ("GET", "POST")


@dataclass(frozen=True)
class Route:
    """How one endpoint is tested: at which URL, by which methods, and who it is for."""

    path: str  # filled from the world: "/s/{slug}/t/{thread}"
    methods: tuple[str, ...]
    audience: Audience
    sign_in: bool = False  # visitors are sent to sign in first
    actor: str | None = None  # who may send its POST (the CSRF test signs in as them)
    tested_in: str = "members"  # the kind of space the actor sends it in
    data: dict[str, str] = field(default_factory=dict)  # a POST that goes through for the actor
    prefix: str = ""  # the form's field prefix, for forms repeated on one page
    not_for: tuple[str, ...] = ()  # readers of the space whom the route still refuses
    not_for_methods: tuple[str, ...] = GET_POST  # by which methods it refuses them
    refused_with: tuple[int, ...] = (403, 404)  # and how
    # Opening it claims a queue item for the staff who may decide it (moderation/items.claim).
    claims_on_open: bool = False
    # Opening it moves a member's read position in the thread (forum/threads/reading.py).
    records_reads: bool = False

    def url(self, values: dict) -> str:
        return self.path.format_map(values)

    def fields(self) -> list[str]:
        """The names the URL is filled with."""
        return [name for _, name, _, _ in Formatter().parse(self.path) if name]

    def objects(self) -> list[str]:
        """The things of a space the URL names, beside the space itself."""
        return [name for name in self.fields() if name in OBJECTS_OF_A_SPACE]

    def form(self, values: dict) -> dict[str, str]:
        """The POST's fields, prefixed as the page's form names them."""
        prefix = f"{self.prefix.format_map(values)}-" if self.prefix else ""
        return {f"{prefix}{name}": value.format_map(values) for name, value in self.data.items()}

    def token_field(self, values: dict) -> str:
        return f"{self.prefix.format_map(values)}-csrf_token" if self.prefix else "csrf_token"

    @property
    def closed_in(self) -> tuple[str, ...]:
        """The kinds of space whose outsiders this route refuses."""
        if self.audience in (Audience.SPACE, Audience.SPACE_STAFF):
            return CLOSED_KINDS
        return ("hidden",) if self.audience == Audience.SPACE_FRONT else ()

    @property
    def of_a_space(self) -> bool:
        return self.audience in (
            Audience.SPACE_FRONT,
            Audience.INVITATION_LINK,
            Audience.SPACE,
            Audience.SPACE_STAFF,
        )


SETTINGS_FIELDS = {
    "name": "{name}",
    "description": "A new description.",
    "rules": "{rules}",
    "visibility": "{visibility}",
    "join_policy": "{join_policy}",
    "required_label": "",
    "identity_mode": "choice",
    "premoderation": "off",
    "slow_mode_seconds": "0",
    "flag_hide_threshold": "3",
    "resource_contributors": "members",
    "reason": "A new description, agreed with the members.",
}
EVENT_FIELDS = {
    "title": "An evening of the route test",
    "starts_at": "2031-03-01T18:00",
    "ends_at": "2031-03-01T20:00",
    "time_zone": "Europe/London",
    "format": "in_person",
    "venue": "The route hall",
    "registration": "approval",
}
POSTING_FIELDS = {"body": "Words for the route test.", "identity": "pseudonym", "accept_rules": "y"}

# The same event, as the use case takes it: in 2031, far from any reminder.
EVENT_FORM_FIELDS = {
    "title": "An evening of the route world",
    "description": "",
    "starts_local": datetime(2031, 3, 1, 18, 0),
    "ends_local": datetime(2031, 3, 1, 20, 0),
    "time_zone": "Europe/London",
    "format": "in_person",
    "venue": "The route hall",
    "meeting_url": "",
    "registration": "approval",
    "capacity": None,
}

A = Audience
ROUTES: dict[str, Route] = {
    # The site
    "home.index": Route("/", GET, A.ANYONE),
    "profiles.profile": Route("/u/{username}", GET, A.ANYONE),
    "search.search": Route("/search", GET, A.ANYONE),
    "about.about": Route("/about", GET, A.ANYONE),
    "about.privacy": Route("/privacy", GET, A.ANYONE),
    "health.healthz": Route("/healthz", GET, A.ANYONE),
    "health.readyz": Route("/readyz", GET, A.ANYONE),
    "accounts.register": Route(
        "/register",
        GET_POST,
        A.ANYONE,
        actor="visitor",
        data={"username": "newcomer_nell", "password": PASSWORD, "confirm": PASSWORD},
    ),
    "accounts.login": Route(
        "/login",
        GET_POST,
        A.ANYONE,
        actor="visitor",
        data={"username": "{outsider_name}", "password": PASSWORD},
    ),
    "accounts.recover": Route(
        "/recover",
        GET_POST,
        A.ANYONE,
        actor="visitor",
        data={
            "username": "{forgetful_name}",
            "recovery_code": "{recovery_code}",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    ),
    # One's own account
    "accounts.logout": Route("/logout", POST, A.ACCOUNT, actor="outsider"),
    "accounts.recovery_code": Route("/recovery-code", GET, A.ACCOUNT, sign_in=True),
    "accounts.settings": Route("/settings", GET, A.ACCOUNT, sign_in=True),
    "accounts.identities": Route("/settings/identities", GET, A.ACCOUNT, sign_in=True),
    "accounts.signed_in_browsers": Route("/settings/sessions", GET, A.ACCOUNT, sign_in=True),
    "accounts.end_session": Route(
        "/settings/sessions/{session}/end", POST, A.ACCOUNT, sign_in=True, actor="outsider"
    ),
    "accounts.end_other_sessions": Route(
        "/settings/sessions/end-others", POST, A.ACCOUNT, sign_in=True, actor="outsider"
    ),
    "accounts.change_password": Route(
        "/settings/password",
        POST,
        A.ACCOUNT,
        sign_in=True,
        actor="outsider",
        prefix="password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    "accounts.change_time_zone": Route(
        "/settings/time-zone",
        POST,
        A.ACCOUNT,
        sign_in=True,
        actor="outsider",
        prefix="zone",
        data={"time_zone": "Europe/Paris"},
    ),
    "accounts.change_email": Route(
        "/settings/email",
        POST,
        A.ACCOUNT,
        sign_in=True,
        actor="outsider",
        prefix="email",
        data={"email": "someone@example.org"},
    ),
    "accounts.renew_recovery_code": Route(
        "/settings/recovery-code",
        POST,
        A.ACCOUNT,
        sign_in=True,
        actor="outsider",
        prefix="recovery",
        data={"current_password": PASSWORD},
    ),
    "erasure.delete_account": Route(
        "/settings/delete",
        GET_POST,
        A.ACCOUNT,
        sign_in=True,
        actor="outsider",
        data={"password": PASSWORD, "understood": "y"},
    ),
    "notifications.index": Route("/notifications", GET, A.ACCOUNT, sign_in=True),
    "notifications.mark_read": Route(
        "/notifications/{notification}/read", POST, A.ACCOUNT, sign_in=True, actor="author"
    ),
    "notifications.mark_all_read": Route(
        "/notifications/read-all", POST, A.ACCOUNT, sign_in=True, actor="author"
    ),
    # A mail's unsubscribe link: whoever holds its signed token, signed in or not.
    "mail.unsubscribe": Route("/unsubscribe/{unsubscribe}", GET_POST, A.ANYONE, actor="visitor"),
    "notifications.settings": Route(
        "/settings/notifications",
        GET_POST,
        A.ACCOUNT,
        sign_in=True,
        actor="outsider",
        data={kind.value: "app" for kind in NotificationKind} | {"mail_mode": "off"},
    ),
    # The invitee's own invitation by name; to anyone else it is 404, like one that is not.
    "spaces.named_invitation": Route(
        "/invitations/{named_invitation}",
        GET_POST,
        A.ACCOUNT,
        sign_in=True,
        actor="outsider",
        data={"accept_rules": "y"},
    ),
    # Site administration
    "admin.index": Route("/admin", GET, A.SITE_ADMINS, sign_in=True),
    # Staff of any space and site admins; anyone else signed in is refused (403).
    "moderation.queue_list": Route("/mod", GET, A.ACCOUNT, sign_in=True),
    "admin.add_label": Route(
        "/admin/labels", POST, A.SITE_ADMINS, sign_in=True, actor="admin", data={"name": "Nurse"}
    ),
    "admin.rename_label": Route(
        "/admin/labels/{label}",
        POST,
        A.SITE_ADMINS,
        sign_in=True,
        actor="admin",
        prefix="label-{label}",
        data={"name": "Researchers"},
    ),
    "admin.set_label": Route(
        "/admin/users/{user}/label",
        POST,
        A.SITE_ADMINS,
        sign_in=True,
        actor="admin",
        prefix="user-{user}",
        data={"label": LABEL, "note": "Checked in person."},
    ),
    "about.edit_texts": Route(
        "/admin/texts",
        GET_POST,
        A.SITE_ADMINS,
        sign_in=True,
        actor="admin",
        data={"about": "Run by a hub.", "privacy": "", "contact": ""},
    ),
    "admin.new_space": Route(
        "/admin/spaces/new",
        GET_POST,
        A.SITE_ADMINS,
        sign_in=True,
        actor="admin",
        data=SETTINGS_FIELDS
        | {
            "slug": "brand-new",
            "owner": "{outsider_name}",
            "name": "Brand New Space",
            "rules": "Be kind.",
            "visibility": "public",
            "join_policy": "open",
        },
    ),
    "admin.reveals": Route(
        "/admin/reveals",
        GET_POST,
        A.SITE_ADMINS,
        sign_in=True,
        actor="admin",
        data={"space": "public-space", "handle": "{pseudonym}", "reason": "For the route test."},
    ),
    # Asked by another admin: the world's admin may decide it.
    "admin.reveal": Route(
        "/admin/reveals/{reveal}",
        GET_POST,
        A.SITE_ADMINS,
        sign_in=True,
        actor="admin",
        data={"decision": "refuse", "note": "Not for the route test."},
    ),
    "moderation.site_watched_words": Route(
        "/admin/watched-words",
        GET_POST,
        A.SITE_ADMINS,
        sign_in=True,
        actor="admin",
        data={"phrase": "route test phrase", "action": "flag"},
    ),
    "moderation.remove_site_watched_word": Route(
        "/admin/watched-words/{site_word}/remove",
        POST,
        A.SITE_ADMINS,
        sign_in=True,
        actor="admin",
    ),
    # A space's page, and joining it
    "spaces.space": Route("/s/{slug}", GET, A.SPACE_FRONT),
    "spaces.join": Route(
        "/s/{slug}/join",
        POST,
        A.SPACE_FRONT,
        sign_in=True,
        actor="outsider",
        data={"note": "I would like to listen and learn.", "accept_rules": "y"},
        not_for=("banned",),
    ),
    "spaces.leave": Route(
        "/s/{slug}/leave",
        POST,
        A.SPACE_FRONT,
        sign_in=True,
        actor="bystander",
        not_for=("outsider",),
        refused_with=(302, 404),  # a listed space says why on its own page
    ),
    "spaces.accept_rules": Route(
        "/s/{slug}/rules/accept",
        POST,
        A.SPACE_FRONT,
        sign_in=True,
        actor="author",
        not_for=("outsider",),
        refused_with=(302, 404),
    ),
    "spaces.mark_read": Route(
        "/s/{slug}/read",
        POST,
        A.SPACE_FRONT,
        sign_in=True,
        actor="author",
        not_for=("outsider",),
        refused_with=(302, 404),  # a listed space says why on its own page
    ),
    "spaces.invitation": Route(
        "/s/{slug}/invite/{token}",
        GET_POST,
        A.INVITATION_LINK,
        actor="outsider",
        tested_in="hidden",
        data={"accept_rules": "y"},
        not_for=("banned",),
        not_for_methods=POST,  # the page says why they cannot accept it
        refused_with=(403,),
    ),
    # Running a space
    "spaces.members": Route(
        "/s/{slug}/members", GET, A.SPACE_STAFF, sign_in=True, not_for=("bystander",)
    ),
    "spaces.change_role": Route(
        "/s/{slug}/members/{member}/role",
        POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="owner",
        prefix="m{member}-role",
        data={"role": "moderator"},
        not_for=("bystander", "moderator"),  # only owners change roles
    ),
    "moderation.sanction": Route(
        "/s/{slug}/members/{member}/ban",
        GET_POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        data={"reason": "Broke the rules.", "duration": "7"},
        not_for=("bystander", "author"),
    ),
    "spaces.requests": Route(
        "/s/{slug}/requests", GET, A.SPACE_STAFF, sign_in=True, not_for=("bystander",)
    ),
    "spaces.decide_request": Route(
        "/s/{slug}/requests/{request}",
        POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        prefix="r{request}",
        data={"decision": "approve", "reason": ""},
        not_for=("bystander",),
    ),
    "spaces.invitations": Route(
        "/s/{slug}/invites",
        GET_POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        data={"expires_in": "7d", "uses": "1", "note": ""},
        not_for=("bystander",),
    ),
    "spaces.invite_named": Route(
        "/s/{slug}/invites/by-name",
        POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        data={"username": "{forgetful_name}"},
        not_for=("bystander",),
    ),
    "spaces.withdraw_invitation": Route(
        "/s/{slug}/invites/{invitation}/revoke",
        POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        not_for=("bystander",),
    ),
    "spaces.settings": Route(
        "/s/{slug}/settings",
        GET_POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="owner",
        data=SETTINGS_FIELDS,
        not_for=("bystander",),
    ),
    "spaces.cancel_change": Route(
        "/s/{slug}/settings/changes/{change}/cancel",
        POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="owner",
        not_for=("bystander", "moderator"),
    ),
    "moderation.lock_thread": Route(
        "/s/{slug}/t/{thread}/lock",
        POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        not_for=("bystander",),
    ),
    "moderation.moderate_post": Route(
        "/p/{post}/moderate",
        GET_POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        data={"decision": "approve"},
        not_for=("bystander", "author"),
    ),
    "moderation.item": Route(
        "/mod/items/{item}",
        GET_POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        data={"decision": "approve"},
        not_for=("bystander", "author"),
        refused_with=(404,),
        claims_on_open=True,
    ),
    "moderation.pin_thread": Route(
        "/s/{slug}/t/{thread}/pin",
        POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        not_for=("bystander",),
    ),
    "moderation.modlog": Route("/s/{slug}/modlog", GET, A.SPACE),
    # Events: the owner organises one; the author's registration waits for a decision.
    "events.upcoming": Route("/s/{slug}/events", GET, A.SPACE),
    "events.past": Route("/s/{slug}/events/past", GET, A.SPACE),
    "events.event": Route("/s/{slug}/events/{event}", GET, A.SPACE),
    "events.event_ics": Route("/s/{slug}/events/{event}.ics", GET, A.SPACE),
    "events.feed": Route("/s/{slug}/events.ics", GET, A.SPACE),
    "events.new": Route(
        "/s/{slug}/events/new",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="moderator",
        data=EVENT_FIELDS | {"identity": "pseudonym"},
        not_for=("author", "bystander", "outsider"),  # members read; staff organise
    ),
    "events.edit": Route(
        "/s/{slug}/events/{event}/edit",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="moderator",
        data=EVENT_FIELDS,
        not_for=("author", "bystander", "outsider"),
    ),
    "events.cancel": Route(
        "/s/{slug}/events/{event}/cancel",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="moderator",
        data={"reason": "The room is closed."},
        not_for=("author", "bystander", "outsider"),
    ),
    "events.register": Route(
        "/s/{slug}/events/{event}/register",
        POST,
        A.SPACE,
        sign_in=True,
        actor="bystander",
        data={"identity": "pseudonym"},
        not_for=("outsider",),  # in a public space: reads, may not register
    ),
    "events.withdraw": Route(
        "/s/{slug}/events/{event}/withdraw",
        POST,
        A.SPACE,
        sign_in=True,
        actor="author",
        not_for=("bystander",),  # no registration to withdraw
    ),
    "events.decide": Route(
        "/s/{slug}/events/{event}/registrations/{registration}",
        POST,
        A.SPACE,
        sign_in=True,
        actor="moderator",
        data={"decision": "accept"},
        not_for=("author", "bystander", "outsider"),
    ),
    # Appeals: the author of the decision's post appeals; another moderator decides.
    "moderation.appeal": Route(
        "/appeal/{entry}",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="author",
        data={"message": "Please look again."},
        not_for=("bystander", "moderator", "owner"),
    ),
    "moderation.appeal_post": Route(
        "/p/{removed}/appeal", GET, A.SPACE, sign_in=True, not_for=("bystander", "owner")
    ),
    "moderation.appeal_item": Route(
        "/mod/appeals/{appeal}",
        GET_POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="owner",
        data={"decision": "overturn", "reason": "It was a quote."},
        not_for=("bystander", "author", "moderator"),  # the moderator made the decision
        not_for_methods=POST,  # the one who decided reads the appeal, and is told why not
        claims_on_open=True,
    ),
    # Threads and posts
    "threads.new_thread": Route(
        "/s/{slug}/new",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="author",
        data=POSTING_FIELDS | {"title": "A thread from the route test"},
        not_for=("outsider",),  # in a public space: reads, may not post
    ),
    "threads.thread": Route("/s/{slug}/t/{thread}", GET, A.SPACE, records_reads=True),
    # The library (forum/resources)
    "resources.library": Route("/s/{slug}/library", GET, A.SPACE),
    "resources.download": Route("/s/{slug}/library/{resource}/download", GET, A.SPACE),
    "resources.new_resource": Route(
        "/s/{slug}/library/new",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="author",
        data={
            "kind": "link",
            "title": "A toolkit for the route test",
            "summary": "Words for the route test.",
            "link_url": "https://example.org/toolkit",
            "identity": "pseudonym",
            "accept_rules": "y",
        },
    ),
    "resources.edit_resource": Route(
        "/s/{slug}/library/{resource}/edit",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="author",
        data={"kind": "report", "version": "2.0"},
        not_for=("bystander", "moderator", "owner"),  # its contributor's alone
    ),
    "threads.branch": Route("/s/{slug}/t/{thread}/branch/{post}", GET, A.SPACE, records_reads=True),
    "threads.permalink": Route("/p/{post}", GET, A.SPACE),
    "threads.watch": Route(
        "/s/{slug}/t/{thread}/watch", POST, A.SPACE, sign_in=True, actor="bystander"
    ),
    # The thread's starter watches it from the start.
    "threads.unwatch": Route(
        "/s/{slug}/t/{thread}/unwatch", POST, A.SPACE, sign_in=True, actor="owner"
    ),
    "threads.reply": Route(
        "/p/{post}/reply",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="author",
        data=POSTING_FIELDS,
        not_for=("outsider",),
    ),
    "threads.edit": Route(
        "/p/{post}/edit",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="author",
        data={"body": "Edited by the route test.", "content_warning": ""},
        not_for=("bystander", "moderator", "owner"),  # only its author edits a post
    ),
    "threads.delete": Route(
        "/p/{post}/delete",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="author",
        not_for=("bystander", "moderator", "owner"),  # staff remove posts; only authors delete
    ),
    "threads.revisions": Route(
        "/p/{post}/revisions", GET, A.SPACE, sign_in=True, not_for=("bystander", "outsider")
    ),
    "moderation.flag_post": Route(
        "/p/{post}/flag",
        GET_POST,
        A.SPACE,
        sign_in=True,
        actor="bystander",
        data={"reason": "spam", "note": ""},
        not_for=("author", "outsider"),  # never one's own post; members only
    ),
    "moderation.space_watched_words": Route(
        "/s/{slug}/watched-words",
        GET_POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        data={"phrase": "route test phrase", "action": "hold"},
        not_for=("bystander",),
    ),
    "moderation.remove_space_watched_word": Route(
        "/s/{slug}/watched-words/{word}/remove",
        POST,
        A.SPACE_STAFF,
        sign_in=True,
        actor="moderator",
        not_for=("bystander",),
    ),
    # Only those who wrote there: the list outlasts their membership (tests/threads/test_own_words).
    "threads.own_posts": Route(
        "/s/{slug}/mine", GET, A.SPACE, sign_in=True, not_for=("bystander", "moderator")
    ),
}


# The world


@dataclass
class World:
    """Real objects for every route's URL, the people who stand in every relation to them,
    and the database as it was built, to tell whether a request changed anything."""

    app: Flask
    people: dict[str, User] = field(default_factory=dict)  # "outsider", "author of hidden"...
    fills: dict[str, dict] = field(default_factory=dict)  # what fills a URL, by kind of space
    site: dict = field(default_factory=dict)  # what fills the URLs of no space
    clients: dict[str, Client] = field(default_factory=dict)
    as_built: dict = field(default_factory=dict)
    saved_rows: dict[str, list[dict]] = field(default_factory=dict)  # all of them, to restore
    saved_files: dict[str, bytes] = field(default_factory=dict)

    def values(self, kind: str | None = None) -> dict:
        return self.site | (self.fills[kind] if kind else {})

    def client(self, who: str) -> Client:
        """A client signed in as `who` ("visitor" is signed out), kept for the module."""
        if who not in self.clients:
            self.clients[who] = self.new_client(who)
        return self.clients[who]

    def new_client(self, who: str) -> Client:
        if who == "visitor":
            return self.app.test_client()
        return factories.sign_in(self.app, self.people[who])

    def has_changed(self) -> bool:
        return snapshot() != self.as_built

    def rebuild(self) -> None:
        """Put the world back as it was built, for the tests after one that changed it: every
        row of every table, and the stored files of its resources. Copying them back takes a
        fraction of the time that building the world through the services again would."""
        people = {name: inspect(person).identity[0] for name, person in self.people.items()}
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            for table in db.metadata.sorted_tables:
                if rows := self.saved_rows[table.name]:
                    connection.execute(table.insert(), rows)
        for key, data in self.saved_files.items():
            storage.storage().save(key, data)
        current_limiter().reset()
        self.clients = {}
        self.people = {name: db.session.get(User, id) for name, id in people.items()}
        assert not self.has_changed(), "the world was not put back as it was built"


def who(role: str, kind: str | None) -> str:
    """The key of a person of the world: a role in a space, or someone of the site."""
    return f"{role} of {kind}" if role in SPACE_ROLES else role


def outsider(viewer: str, kind: str) -> str:
    """The key of a viewer outside a space of this kind, as OUTSIDERS describes them."""
    role, where = OUTSIDERS[viewer]
    return who(role, {"this": kind, "another": ANOTHER[kind], None: None}[where])


def populate(route_world: World) -> None:
    """Build the spaces, their people, a thread and a reply in each, and the rows staff pages
    act on (a pending request, an invitation, a label), through the real services."""
    factories.make_label(LABEL)
    route_world.people["outsider"] = factories.make_user("lone_outsider")
    route_world.people["admin"] = factories.make_user("site_root", is_admin=True)
    for kind in KINDS:
        populate_space(route_world, kind)
    forgetful, code = register_through_the_form(route_world.app, "forgetful_fern")
    # Another browser of the outsider's, for the route that signs out one browser.
    factories.sign_in(route_world.app, route_world.people["outsider"])
    site_word = add_watched_word(route_world.people["admin"], None, "site watched", "flag")
    route_world.site = {
        "label": labels.find_label(LABEL).id,
        "user": route_world.people["outsider"].id,
        "username": route_world.people["author of public"].username,
        "outsider_name": route_world.people["outsider"].username,
        "forgetful_name": forgetful,
        "recovery_code": code,
        "site_word": site_word.id,
        "session": db.session.scalar(
            select(BrowserSession.public_id).where(
                BrowserSession.user_id == route_world.people["outsider"].id
            )
        ),
    }
    route_world.site |= reveal_fills(route_world)
    route_world.site["unsubscribe"] = unsubscribe_fill()
    site_author = route_world.people["author of members"]
    route_world.site["notification"] = db.session.scalar(
        select(Notification.id)
        .where(Notification.user_id == site_author.id)
        .order_by(Notification.id)
    )
    route_world.site["named_invitation"] = invite_by_name(
        route_world.people["owner of hidden"], hidden_space(), "lone_outsider"
    ).id
    db.session.commit()
    route_world.as_built = snapshot()
    with db.engine.connect() as connection:
        route_world.saved_rows = {
            table.name: [
                dict(row)
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in db.metadata.sorted_tables
        }
    keys = db.session.scalars(select(Resource.file_key).where(Resource.file_key.is_not(None)))
    route_world.saved_files = {key: storage.storage().read(key) for key in keys}


def hidden_space():
    return db.session.scalar(select(Space).where(Space.slug == "hidden-space"))


def reveal_fills(route_world: World) -> dict:
    """A request by another admin to reveal the members space author's pseudonym, and the
    public space author's pseudonym, which nobody has asked about yet."""
    asker = factories.make_user("asking_root", is_admin=True)
    handles = {
        kind: db.session.scalar(
            select(Persona.handle).where(
                Persona.user_id == route_world.people[f"author of {kind}"].id,
                Persona.kind == PersonaKind.PSEUDONYM,
            )
        )
        for kind in ("public", "members")
    }
    asked = ask_reveal(asker, "members-space", handles["members"], "Route world reason.")
    return {"reveal": asked.id, "pseudonym": handles["public"]}


def unsubscribe_fill() -> str:
    """The unsubscribe token of an account that gets mail: its link has something to stop."""
    reader = factories.make_user("mail_reader", email="inbox@example.org")
    reader.mail_mode = MailMode.IMMEDIATE
    return unsubscribe_token(reader)


def populate_space(route_world: World, kind: str) -> None:
    owner = factories.make_user(f"{kind}_{USERNAME_WORDS['owner']}")
    space = factories.make_space(f"{kind}-space", owner, kind, name=SPACE_NAMES[kind])
    people = {"owner": owner}
    for role in ("moderator", "author", "bystander", "banned"):
        people[role] = factories.make_user(f"{kind}_{USERNAME_WORDS[role]}")
        factories.add_member(
            space, people[role], Role.MODERATOR if role == "moderator" else Role.MEMBER
        )
    factories.ban(space, people["banned"], by=owner)
    route_world.people |= {who(role, kind): person for role, person in people.items()}

    thread = factories.start_thread(owner, space, title=f"A thread of the {kind} space")
    reply = factories.reply(people["author"], factories.first_post(thread), "The reply.")
    edit_post(people["author"], reply, body="The reply, edited once.")  # so it has a revision
    item = open_item_for(reply, QueueKind.FLAGGED)  # a report of the reply waits in the queue
    # Two of the author's replies removed by the moderator: one appealed, one not yet.
    removed, appealed = (
        factories.reply(people["author"], factories.first_post(thread), f"Removed reply {n}.")
        for n in (1, 2)
    )
    entry = decide(people["moderator"], removed)
    appeal = file_appeal(people["author"], decide(people["moderator"], appealed), "Look again.")
    db.session.commit()
    # A resource of the author's, before the rules change (so they have rules to accept).
    resource = add_resource(
        people["author"],
        space,
        Details(kind="report"),
        Upload("report.pdf", a_pdf()),
        title=f"A report of the {kind} space",
        summary="What we found.",
        identity="pseudonym",
    )
    db.session.commit()
    invitation = create_invitation(owner, space, expires_in=timedelta(days=7), max_uses=5)
    word = add_watched_word(owner, space, f"watched in {kind}", "flag")
    # The rules change after everyone joined: accepting them is a change a member may make.
    update_space_settings(
        owner, space, replace(current_settings(space), rules="Be kind. Listen first.")
    )
    # An announced change (usernames shown in a week) that owners may cancel.
    update_space_settings(
        owner, space, replace(current_settings(space), identity_mode=IdentityMode.NAMED)
    )
    db.session.commit()
    [change] = pending_changes(space)
    if kind == "members":
        request = factories.ask_to_join(space, factories.make_user(f"{kind}_applicant"))
    else:  # the space takes no requests: any membership of it names one that is not pending
        request = factories.membership_of(space, people["bystander"])
    event = add_event(
        owner,
        space,
        kind="named",
        **EVENT_FORM_FIELDS,
    )
    db.session.commit()
    registration = register_for_event(people["author"], event, kind="pseudonym")
    db.session.commit()
    settings = current_settings(space)
    route_world.fills[kind] = {
        "event": event.public_id,
        "registration": registration.id,
        "slug": space.slug,
        "thread": thread.public_id,
        "post": reply.public_id,
        "item": item.id,
        "member": factories.membership_of(space, people["author"]).id,
        "request": request.id,
        "invitation": invitation.invitation.id,
        "token": invitation.token,
        "change": change.id,
        "word": word.id,
        "entry": entry.id,
        "removed": removed.public_id,
        "appeal": appeal.id,
        "resource": resource.public_id,
        # The settings form as it stands
        "name": settings.name,
        "rules": settings.rules,
        "visibility": settings.visibility.value,
        "join_policy": settings.join_policy.value,
    }


def register_through_the_form(app: Flask, username: str) -> tuple[str, str]:
    """An account registered as a person would, with the recovery code the page shows once."""
    response = app.test_client().submit(
        "/register",
        {"username": username, "password": PASSWORD, "confirm": PASSWORD, "email": ""},
        follow_redirects=True,
    )
    code = recovery_code(response.get_data(as_text=True))
    assert code, "registration showed no recovery code"
    return username, code


@pytest.fixture(scope="module")
def route_world(database_uri, _schema) -> Iterator[World]:
    """One world for the module, on an app of its own."""
    with own_app(database_uri) as app:
        route_world = World(app)
        populate(route_world)
        yield route_world


@pytest.fixture(autouse=True)
def fresh_limits_and_world(route_world):
    """Each test starts with rate limits reset; after a test that changed the world (a control
    that went through, or an app that let through what it should not), it is built again."""
    current_limiter().reset()
    sessions_before = session_ids()
    yield
    # A session that ended (signing out) may be one of the world's signed-in clients.
    if route_world.has_changed() or not sessions_before <= session_ids():
        route_world.rebuild()


# Sending and comparing


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, all columns, in primary-key order; but the sessions: a test's
    client signing in makes one, and using it renews it. session_ids() tells which exist."""
    db.session.rollback()
    with db.engine.connect() as connection:
        return {
            table.name: [
                tuple(map(_comparable_value, row))
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
            if table.name != BrowserSession.__tablename__
        }


def session_ids() -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(select(BrowserSession.public_id)))


def _comparable_value(value):
    # JSON columns come back as dicts and lists; rows must hash to be compared as sets.
    return (
        json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict | list) else value
    )


def changes(before: dict, after: dict) -> list[str]:
    """What differs between two snapshots, row by row."""
    found = []
    for table, rows in before.items():
        gone, new = set(rows) - set(after[table]), set(after[table]) - set(rows)
        found += [f"{table}: - {row}" for row in sorted(gone, key=str)]
        found += [f"{table}: + {row}" for row in sorted(new, key=str)]
    return found


def assert_unchanged(before: dict) -> None:
    found = changes(before, {table: rows for table, rows in snapshot().items() if table in before})
    assert not found, "the request changed rows:\n" + "\n".join(found)


def is_signed_in(client: Client) -> bool:
    return "Sign out" in text(client.get("/"))


_tokens: "WeakKeyDictionary[Client, str]" = WeakKeyDictionary()


def token_of(client: Client) -> str:
    """A valid CSRF token of the client's session, read off a page anyone may open."""
    if client not in _tokens:
        _tokens[client] = csrf_token(client, "/" if is_signed_in(client) else "/login")
    return _tokens[client]


def answer_on_its_own(client: Client, route: Route, method: str, values: dict):
    """The route's answer, with no message from an earlier request waiting to show on it."""
    client.get("/no-such-page")  # any page shows waiting messages, and so clears them
    return send(client, route, method, values)


def send(client: Client, route: Route, method: str, values: dict, *, with_token: bool = True):
    """Open the route's URL; a POST carries the route's form, and a valid CSRF token unless
    `with_token` is false."""
    path = route.url(values)
    if method == "GET":
        return client.get(path)
    data = route.form(values)
    if with_token:
        data[route.token_field(values)] = token_of(client)
    return client.post(path, data=data)


def assert_sent_to_sign_in(response, path: str) -> None:
    """A 302 to /login?next=<the path>: the same for any URL, so it tells nothing."""
    assert response.status_code == 302, text(response)
    location = urlsplit(response.location)
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [path]


def comparable(response, path: str) -> dict:
    """What a viewer can tell from an answer: its status, where it sends them, its headers,
    and for an error its page; CSRF tokens and the path they asked for are left out."""
    page = re.sub(r'(csrf_token"[^>]*value=")[^"]+', r"\1…", response.get_data(as_text=True))
    return {
        "status": response.status_code,
        "location": (response.location or "").replace(quote(path, safe=""), "<the path>"),
        "cache-control": response.headers.get("Cache-Control"),
        "content-type": response.headers.get("Content-Type"),
        "page": page if response.status_code == 404 else None,
    }


# Every route is classified


def rule_methods(app: Flask) -> dict[str, set[str]]:
    methods: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            methods.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return methods


def test_the_table_classifies_every_route_of_the_app(route_world):
    in_the_app = rule_methods(route_world.app)
    missing = sorted(set(in_the_app) - set(ROUTES))
    assert not missing, f"classify these routes in ROUTES: {missing}"
    assert not (gone := sorted(set(ROUTES) - set(in_the_app))), f"no longer routes: {gone}"
    for endpoint, route in ROUTES.items():
        assert set(route.methods) == in_the_app[endpoint], endpoint


@pytest.mark.parametrize("kind", KINDS)
def test_each_route_is_tested_at_a_url_of_its_own(route_world, kind):
    adapter = route_world.app.url_map.bind("localhost")
    for values in (route_world.values(kind), MADE_UP):
        for endpoint, route in ROUTES.items():
            for method in route.methods:
                assert adapter.match(route.url(values), method)[0] == endpoint


# Opening a page


def page_cases() -> Iterator:
    for endpoint, route in ROUTES.items():
        if "GET" in route.methods:
            for kind in KINDS if route.of_a_space else (None,):
                yield pytest.param(endpoint, kind, id=f"{kind} {endpoint}" if kind else endpoint)


@pytest.mark.parametrize(("endpoint", "kind"), list(page_cases()))
def test_opening_a_page_changes_nothing(route_world, endpoint, kind):
    """Whoever opens it, allowed or refused, a GET writes nothing and never fails."""
    route, values = ROUTES[endpoint], route_world.values(kind)
    space = kind or "public"
    for viewer in ("visitor", who("owner", space), who("author", space), "admin"):
        before = snapshot()
        unread = db.session.scalars(select(Notification.id).where(Notification.read_at.is_(None)))
        unread = list(unread)
        response = send(route_world.client(viewer), route, "GET", values)
        assert response.status_code < 500, f"{viewer}: {text(response)}"
        if route.claims_on_open and viewer in (who("owner", space), "admin"):
            # Opening an item is claiming it: that write, and only that one, is its purpose.
            claimed = changes(before, snapshot())
            assert all(line.startswith("queue_items: ") for line in claimed), claimed
            db.session.execute(update(QueueItem).values(claimed_by_id=None, claimed_until=None))
            db.session.commit()
        if route.records_reads and viewer in (who("owner", space), who("author", space)):
            # A member's read position, and the read marks of what told them of the posts it
            # showed, and only those, are what a thread's page may write.
            read = changes(before, snapshot())
            assert all(line.startswith(("thread_reads: ", "notifications: ")) for line in read)
            told = [line.split(" ", 2)[1] for line in read if line.startswith("notifications: ")]
            assert told.count("+") == told.count("-"), read  # marked read: none added or gone
            db.session.execute(delete(ThreadRead))
            db.session.execute(
                update(Notification).where(Notification.id.in_(unread)).values(read_at=None)
            )
            db.session.commit()
        assert_unchanged(before)


# CSRF


def post_routes() -> list[str]:
    return [endpoint for endpoint, route in ROUTES.items() if "POST" in route.methods]


@pytest.mark.parametrize("endpoint", post_routes())
def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(route_world, endpoint):
    """Sent by someone the route would let through, a POST without a token is refused by the
    CSRF check itself (a form's own token check would answer 400 too, without its message)."""
    route = ROUTES[endpoint]
    values = route_world.values(route.tested_in if route.of_a_space else None)
    client = route_world.new_client(who(route.actor, route.tested_in))
    before, signed_in, sessions = snapshot(), is_signed_in(client), session_ids()

    response = send(client, route, "POST", values, with_token=False)
    assert response.status_code == 400
    assert CSRF_REFUSAL in text(response), "refused, but not by the CSRF check"
    assert_unchanged(before)
    assert is_signed_in(client) == signed_in
    assert session_ids() == sessions

    # The same POST with its token goes through: what refused it above was the CSRF check.
    response = send(client, route, "POST", values)
    assert response.status_code < 400, text(response)
    changed = snapshot() != before or session_ids() != sessions
    assert changed or is_signed_in(client) != signed_in, "the control did nothing"


# Closed spaces


def closed_space_cases() -> Iterator:
    for endpoint, route in ROUTES.items():
        for kind in route.closed_in:
            for method in route.methods:
                for viewer in OUTSIDERS:
                    yield pytest.param(
                        endpoint, method, kind, viewer, id=f"{kind} {method} {endpoint} {viewer}"
                    )


@pytest.mark.parametrize(("endpoint", "method", "kind", "viewer"), list(closed_space_cases()))
def test_a_closed_space_refuses_everyone_outside_it(route_world, endpoint, method, kind, viewer):
    """403 or 404, 404 without its name for a hidden space; a visitor may be sent to sign in
    first. A POST carries a valid token of the viewer's session, so the refusal is the
    route's own, not the CSRF check's."""
    route, values = ROUTES[endpoint], route_world.values(kind)
    client = route_world.client(outsider(viewer, kind))
    before = snapshot()
    response = send(client, route, method, values)
    if viewer == "visitor" and route.sign_in:
        assert_sent_to_sign_in(response, route.url(values))
    elif kind == "hidden":
        assert response.status_code == 404, text(response)
        assert SPACE_NAMES["hidden"] not in text(response)
    else:
        assert response.status_code in (403, 404), text(response)
    assert_unchanged(before)


def made_up_fields(route: Route, kind: str) -> list[str]:
    """What to make up in the route's URL: everything it names, and for a hidden space the
    space too; a listed space's existence is no secret, so its slug stays."""
    return [name for name in route.fields() if name != "slug" or kind == "hidden"]


def made_up(route: Route, values: dict, kind: str) -> dict:
    return values | {name: MADE_UP[name] for name in made_up_fields(route, kind)}


def indistinguishable_cases() -> Iterator:
    for endpoint, route in ROUTES.items():
        for kind in route.closed_in:
            if "GET" not in route.methods or not made_up_fields(route, kind):
                continue  # a listed space's own pages: nothing secret to make up
            for viewer in OUTSIDERS:
                yield pytest.param(endpoint, kind, viewer, id=f"{kind} {endpoint} {viewer}")


@pytest.mark.parametrize(("endpoint", "kind", "viewer"), list(indistinguishable_cases()))
def test_what_a_viewer_may_not_read_answers_like_what_does_not_exist(
    route_world, endpoint, kind, viewer
):
    """The same status, redirect and headers as the same URL with what it names made up, and
    for a 404 the same page."""
    route, values = ROUTES[endpoint], route_world.values(kind)
    client = route_world.client(outsider(viewer, kind))
    fake = made_up(route, values, kind)
    answer = comparable(answer_on_its_own(client, route, "GET", values), route.url(values))
    assert answer == comparable(answer_on_its_own(client, route, "GET", fake), route.url(fake))


def test_threads_and_posts_are_addressed_by_public_ids_not_their_row_ids(route_world):
    """DESIGN.md, "Public ids": with row ids in URLs, the gap between two posts a viewer may
    read counts the posts written meanwhile in spaces they may not read, hidden ones too."""
    author, values = route_world.client(who("author", "public")), route_world.values("public")
    response = send(author, ROUTES["threads.reply"], "POST", values)
    assert response.status_code == 302, text(response)
    newest = db.session.scalar(select(func.max(Post.id)))
    assert urlsplit(response.location).path != f"/p/{newest}"


# Site admins


ADMIN_ROUTES = [e for e, route in ROUTES.items() if route.audience == Audience.SITE_ADMINS]
NON_ADMINS = {
    "signed-in non-member": "outsider",
    "owner of a space": "owner of members",
    "moderator of a space": "moderator of hidden",
}


@pytest.mark.parametrize("viewer", NON_ADMINS)
@pytest.mark.parametrize("endpoint", ADMIN_ROUTES)
def test_site_admin_routes_refuse_everyone_else(route_world, endpoint, viewer):
    route, values = ROUTES[endpoint], route_world.values()
    client = route_world.client(NON_ADMINS[viewer])
    for method in route.methods:
        before = snapshot()
        response = send(client, route, method, values)
        assert response.status_code == 403, f"{method}: {text(response)}"
        assert_unchanged(before)


@pytest.mark.parametrize(
    "endpoint",
    [e for e, route in ROUTES.items() if route.sign_in and not route.of_a_space],
)
def test_visitors_are_sent_to_sign_in_first(route_world, endpoint):
    route, values = ROUTES[endpoint], route_world.values()
    for method in route.methods:
        before = snapshot()
        response = send(route_world.client("visitor"), route, method, values)
        assert_sent_to_sign_in(response, route.url(values))
        assert_unchanged(before)


# Readers who may not act


def readers_without_permission_cases() -> Iterator:
    for endpoint, route in ROUTES.items():
        for kind in KINDS if route.of_a_space else ():
            for role in route.not_for:
                for method in sorted(set(route.methods) & set(route.not_for_methods)):
                    yield pytest.param(
                        endpoint, method, kind, role, id=f"{kind} {method} {endpoint} {role}"
                    )


@pytest.mark.parametrize(
    ("endpoint", "method", "kind", "role"), list(readers_without_permission_cases())
)
def test_readers_without_the_permission_are_refused_and_change_nothing(
    route_world, endpoint, method, kind, role
):
    """People the read rule lets in (members, staff, and anyone in a public space) but the
    route's own rule does not: a member at a staff page, a moderator changing roles, anyone
    but its author editing or deleting a post."""
    route, values = ROUTES[endpoint], route_world.values(kind)
    client = route_world.client(who(role, kind))
    before = snapshot()
    response = send(client, route, method, values)
    assert response.status_code in route.refused_with, text(response)
    assert_unchanged(before)


# Objects addressed under another space


def mismatch_cases() -> Iterator:
    for endpoint, route in ROUTES.items():
        objects = route.objects()
        if "slug" not in route.fields() or not objects:
            continue
        # A made-up object beside real ones; with one object alone, that is the reference.
        made_up_one = objects if len(objects) > 1 else []
        for kind in CLOSED_KINDS:
            for method in route.methods:
                for swapped in [None, *made_up_one]:
                    what = f"a made-up {swapped}" if swapped else "the public space's objects"
                    yield pytest.param(
                        endpoint, method, kind, swapped, id=f"{kind} {method} {endpoint} {what}"
                    )


@pytest.mark.parametrize(("endpoint", "method", "kind", "swapped"), list(mismatch_cases()))
def test_an_object_addressed_under_the_wrong_space_answers_like_a_made_up_one(
    route_world, endpoint, method, kind, swapped
):
    """The space's owner, who may read both spaces, asks for the public space's thread (or
    post, member, invitation) under this space's address, or for a made-up thread beside a
    real post: the answer is the one for made-up objects, and nothing changes."""
    route, values = ROUTES[endpoint], route_world.values(kind)
    client = route_world.client(who("owner", kind))
    if swapped is None:
        mixed = values | {name: route_world.fills["public"][name] for name in route.objects()}
    else:
        mixed = values | {swapped: MADE_UP[swapped]}
    reference = values | {name: MADE_UP[name] for name in route.objects()}

    before = snapshot()
    answer = comparable(answer_on_its_own(client, route, method, mixed), route.url(mixed))
    assert_unchanged(before)
    expected = comparable(answer_on_its_own(client, route, method, reference), route.url(reference))
    assert_unchanged(before)
    assert answer == expected
