"""What a mail may not carry: a closed space's thread titles and post words (mailboxes are less
private than the site), the account behind a pseudonym, a moderator or admin, and anything from
a space the recipient can no longer read."""

import pytest

from forum.admin.reveals import ask_reveal, decide_reveal
from forum.extensions import db
from forum.models import MailMode, Persona, RevealRequest, User
from forum.spaces.membership import leave_space
from tests.factories import add_member, first_post, reply, start_thread
from tests.mail.conftest import SITE_URL, address_for, to_be_mailed, told_of_reply
from tests.support.decisions import decide
from tests.threads.test_query_counts import limits_off

TITLE = "Where the night shelter moved to"
BODY = "Its new door code is 4471."
ANSWER = "I can walk you there at nine."
REASON = "Door codes are not shared here."
NOTE = "Second time this week."


def send(app) -> None:
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    db.session.rollback()


def with_mail(user: User, mode: MailMode = MailMode.IMMEDIATE) -> User:
    account = db.session.get(User, user.id)
    account.email, account.mail_mode = address_for(user.username), mode
    db.session.commit()
    return account


@pytest.fixture
def conversation(make_space, mail_reader, make_user):
    """In a space of a kind: a reader's thread, and a pseudonymous answer by someone else."""

    def build(kind: str, slug: str = "circle", reader: User | None = None):
        space = make_space(slug, kind=kind, name=f"The {slug} of {kind}")
        reader = reader or mail_reader("rhea_reader")
        answerer = make_user(f"{slug}_quinn")
        add_member(space, reader)
        add_member(space, answerer)
        thread = start_thread(reader, space, title=TITLE, body=BODY)
        answer = reply(answerer, first_post(thread), ANSWER, kind="pseudonym")
        return space, reader, answerer, thread, answer

    return build


@pytest.mark.parametrize("kind", ["members", "hidden"])
def test_a_mail_about_a_closed_space_carries_no_title_nor_post_words(
    app, mailbox, conversation, kind
):
    space, reader, answerer, thread, answer = conversation(kind)
    told_of_reply(reader, answer)
    send(app)
    [mail] = mailbox.received
    for never in (TITLE, BODY, ANSWER, answerer.username, reader.username, thread.public_id):
        assert never not in mail.text, never
    assert f"{SITE_URL}/p/{answer.public_id}" in mail.body  # what happened, where, and a link


def test_a_decision_mail_names_no_moderator_and_carries_no_note(app, mailbox, staffed):
    space = staffed("hidden")
    member = with_mail(space.member)
    thread = start_thread(member, space.space, title=TITLE, body=BODY)
    decide(space.moderator, first_post(thread), reason=REASON, note=NOTE)
    to_be_mailed(member)
    send(app)
    [mail] = mailbox.received
    for never in (space.moderator.username, NOTE, REASON, TITLE, BODY, member.username):
        assert never not in mail.text, never


def test_a_reveal_mail_names_neither_admin_nor_the_account(app, mailbox, conversation, make_user):
    asker, approver = (make_user(name, is_admin=True) for name in ("root_asker", "root_approver"))
    space, _, answerer, _, answer = conversation("members")
    answerer = with_mail(answerer)
    handle = db.session.get(Persona, answer.persona_id).handle
    request = ask_reveal(asker, space.slug, handle, "Threats against a member.")
    db.session.commit()
    decide_reveal(approver, db.session.get(RevealRequest, request.id), approve=True, note=NOTE)
    db.session.commit()
    to_be_mailed(answerer)
    send(app)
    [mail] = mailbox.to(answerer.email)
    for never in (asker.username, approver.username, answerer.username, NOTE, ANSWER):
        assert never not in mail.text, never


def test_a_mail_carries_nothing_from_a_space_the_recipient_left(app, mailbox, conversation):
    space, reader, _, _, answer = conversation("members")
    told_of_reply(reader, answer)
    leave_space(db.session.get(User, reader.id), space)
    db.session.commit()
    send(app)
    [mail] = mailbox.received
    for never in (space.name, TITLE, BODY, ANSWER, answer.public_id, space.slug):
        assert never not in mail.text, never
    assert f"{SITE_URL}/notifications" in mail.body


def test_a_digest_does_not_name_a_space_the_recipient_left(app, mailbox, conversation, mail_reader):
    reader = mail_reader("dana_daily", MailMode.DAILY)
    with limits_off():
        kept, *_, kept_answer = conversation("members", "kept", reader)
        left, *_, left_answer = conversation("members", "left", reader)
    told_of_reply(reader, kept_answer)
    told_of_reply(reader, left_answer)
    leave_space(db.session.get(User, reader.id), left)
    db.session.commit()
    send(app)
    [digest] = mailbox.received
    assert f"1 new reply in {kept.name}" in digest.body
    assert "1 new reply in a space you can no longer read" in digest.body
    for never in (left.name, left_answer.public_id, TITLE, BODY, ANSWER):
        assert never not in digest.text, never
