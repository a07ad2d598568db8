"""What `seed-demo` shows of moderation: watched words, reported and held posts in the queue."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import Space, Thread, User
from forum.threads import services as posting
from forum.threads import trees
from moderation.flags import flag_post
from moderation.watched_words import add_watched_word

# (space slug or None for site-wide, phrase, action)
DEMO_WATCHED_WORDS = [
    (None, "kill yourself", "block"),
    ("community-voices", "postcode", "hold"),
]
# The thread the demo's queue items are replies to.
DEMO_THREAD_TITLE = "Stop and search near the school gates: what would help?"
# Reported by three members: hidden at the space's threshold, first in the queue.
HIDDEN_REPLY = (
    "member_kit",
    "Everyone round here knows which officer it was. Tall, ginger, drives the blue Astra "
    "parked outside number 14 most nights. Someone should have a word with him.",
)
HIDDEN_REPORTS = [
    ("member_mo", "personal_information", "Describes where an officer lives."),
    ("researcher_rae", "personal_information", ""),
    ("officer_olu", "threat", "Reads like a call to go round there."),
]
# Reported once: waiting in the queue, still visible.
REPORTED_REPLY = (
    "researcher_rae",
    "Our survey on this closes on Friday: fill it in at survey-example.invalid for a chance "
    "to win a voucher!",
)
REPORTED_BY = ("member_mo", "spam", "")
# Holds on the watched word "postcode": waits for approval, seen by its author alone.
HELD_REPLY = (
    "member_mo",
    "It happened again today near the chip shop. Happy to share my postcode with the "
    "neighbourhood team if it helps them plan patrols.",
)


def seed(admin: User, users: dict[str, User], spaces: dict[str, Space]) -> None:
    """Add the demo's watched words, then reports and a held post for the queue."""
    for slug, phrase, action in DEMO_WATCHED_WORDS:
        add_watched_word(admin, spaces[slug] if slug else None, phrase, action)
    thread = _thread_titled(DEMO_THREAD_TITLE)
    first = trees.first_post(thread)

    def reply(author: str, body: str):
        return posting.post_reply(users[author], first, body=body, kind="pseudonym")

    hidden = reply(*HIDDEN_REPLY)
    for reporter, reason, note in HIDDEN_REPORTS:
        flag_post(users[reporter], hidden, reason, note)
    reported = reply(*REPORTED_REPLY)
    reporter, reason, note = REPORTED_BY
    flag_post(users[reporter], reported, reason, note)
    reply(*HELD_REPLY)


def _thread_titled(title: str) -> Thread:
    return db.session.scalar(select(Thread).where(Thread.title == title))
