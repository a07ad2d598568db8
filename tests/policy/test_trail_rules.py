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


def test_a_reveal_is_decided_by_a_second_admin_unless_the_site_has_one(app, make_user):
    from forum.models import RevealRequest, RevealStatus
    from forum.policy import can

    asker, second = make_user("asker", is_admin=True), make_user("second", is_admin=True)
    member = make_user("plain_member")
    request = RevealRequest(requested_by_id=asker.id, status=RevealStatus.PENDING)
    assert can(asker, Action.REQUEST_REVEAL) and not can(member, Action.REQUEST_REVEAL)
    assert can(second, Action.DECIDE_REVEAL, request)
    assert not can(asker, Action.DECIDE_REVEAL, request)
    assert not can(member, Action.DECIDE_REVEAL, request)
    app.config["REVEAL_WITHOUT_SECOND_ADMIN"] = True
    assert can(asker, Action.DECIDE_REVEAL, request)
    # Only the asker sees the account, and only once approved.
    assert not can(asker, Action.SEE_REVEALED, request)
    request.status = RevealStatus.APPROVED
    assert can(asker, Action.SEE_REVEALED, request)
    assert not can(second, Action.SEE_REVEALED, request)


def test_a_notification_is_its_recipients_alone(app, make_user):
    from forum.models import Notification
    from forum.policy import check

    mine, theirs = make_user("recipient"), make_user("someone_else")
    notification = Notification(user_id=mine.id)
    assert check(mine, Action.READ_NOTIFICATION, notification) is None
    assert check(theirs, Action.READ_NOTIFICATION, notification).status == 404
