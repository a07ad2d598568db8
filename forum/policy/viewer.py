"""The viewer's standing, read once per request: their memberships and their own personas.

A page asks the policy many questions about one viewer (may they reply, is this post theirs,
are they staff here). Each answer comes from this context, loaded on first use (a space's
membership when a page is about one space, all of them when a list asks, the viewer's personas
at once, their event registrations at once) instead of one query per question. Services that
add or remove a membership, a persona or a registration call forget(), so the next question reads
the new state.
"""

from functools import cache, cached_property

from flask import g, has_app_context
from sqlalchemy import bindparam, select
from werkzeug.local import LocalProxy

from forum.extensions import db
from forum.models import Membership, Persona, PersonaKind, Registration, Space, User


@cache
def _statements() -> dict:
    # Built once per process: building a statement costs more than running it, and every
    # signed-in page asks one or two of these.
    mine = bindparam("user_id")
    return {
        "memberships": select(Membership).where(Membership.user_id == mine),
        "membership": select(Membership).where(
            Membership.user_id == mine, Membership.space_id == bindparam("space_id")
        ),
        "personas": select(Persona.id, Persona.space_id, Persona.kind, Persona.handle).where(
            Persona.user_id == mine
        ),
        "registrations": select(Registration.event_id, Registration.status).where(
            Registration.user_id == mine
        ),
    }


class ViewerContext:
    def __init__(self, user_id: int):
        self.user_id = user_id
        self._in_space: dict[int, Membership | None] = {}

    @cached_property
    def memberships(self) -> dict[int, Membership]:
        """The viewer's membership rows, whatever their status, by space id."""
        rows = db.session.scalars(_statements()["memberships"], {"user_id": self.user_id})
        return {membership.space_id: membership for membership in rows}

    def membership_in(self, space_id: int) -> Membership | None:
        """The viewer's membership row in one space: all of them when already read, else that
        one alone (a page about one space needs no more)."""
        if "memberships" in self.__dict__:
            return self.memberships.get(space_id)
        if space_id not in self._in_space:
            self._in_space[space_id] = db.session.scalar(
                _statements()["membership"], {"user_id": self.user_id, "space_id": space_id}
            )
        return self._in_space[space_id]

    @cached_property
    def _personas(self) -> list[tuple[int, int, PersonaKind, str]]:
        return db.session.execute(_statements()["personas"], {"user_id": self.user_id}).all()

    @cached_property
    def persona_spaces(self) -> dict[int, int]:
        """The space of each of the viewer's own personas, by persona id."""
        return {persona_id: space_id for persona_id, space_id, _, _ in self._personas}

    @cached_property
    def pseudonym_spaces(self) -> set[int]:
        """The spaces where the viewer has a pseudonym."""
        return {
            space_id for _, space_id, kind, _ in self._personas if kind == PersonaKind.PSEUDONYM
        }

    @cached_property
    def handles(self) -> dict[tuple[int, PersonaKind], str]:
        """The handle of each of the viewer's own personas, by space id and kind."""
        return {(space_id, kind): handle for _, space_id, kind, handle in self._personas}

    @cached_property
    def registrations(self) -> dict[int, str]:
        """The status of the viewer's registration for each event they registered for."""
        rows = db.session.execute(_statements()["registrations"], {"user_id": self.user_id})
        return dict(rows.all())


def unwrapped(viewer: User) -> User:
    """The account itself rather than Flask-Login's `current_user` proxy: a page asks the policy
    hundreds of questions, and every attribute read through the proxy costs a look-up."""
    return viewer._get_current_object() if isinstance(viewer, LocalProxy) else viewer


def context_of(viewer: User) -> ViewerContext | None:
    """The viewer's context for this request; None for visitors, who have no standing."""
    viewer = unwrapped(viewer)
    if not viewer.is_authenticated:
        return None
    if not has_app_context():
        return ViewerContext(viewer.id)
    contexts = g.setdefault("viewer_contexts", {})
    if viewer.id not in contexts:
        contexts[viewer.id] = ViewerContext(viewer.id)
    return contexts[viewer.id]


def membership_of(viewer: User, space: Space) -> Membership | None:
    """The viewer's membership row in the space, whatever its status, or None."""
    context = context_of(viewer)
    return None if context is None else context.membership_in(space.id)


def memberships_of(viewer: User) -> dict[int, Membership]:
    """All the viewer's membership rows by space id, read at once (for pages listing spaces)."""
    context = context_of(viewer)
    return {} if context is None else context.memberships


def owns_persona(viewer: User, persona_id: int) -> bool:
    """Whether the persona is one of the viewer's own."""
    context = context_of(viewer)
    return context is not None and persona_id in context.persona_spaces


def has_written_in(viewer: User, space: Space) -> bool:
    """Whether the viewer has a persona in the space: they have posted there."""
    context = context_of(viewer)
    return context is not None and space.id in context.persona_spaces.values()


def has_pseudonym_in(viewer: User, space: Space) -> bool:
    """Whether the viewer has a pseudonym in the space: pages of it may show it as theirs."""
    context = context_of(viewer)
    return context is not None and space.id in context.pseudonym_spaces


def own_handle(viewer: User, space: Space, kind: PersonaKind) -> str | None:
    """The handle of the viewer's own persona of this kind in the space, or None (for the
    posting forms' "Post as" choices, from the personas read once a request)."""
    context = context_of(viewer)
    return None if context is None else context.handles.get((space.id, kind))


def registration_status(viewer: User, event_id: int) -> str | None:
    """The status of the viewer's registration for the event, or None: one query a request."""
    context = context_of(viewer)
    return None if context is None else context.registrations.get(event_id)


def forget() -> None:
    """Drop every cached context after a service adds or removes a membership or persona."""
    if has_app_context():
        g.pop("viewer_contexts", None)
