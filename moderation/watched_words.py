"""Keeping the lists of watched words: the site's (admins) and each space's (its staff)."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum import audit, policy
from forum.errors import DomainError
from forum.extensions import db
from forum.models import ActionKind, Space, User, WatchAction, WatchedWord
from forum.models.watched_word import PHRASE_MAX_LENGTH
from forum.policy import Action
from moderation import words


class WatchedWordError(DomainError):
    """A change to a list of watched words refused; the form keeps what was typed."""


def _in_list(space: Space | None):
    return WatchedWord.space_id.is_(None) if space is None else WatchedWord.space_id == space.id


def watched_words(space: Space | None) -> list[WatchedWord]:
    """The list's words, alphabetically as folded."""
    return list(
        db.session.scalars(select(WatchedWord).where(_in_list(space)).order_by(WatchedWord.folded))
    )


def add_watched_word(actor: User, space: Space | None, phrase: str, action: str) -> WatchedWord:
    """Watch a word or phrase in the space (None: site-wide) with an action."""
    policy.require(actor, Action.MANAGE_WATCHED_WORDS, space)
    phrase = " ".join(phrase.split())
    if not phrase:
        raise WatchedWordError("Please give a word or phrase to watch.")
    if len(phrase) > PHRASE_MAX_LENGTH:
        raise WatchedWordError(f"Please keep it under {PHRASE_MAX_LENGTH} characters.")
    folded = words.fold(phrase)
    if not folded:
        raise WatchedWordError(
            "That has no letters or digits to match: posts are matched word by word."
        )
    if len(folded) > PHRASE_MAX_LENGTH:
        raise WatchedWordError(f"Please keep it under {PHRASE_MAX_LENGTH} characters.")
    try:
        action = WatchAction(action)
    except ValueError:
        raise WatchedWordError("Please choose what happens to a post that contains it.") from None
    same = db.session.scalar(
        select(WatchedWord).where(_in_list(space), WatchedWord.folded == folded)
    )
    if same is not None:
        raise _duplicate(phrase, same)
    word = WatchedWord(
        space_id=space.id if space else None,
        phrase=phrase,
        folded=folded,
        action=action,
        created_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(word)
    except IntegrityError:  # the same phrase added at the same instant
        raise _duplicate(phrase, None) from None
    audit.record(
        actor,
        ActionKind.WATCHED_WORD_ADDED,
        space=space,
        changes={"phrase": phrase, "action": action.value},
    )
    return word


def _duplicate(phrase: str, same: WatchedWord | None) -> WatchedWordError:
    spelled = f" as “{same.phrase}”" if same is not None and same.phrase != phrase else ""
    return WatchedWordError(
        f"“{phrase}” is on this list already{spelled}: posts are matched ignoring case, "
        "accents and look-alike letters. Remove it first to change its action."
    )


def remove_watched_word(actor: User, space: Space | None, word_id: int) -> WatchedWord:
    """Stop watching a word of the space's list (None: the site's)."""
    policy.require(actor, Action.MANAGE_WATCHED_WORDS, space)
    word = db.session.scalar(select(WatchedWord).where(_in_list(space), WatchedWord.id == word_id))
    if word is None:
        raise WatchedWordError("That word is not on this list (any more).", status=404)
    audit.record(
        actor,
        ActionKind.WATCHED_WORD_REMOVED,
        space=space,
        changes={"phrase": word.phrase, "action": word.action.value},
    )
    db.session.delete(word)
    db.session.flush()
    return word
