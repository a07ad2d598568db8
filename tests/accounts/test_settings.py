"""Settings: change the password (other sessions end), set or clear the e-mail, renew the code."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import User
from tests.factories import PASSWORD
from tests.support.pages import csrf_token, recovery_code

NEW_PASSWORD = "violet harbour engine 7"


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None, **kwargs):
    data = {
        "password-current_password": current,
        "password-password": new,
        "password-confirm": confirm or new,
    }
    return client.submit("/settings", data, action="/settings/password", **kwargs)


def reload(user):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.id == user.id))


def test_settings_need_a_signed_in_user(client):
    assert client.get("/settings").headers["Location"] == "/login?next=%2Fsettings"
    token = csrf_token(client, "/login")
    response = client.post("/settings/password", data={"csrf_token": token})
    assert response.headers["Location"] == "/login?next=%2Fsettings%2Fpassword"


def test_change_password_needs_the_current_one(member_client, member):
    response = change_password(member_client, current="not my password")
    assert response.status_code == 400
    assert "Your current password is not correct." in response.get_data(as_text=True)
    assert reload(member).password_hash == member.password_hash


def test_change_password_refuses_a_weak_new_one(member_client, member):
    response = change_password(member_client, new="password123")
    assert "stronger password" in response.get_data(as_text=True)


def test_change_password_ends_other_sessions_but_keeps_this_one(sign_in, member):
    this_browser = sign_in(member)
    other_browser = sign_in(member)
    response = change_password(this_browser, follow_redirects=True)
    assert "Your other sessions are signed out." in response.get_data(as_text=True)

    assert this_browser.get("/settings").status_code == 200
    assert other_browser.get("/settings").status_code == 302
    assert sign_in(member, NEW_PASSWORD).get("/settings").status_code == 200


def test_old_password_stops_working_after_a_change(client, member_client, member):
    change_password(member_client)
    page = client.submit("/login", {"username": "member_mo", "password": PASSWORD})
    assert "Incorrect username or password." in page.get_data(as_text=True)


def test_set_and_clear_email(member_client, member):
    response = member_client.submit(
        "/settings",
        {"email-email": "mo@example.org"},
        action="/settings/email",
        follow_redirects=True,
    )
    assert "Your e-mail address is saved." in response.get_data(as_text=True)
    assert reload(member).email == "mo@example.org"

    response = member_client.submit(
        "/settings", {"email-email": ""}, action="/settings/email", follow_redirects=True
    )
    assert "Your e-mail address is removed." in response.get_data(as_text=True)
    assert reload(member).email is None


def test_bad_email_is_refused_and_kept_in_the_form(member_client, member):
    response = member_client.submit(
        "/settings", {"email-email": "mo at example"}, action="/settings/email"
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Invalid email address" in page
    assert 'value="mo at example"' in page
    assert reload(member).email is None


def test_renewing_the_recovery_code_shows_a_new_one_once(member_client, member):
    old_hash = member.recovery_code_hash
    response = member_client.submit(
        "/settings",
        {"recovery-current_password": PASSWORD},
        action="/settings/recovery-code",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert len(recovery_code(page)) == 24
    assert reload(member).recovery_code_hash != old_hash


def test_renewing_the_recovery_code_needs_the_password(member_client, member):
    response = member_client.submit(
        "/settings",
        {"recovery-current_password": "wrong password"},
        action="/settings/recovery-code",
    )
    assert "Your current password is not correct." in response.get_data(as_text=True)
    assert reload(member).recovery_code_hash == member.recovery_code_hash
