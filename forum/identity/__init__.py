"""Personas: a member's named and pseudonymous identities in each space, made when first needed.

`forum.identity.authors` is the one place a persona becomes what a page shows: an Author.
"""

import secrets
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum import policy
from forum.extensions import db
from forum.models import IdentityMode, Persona, PersonaKind, Space, User

WORDS = Path(__file__).parent
HANDLE_NUMBER_RANGE = 99
HANDLE_ATTEMPTS = 20


@cache
def _words(name: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (WORDS / name).read_text().splitlines() if line.strip())


def handle_combinations() -> int:
    return len(_words("adjectives.txt")) * len(_words("nouns.txt")) * HANDLE_NUMBER_RANGE


def random_handle() -> str:
    """Return random words such as "Patient Heron 17": nothing in them comes from the user."""
    adjective = secrets.choice(_words("adjectives.txt")).title()
    noun = secrets.choice(_words("nouns.txt")).title()
    return f"{adjective} {noun} {secrets.randbelow(HANDLE_NUMBER_RANGE) + 1}"


def allowed_kinds(space: Space) -> list[PersonaKind]:
    """The identities an author may use in the space; in choice spaces the pseudonym comes first."""
    if space.identity_mode == IdentityMode.NAMED:
        return [PersonaKind.NAMED]
    if space.identity_mode == IdentityMode.PSEUDONYMOUS:
        return [PersonaKind.PSEUDONYM]
    return [PersonaKind.PSEUDONYM, PersonaKind.NAMED]


def find_persona(user: User, space: Space, kind: PersonaKind) -> Persona | None:
    return db.session.scalar(
        select(Persona).where(
            Persona.space_id == space.id, Persona.user_id == user.id, Persona.kind == kind
        )
    )


def persona_for(user: User, space: Space, kind: PersonaKind) -> Persona:
    """Return the user's persona of this kind in the space, making it on first use."""
    existing = find_persona(user, space, kind)
    if existing is not None:
        return existing
    for _ in range(HANDLE_ATTEMPTS):
        handle = user.username if kind == PersonaKind.NAMED else random_handle()
        persona = Persona(space_id=space.id, user_id=user.id, kind=kind, handle=handle)
        try:
            # A savepoint: a clash (same handle, or a concurrent request making the same
            # persona) rolls back only this insert.
            with db.session.begin_nested():
                db.session.add(persona)
        except IntegrityError:
            existing = find_persona(user, space, kind)
            if existing is not None:
                return existing
            continue
        policy.forget()  # the viewer's own personas changed
        return persona
    raise RuntimeError("could not find a free pseudonym; the word lists are too small")


def personas_of(user: User) -> list[tuple[Space, Persona]]:
    """The user's own personas with their spaces, for their private "your identities" page."""
    rows = db.session.execute(
        select(Space, Persona)
        .join(Persona, Persona.space_id == Space.id)
        .where(Persona.user_id == user.id)
        .order_by(Space.name, Persona.kind)
    )
    return [(space, persona) for space, persona in rows]
