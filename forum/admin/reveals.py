"""The break-glass reveal: an admin asks, a second admin decides, and only the asker sees.

Each step writes one entry in the space's mod log, about the persona (its handle and the
reason), never about the account; on approval the person behind the pseudonym is told.
"""

from dataclasses import dataclass

from sqlalchemy import case, select, update
from sqlalchemy.orm import aliased

from forum import audit, policy
from forum.admin.services import AdminError
from forum.extensions import db
from forum.models import (
    ActionKind,
    NotificationKind,
    Persona,
    RevealRequest,
    RevealStatus,
    Space,
    User,
)
from forum.models.types import utcnow
from forum.notifications.services import notify
from forum.pagination import Page, paginate
from forum.policy import Action

REQUESTS_PER_PAGE = 50
ALREADY_DECIDED = "This request was already decided: nothing changed."


def ask_reveal(actor: User, slug: str, handle: str, reason: str) -> RevealRequest:
    """File a request to see the account behind the pseudonym `handle` of the space `slug`."""
    policy.require(actor, Action.REQUEST_REVEAL)
    space = db.session.scalar(select(Space).where(Space.slug == slug))
    if space is None:
        raise AdminError("There is no such space: please choose one from the list.")
    handle = handle.strip()
    persona = db.session.scalar(
        select(Persona).where(Persona.space_id == space.id, Persona.handle == handle)
    )
    if persona is None:
        raise AdminError(f"There is no pseudonym “{handle}” in {space.name}.")
    if not persona.is_pseudonym:
        raise AdminError("That is a username, not a pseudonym: there is nothing to reveal.")
    waiting = db.session.scalar(
        select(RevealRequest.id).where(
            RevealRequest.persona_id == persona.id, RevealRequest.status == RevealStatus.PENDING
        )
    )
    if waiting is not None:
        raise AdminError(
            f"A request to reveal “{handle}” in {space.name} is already waiting for a decision.",
            status=409,
        )
    request = RevealRequest(
        space_id=space.id, persona_id=persona.id, requested_by_id=actor.id, reason=reason.strip()
    )
    db.session.add(request)
    db.session.flush()
    audit.record(actor, ActionKind.REVEAL_REQUESTED, space=space, persona=persona, reason=reason)
    return request


def decide_reveal(actor: User, request: RevealRequest, *, approve: bool, note: str) -> None:
    """Approve or refuse a pending request; a decided one raises and changes nothing.

    One conditional UPDATE is the whole race: of two admins deciding at the same instant, on
    SQLite or PostgreSQL, exactly one changes the row, and only that one writes anything else.
    """
    policy.require(actor, Action.DECIDE_REVEAL, request)
    status = RevealStatus.APPROVED if approve else RevealStatus.REFUSED
    decided = db.session.execute(
        update(RevealRequest)
        .where(RevealRequest.id == request.id, RevealRequest.status == RevealStatus.PENDING)
        .values(status=status, decided_by_id=actor.id, decided_at=utcnow(), decision_note=note)
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        raise AdminError(ALREADY_DECIDED, status=409)
    db.session.refresh(request)
    space = db.session.get(Space, request.space_id)
    persona = db.session.get(Persona, request.persona_id)
    kind = ActionKind.REVEAL_APPROVED if approve else ActionKind.REVEAL_REFUSED
    entry = audit.record(actor, kind, space=space, persona=persona, reason=note)
    if approve:
        # The person is told why (the asker's reason), never which admin asked or approved.
        notify(
            persona.user_id,
            NotificationKind.REVEAL,
            space=space,
            entry=entry,
            data={"reason": request.reason},
        )


@dataclass(frozen=True)
class RevealLine:
    """One request as the admin pages show it: admins know each other by username."""

    request: RevealRequest
    space_name: str
    space_slug: str
    handle: str
    asker: str | None  # None: the account was deleted
    decider: str | None

    @property
    def is_pending(self) -> bool:
        return self.request.status == RevealStatus.PENDING


def _lines():
    asker, decider = aliased(User), aliased(User)
    return (
        select(RevealRequest, Space.name, Space.slug, Persona.handle, asker.username)
        .add_columns(decider.username)
        .join(Space, Space.id == RevealRequest.space_id)
        .join(Persona, Persona.id == RevealRequest.persona_id)
        .outerjoin(asker, asker.id == RevealRequest.requested_by_id)
        .outerjoin(decider, decider.id == RevealRequest.decided_by_id)
    )


def request_page(number: int) -> Page:
    """One page of requests: those waiting first, then the newest."""
    waiting_first = case((RevealRequest.status == RevealStatus.PENDING, 0), else_=1)
    statement = _lines().order_by(
        waiting_first, RevealRequest.created_at.desc(), RevealRequest.id.desc()
    )
    page = paginate(statement, number, REQUESTS_PER_PAGE, scalars=False)
    return Page([RevealLine(*row) for row in page.items], page.number, page.per_page, page.total)


def request_line(request_id: int) -> RevealLine | None:
    row = db.session.execute(_lines().where(RevealRequest.id == request_id)).first()
    return RevealLine(*row) if row else None


def revealed_username(viewer: User, request: RevealRequest) -> str | None:
    """The username behind the request's pseudonym, for the asker of an approved request
    alone; nothing else of the account (its other personas, its e-mail) is read."""
    if not policy.can(viewer, Action.SEE_REVEALED, request):
        return None
    return db.session.scalar(
        select(User.username)
        .join(Persona, Persona.user_id == User.id)
        .where(Persona.id == request.persona_id)
    )


def space_choices() -> list[tuple[str, str]]:
    """Every space, hidden ones included, as the request form offers them."""
    spaces = db.session.execute(select(Space.slug, Space.name).order_by(Space.name, Space.id))
    return [(slug, f"{name} (/s/{slug})") for slug, name in spaces]
