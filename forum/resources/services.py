"""Library use cases: add a resource (its summary posted as its thread's first post), edit it.

A resource's title and summary are its thread's title and first post, written through the
posting service, so watched words, premoderation, slow mode and rate limits apply as to any
thread. Every check comes before the first write; the file is stored last.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask import current_app

from forum import policy, storage
from forum.errors import DomainError
from forum.extensions import db
from forum.models import Resource, ResourceKind, Space, User
from forum.models.resource import (
    LICENCE_MAX_LENGTH,
    LINK_MAX_LENGTH,
    ORGANISATION_MAX_LENGTH,
    VERSION_MAX_LENGTH,
)
from forum.models.types import utcnow
from forum.policy import Action
from forum.resources.files import CheckedFile, check_upload
from forum.threads import services as posting


class ResourceError(DomainError):
    """A resource was refused; the message says why, and the form keeps what was typed."""


@dataclass(frozen=True)
class Upload:
    """A file as the form received it: the name the browser gave, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Details:
    """What describes a resource beside its title and summary, as typed."""

    kind: str
    organisation: str = ""
    licence: str = ""
    version: str = ""
    review_on: date | None = None
    link_url: str = ""


def _one_line(text: str | None, limit: int, what: str) -> str | None:
    text = " ".join((text or "").split())
    if len(text) > limit:
        raise ResourceError(f"{what} is at most {limit} characters long.")
    return text or None


def checked_link(url: str | None) -> str | None:
    """An http or https address with a host, or None when none was given."""
    url = (url or "").strip()
    if not url:
        return None
    if len(url) > LINK_MAX_LENGTH:
        raise ResourceError(f"Links are at most {LINK_MAX_LENGTH:,} characters long.")
    parts = urlsplit(url)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or any(c.isspace() or ord(c) < 32 for c in url)
    ):
        raise ResourceError(
            "Please give the link as a web address starting with https:// (or http://)."
        )
    return url


def _checked_details(details: Details) -> dict:
    try:
        kind = ResourceKind(details.kind)
    except ValueError:
        raise ResourceError("Please choose the resource's type.") from None
    return {
        "kind": kind,
        "organisation": _one_line(
            details.organisation, ORGANISATION_MAX_LENGTH, "The organisation"
        ),
        "licence": _one_line(details.licence, LICENCE_MAX_LENGTH, "The licence"),
        "version": _one_line(details.version, VERSION_MAX_LENGTH, "The version"),
        "review_on": details.review_on,
        "link_url": checked_link(details.link_url),
    }


def _checked_file(upload: Upload | None) -> CheckedFile | None:
    if upload is None:
        return None
    return check_upload(upload.name, upload.data, current_app.config["RESOURCE_MAX_BYTES"])


def _check_file_or_link(values: dict, file: CheckedFile | None, keeps_file: bool) -> None:
    if file is not None and values["link_url"]:
        raise ResourceError("Please give either a file or a link, not both.")
    if values["kind"] == ResourceKind.LINK and not values["link_url"]:
        raise ResourceError("A resource of type “link” needs its link.")
    if file is None and not keeps_file and not values["link_url"]:
        raise ResourceError("Please choose a file to upload, or give a link.")


def _store(resource: Resource, file: CheckedFile) -> None:
    key = storage.new_key()
    storage.storage().save(key, file.data)
    resource.file_key = key
    resource.file_name = file.download_name
    resource.file_type = file.kind.content_type
    resource.file_size = len(file.data)


def _discard_file(resource: Resource) -> None:
    if (key := resource.drop_file()) is not None:
        storage.storage().delete(key)


def add_resource(
    user: User,
    space: Space,
    details: Details,
    upload: Upload | None,
    *,
    title: str,
    summary: str,
    identity: str,
    accept_rules: bool = False,
    confirm_named: bool = False,
) -> Resource:
    """Add a resource to the space's library, its summary the first post of its thread."""
    policy.require(user, Action.ADD_RESOURCE, space)
    values = _checked_details(details)
    file = _checked_file(upload)
    _check_file_or_link(values, file, keeps_file=False)
    thread = posting.start_thread(
        user,
        space,
        title=title,
        body=summary,
        kind=identity,
        accept_rules=accept_rules,
        confirm_named=confirm_named,
    )
    resource = Resource(space_id=space.id, thread_id=thread.id, created_at=utcnow(), **values)
    resource.thread = thread
    if file is not None:
        _store(resource, file)
    db.session.add(resource)
    db.session.flush()
    return resource


def edit_resource(user: User, resource: Resource, details: Details, upload: Upload | None) -> None:
    """Change a resource's details; a new file replaces the old one, a link takes its place."""
    policy.require(user, Action.EDIT_RESOURCE, resource)
    values = _checked_details(details)
    file = _checked_file(upload)
    _check_file_or_link(values, file, keeps_file=resource.has_file)
    if file is not None or values["link_url"]:
        _discard_file(resource)  # replaced, or given up for a link
    for key, value in values.items():
        setattr(resource, key, value)
    if file is not None:
        _store(resource, file)
    resource.updated_at = utcnow()
    db.session.flush()
