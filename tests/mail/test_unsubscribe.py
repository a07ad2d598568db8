"""The unsubscribe link of every mail: a page with a button, RFC 8058's one-click POST, and
nothing at all for a forged, tampered or outdated token. No sign-in is needed, and the page names
no account (a mail can be forwarded)."""

import re

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.mail.unsubscribe import unsubscribe_token
from forum.models import MailMode, MailStatus, Notification, NotificationKind, User
from tests.mail.conftest import SITE_URL, mailed_notification
from tests.support.pages import text
from tests.test_routes import snapshot

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def reader(mail_reader, make_space):
    """An account with mail on and a notification waiting to be mailed."""
    reader = mail_reader("uma_unsubscriber")
    mailed_notification(reader, NotificationKind.REPLY, space=make_space("talk"))
    return reader


def link_of(user: User) -> str:
    return f"/unsubscribe/{unsubscribe_token(db.session.get(User, user.id))}"


def standing(user: User) -> tuple[MailMode, set[MailStatus]]:
    db.session.rollback()
    account = db.session.get(User, user.id)
    statuses = db.session.scalars(
        select(Notification.mail_status).where(Notification.user_id == user.id)
    )
    return account.mail_mode, set(statuses)


def test_the_page_asks_first_names_no_account_and_changes_nothing(client, reader):
    before = snapshot()
    response = client.get(link_of(reader))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert "Stop the mails" in page and 'method="post"' in page
    for never in (reader.username, reader.email):
        assert never not in page
    assert snapshot() == before  # a mail scanner that follows the link unsubscribes nobody


def test_the_button_stops_the_mails_and_what_was_waiting(client, reader):
    link = link_of(reader)
    response = client.submit(link, {})
    assert response.status_code == 200
    assert "No more mail" in text(response)
    assert standing(reader) == (MailMode.OFF, {MailStatus.SKIPPED})


def test_the_one_click_post_of_a_mail_client_needs_no_session_nor_csrf_token(app, reader):
    mail_client = app.test_client()  # no cookie, no page opened first
    response = mail_client.post(link_of(reader), data=ONE_CLICK)
    assert response.status_code == 200
    assert standing(reader) == (MailMode.OFF, {MailStatus.SKIPPED})


def test_any_other_post_without_a_csrf_token_is_refused(app, reader):
    before = snapshot()
    for data in ({}, {"List-Unsubscribe": "Yes"}, {"stop": "1"}):
        response = app.test_client().post(link_of(reader), data=data)
        assert response.status_code == 400
        assert "came from another site" in text(response)
    assert snapshot() == before


def test_a_second_use_is_harmless(app, client, reader):
    link = link_of(reader)
    assert client.submit(link, {}).status_code == 200
    assert app.test_client().post(link, data=ONE_CLICK).status_code == 200
    again = client.get(link)
    assert again.status_code == 200
    assert "No more mail" in text(again)
    assert "Stop the mails" not in text(again)
    assert standing(reader) == (MailMode.OFF, {MailStatus.SKIPPED})


def forgeries(reader: User, other: User) -> dict[str, str]:
    token = unsubscribe_token(db.session.get(User, reader.id))
    payload, signature = token.split(".")
    other_payload = unsubscribe_token(db.session.get(User, other.id)).split(".")[0]
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return {
        "made up": "not-a-token-at-all",
        "tampered signature": f"{payload}.{flipped}",
        "another account's id with this signature": f"{other_payload}.{signature}",
        "no signature": payload,
        "an id beyond any integer column": "OTk5OTk5OTk5OTk5OTk5OTk5OQ." + signature,
    }


def test_a_forged_or_tampered_token_answers_like_any_unknown_page(app, reader, mail_reader):
    other = mail_reader("otto_other")
    unknown = app.test_client().get("/no-such-page")
    before = snapshot()
    for name, token in forgeries(reader, other).items():
        for method, data in (("get", None), ("post", ONE_CLICK)):
            response = getattr(app.test_client(), method)(f"/unsubscribe/{token}", data=data)
            assert response.status_code == 404, name
            assert response.get_data() == unknown.get_data(), name
    assert snapshot() == before


def test_a_link_mailed_to_a_former_address_no_longer_works(app, reader):
    link = link_of(reader)
    account = db.session.get(User, reader.id)
    account.email = "uma.new@example.org"
    db.session.commit()
    assert app.test_client().post(link, data=ONE_CLICK).status_code == 404
    assert standing(reader)[0] == MailMode.IMMEDIATE
    assert app.test_client().post(link_of(reader), data=ONE_CLICK).status_code == 200


def test_the_link_in_a_mail_stops_its_mails(app, mailbox, reader):
    assert app.test_cli_runner().invoke(args=["notifications", "send"]).exit_code == 0
    [mail] = mailbox.received
    header = re.fullmatch(r"<(\S+)>", mail.message["List-Unsubscribe"].strip()).group(1)
    assert header.startswith(f"{SITE_URL}/unsubscribe/")
    assert header in mail.body
    path = header.removeprefix(SITE_URL)
    assert app.test_client().post(path, data=ONE_CLICK).status_code == 200
    assert standing(reader)[0] == MailMode.OFF
