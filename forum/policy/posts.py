"""Who sees what of a post, by its status: the body, a placeholder, or nothing at all.

| status  | its author and the space's staff | everyone else who reads the space  |
|---------|----------------------------------|------------------------------------|
| visible | the body                         | the body                           |
| pending | the body, marked awaiting review | nothing: it is not published yet   |
| hidden  | the body, marked under review    | a placeholder                      |
| removed | the body, marked removed         | a placeholder                      |
| declined| the body, marked declined        | nothing: it was never published    |
| deleted | a placeholder                    | a placeholder                      |

A thread follows the same rule through its status, which is its first post's. The SQL form below
is what list pages and thread pages select with, so a body the viewer may not read never leaves
the database; a test proves the two forms agree for every status and viewer. The clauses compare
with each status rather than `IN (...)`: a list in IN is re-expanded into the SQL on every
execution, on every list and thread page (statuses are never NULL, so the two are the same).
"""

from sqlalchemy import ColumnElement, and_, or_

from forum.models import PostStatus
from forum.models.post import UNPUBLISHED_STATUSES

# Statuses whose body only the author and the space's staff may read.
_UNDER_REVIEW = (PostStatus.PENDING, PostStatus.HIDDEN, PostStatus.REMOVED, PostStatus.DECLINED)
_UNPUBLISHED = tuple(sorted(UNPUBLISHED_STATUSES))


def is_listed(status: PostStatus, *, is_author: bool, is_staff: bool) -> bool:
    """Whether the post appears at all (with its body or as a placeholder)."""
    return status not in UNPUBLISHED_STATUSES or is_author or is_staff


def shows_body(status: PostStatus, *, is_author: bool, is_staff: bool) -> bool:
    """Whether the viewer reads the post's text (and, for a first post, its thread's title)."""
    if status == PostStatus.VISIBLE:
        return True
    return status in _UNDER_REVIEW and (is_author or is_staff)


def listed_clause(status, is_author, is_staff) -> ColumnElement[bool]:
    """is_listed() as SQL, over a status column and SQL truth values for author and staff."""
    return or_(and_(*(status != each for each in _UNPUBLISHED)), is_author, is_staff)


def body_shown_clause(status, is_author, is_staff) -> ColumnElement[bool]:
    """shows_body() as SQL, over a status column and SQL truth values for author and staff."""
    under_review = or_(*(status == each for each in _UNDER_REVIEW))
    return or_(status == PostStatus.VISIBLE, and_(under_review, or_(is_author, is_staff)))
