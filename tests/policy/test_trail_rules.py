"""The trail's rules, whose targets are log entries, notifications, appeals and reveals; the
pages that ask them are tested in tests/moderation, tests/notifications and tests/admin."""

from forum.policy import Action

# Actions tested with their own targets, outside test_rules.py's tables of spaces and posts.
TRAIL_ACTIONS = {
    Action.READ_NOTIFICATION,
    Action.APPEAL_DECISION,
    Action.DECIDE_APPEAL,
    Action.DECIDE_REVEAL,
    Action.SEE_REVEALED,
}
