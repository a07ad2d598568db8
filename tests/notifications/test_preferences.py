"""The notification settings: per kind off, in the app, or also by mail (never off for what a
person is always told), and the account's mail mode, which needs an address."""

import re

import pytest
from sqlalchemy import select

from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    Delivery,
    MailMode,
    Notification,
    NotificationKind,
    NotificationPreference,
    User,
)
from forum.notifications import preferences
from tests.factories import first_post, reply, start_thread
from tests.support.pages import csrf_token, form_errors, text

URL = "/settings/notifications"


def radio(name: str, value: str) -> str:
    """The radio input of that name and value, as WTForms writes it (after its id)."""
    return f'name="{name}" required type="radio" value="{value}"'


def is_checked(page: str, name: str, value: str) -> bool:
    tag = next(t for t in re.findall(r"<input[^>]*>", page) if radio(name, value) in t)
    return tag.startswith("<input checked")


def choices(user) -> dict:
    db.session.expire_all()
    return dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )


def test_the_settings_page_is_linked_and_offers_no_off_for_what_is_always_told(member_client):
    assert URL in text(member_client.get("/settings"))
    response = member_client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert radio("reply", "off") in page
    assert radio("decision", "app") in page
    assert radio("decision", "off") not in page
    assert "You have not given an e-mail address" in page
    assert "/settings#email-title" in page


def test_turning_a_kind_off_stops_it(staffed, sign_in):
    space = staffed("members")
    client = sign_in(space.member)
    response = client.submit(URL, {"reply": "off"})
    assert response.status_code == 302
    assert choices(space.member) == {NotificationKind.REPLY: Delivery.OFF}
    reply(space.moderator, first_post(start_thread(space.member, space.space)))
    assert db.session.scalars(select(Notification)).all() == []


def test_mail_without_an_address_is_refused_keeping_the_choices(member, member_client):
    response = member_client.submit(URL, {"mail_mode": "daily", "mention": "app"})
    assert response.status_code == 400
    page = text(response)
    assert "first give an e-mail address" in form_errors(page)
    assert is_checked(page, "mention", "app")
    assert is_checked(page, "mail_mode", "daily")
    db.session.expire_all()
    assert db.session.get(User, member.id).mail_mode == MailMode.OFF
    assert choices(member) == {}


def test_mail_with_an_address_is_kept(member, member_client):
    member.email = "mo@example.org"
    db.session.commit()
    assert member_client.submit(URL, {"mail_mode": "immediate"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).mail_mode == MailMode.IMMEDIATE


def test_forged_values_are_refused(member, member_client):
    token = csrf_token(member_client, URL)
    base = {"csrf_token": token, "mail_mode": "off"} | {
        kind.value: preferences.DEFAULT_DELIVERY[kind].value for kind in NotificationKind
    }
    for forged in ({"decision": "off"}, {"reply": "loudly"}, {"mail_mode": "hourly"}):
        response = member_client.post(URL, data=base | forged)
        assert response.status_code == 400, forged
    without_csrf = {k: v for k, v in base.items() if k != "csrf_token"}
    assert member_client.post(URL, data=without_csrf).status_code == 400
    assert choices(member) == {}
    with_everything = member_client.post(URL, data=base)
    assert with_everything.status_code == 302


def test_the_service_refuses_an_always_told_kind_off(member):
    with pytest.raises(DomainError):
        preferences.save_preferences(member, {NotificationKind.REVEAL: Delivery.OFF}, MailMode.OFF)
