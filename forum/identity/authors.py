"""Authors: what a page shows of a persona. A handle, never the account behind a pseudonym.

Pages read authors as plain columns joined to their rows: `author_columns()` and `join_author()`
build the SQL, `author()` the view object, `author_html()` its markup. The account behind a
persona is joined only for a named persona (its verified label) and compared, never selected,
to mark the viewer's own posts.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import and_, bindparam, case, literal

from forum.models import Persona, PersonaKind, User


@dataclass(slots=True)
class Author:
    handle: str
    is_pseudonym: bool
    label: str | None  # a verified label, shown on named posts only
    is_you: bool  # the viewer's own post: marked without naming the account


def _label_for_named():
    # Only a named persona's account label is read; a pseudonym's account is never joined.
    return case((Persona.kind == PersonaKind.NAMED, User.label), else_=None)


def is_viewer_clause(signed_in: bool):
    """SQL truth: the persona is the viewer's own (bound as `viewer_id`: see
    policy.viewer_parameters())."""
    return (Persona.user_id == bindparam("viewer_id")) if signed_in else literal(False)


def author_columns(signed_in: bool) -> tuple:
    """The columns an Author is made of, for a statement joined with join_author()."""
    return (
        Persona.handle,
        Persona.kind,
        _label_for_named().label("label"),
        is_viewer_clause(signed_in).label("is_you"),
    )


def viewer_parameters(viewer: User) -> dict:
    """The bound parameters every statement built with author_columns() takes."""
    return {"viewer_id": viewer.id} if viewer.is_authenticated else {}


def join_author(statement, persona_column, *, outer: bool = False):
    """Join the persona in `persona_column` (`outer`: when there is one), and the account of a
    named persona only."""
    join = statement.outerjoin if outer else statement.join
    return join(Persona, Persona.id == persona_column).outerjoin(
        User, and_(User.id == Persona.user_id, Persona.kind == PersonaKind.NAMED)
    )


def author(row) -> Author:
    """The Author of a row selected with author_columns()."""
    return author_of(row.handle, row.kind, row.label, row.is_you)


def author_of(handle: str, kind: str, label: str | None, is_you) -> Author:
    """The Author of author_columns()' values, in their order."""
    return Author(handle, kind == PersonaKind.PSEUDONYM, label, bool(is_you))


_PSEUDONYM_BADGE = (
    ' <span class="badge badge-pseudonym" title="A pseudonym: nobody can tell whose it is">'
    "pseudonym</span>"
)


def author_element(author) -> str:
    """author_html() as a plain string, for markup built in Python (forum/threads/post_markup)."""
    kind = "author author-pseudonym" if author.is_pseudonym else "author"
    parts = [f'<span class="{kind}"><bdi class="handle">{escape(author.handle)}</bdi>']
    if author.is_pseudonym:
        parts.append(_PSEUDONYM_BADGE)
    if author.label:
        parts.append(f' <span class="badge badge-label">Verified {escape(author.label)}</span>')
    if author.is_you:
        parts.append(' <span class="badge badge-you">you</span>')
    parts.append("</span>")
    return "".join(parts)


def author_html(author) -> Markup:
    """An author as pages show one (templates: `author(...)`). A pseudonym is marked in words,
    not by colour alone, and the viewer's own posts say "you" without naming the account.

    Built here rather than by a macro: lists and threads show one per row, and a macro call
    costs more than the markup.
    """
    return Markup(author_element(author))  # noqa: S704 (the handle and the label are escaped)
