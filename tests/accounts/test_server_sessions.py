"""Server-side sessions: the cookie holds a random id, the database its hash, visitors no row."""

import hashlib
import re
from datetime import timedelta

import pytest
from flask import Response, flash, session
from sqlalchemy import func, select, update

from forum.accounts.session_store import VISITOR_KEYS
from forum.extensions import db
from forum.models import BrowserSession, User
from forum.models.types import utcnow
from tests.accounts.test_recovery import recover
from tests.factories import PASSWORD
from tests.support.pages import csrf_token, recovery_code

COOKIE = "safe_spaces_session"
FIREFOX_ON_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"


def is_signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def records() -> list[BrowserSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(BrowserSession).order_by(BrowserSession.id)))


def session_count() -> int:
    return db.session.scalar(select(func.count()).select_from(BrowserSession))


def sign_in(client, username="member_mo", **kwargs):
    return client.submit("/login", {"username": username, "password": PASSWORD}, **kwargs)


def set_last_seen(days_ago: int) -> None:
    db.session.execute(
        update(BrowserSession).values(last_seen_on=utcnow().date() - timedelta(days=days_ago))
    )
    db.session.commit()


def writes(counter) -> list[str]:
    return [sql for sql in counter.statements if sql.split()[0] in ("INSERT", "UPDATE", "DELETE")]


def test_the_cookie_holds_only_a_random_id_and_the_database_only_its_hash(client, member):
    sign_in(
        client, environ_base={"HTTP_USER_AGENT": FIREFOX_ON_ANDROID, "REMOTE_ADDR": "198.51.100.7"}
    )
    session_id = client.get_cookie(COOKIE).value
    assert len(session_id) == 43 and "." not in session_id  # 256 random bits, nothing signed
    [record] = records()
    assert record.id_hash == hashlib.sha256(session_id.encode()).hexdigest()
    assert record.browser == "Firefox on Android"
    assert record.created_on == record.last_seen_on == utcnow().date()
    stored = " ".join(str(value) for value in vars(record).values())
    for secret_or_personal in (session_id, "198.51.100.7", "Gecko", "132.0"):
        assert secret_or_personal not in stored


def test_the_database_alone_opens_no_session(app, member_client):
    # Someone who read the sessions table puts the stored hash in a cookie of their own.
    [record] = records()
    thief = app.test_client()
    thief.set_cookie(COOKIE, record.id_hash)
    assert not is_signed_in(thief)


def test_a_visitor_who_never_signs_in_writes_no_row(app, client, count_queries):
    with count_queries() as counter:
        for page in ("/", "/login", "/register", "/recover", "/login"):
            assert client.get(page).status_code == 200
    assert writes(counter) == []
    assert session_count() == 0
    # The visitor's cookie is signed and carries a CSRF secret, nothing else.
    visitor = app.session_interface.get_signing_serializer(app).loads(
        client.get_cookie(COOKIE).value
    )
    assert set(visitor) == {"csrf_token"}


def test_a_forged_visitor_cookie_naming_an_account_signs_nobody_in(app, client, member):
    # Even with the secret key, an account id in a cookie counts for nothing; only records do.
    forged = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": str(member.id), "_fresh": True, "csrf_token": "x"}
    )
    client.set_cookie(COOKIE, forged)
    assert not is_signed_in(client)
    kept = app.session_interface.get_signing_serializer(app).loads(client.get_cookie(COOKIE).value)
    assert set(kept) <= VISITOR_KEYS


def test_sign_out_deletes_the_record_so_a_copied_cookie_stops_working(app, member_client):
    copy = app.test_client()
    copy.set_cookie(COOKIE, member_client.get_cookie(COOKIE).value)
    assert is_signed_in(copy)

    member_client.submit("/", {}, action="/logout")
    assert records() == []
    assert not is_signed_in(copy)
    assert not is_signed_in(member_client)


def test_a_session_id_planted_before_sign_in_is_worth_nothing_after(app, client, member):
    planted = "attacker-chosen-session-id-0123456789abcdef"
    client.set_cookie(COOKIE, planted)
    sign_in(client)
    assert client.get_cookie(COOKIE).value != planted
    attacker = app.test_client()
    attacker.set_cookie(COOKIE, planted)
    assert not is_signed_in(attacker)
    assert is_signed_in(client)


@pytest.mark.parametrize("how", ["sign-in", "registration"])
def test_a_csrf_token_planted_before_sign_in_is_refused_after(app, member, how):
    # The attacker loads a form, then plants their own visitor cookie in the victim's browser.
    attacker = app.test_client()
    planted_token = csrf_token(attacker, "/login")
    victim = app.test_client()
    victim.set_cookie(COOKIE, attacker.get_cookie(COOKIE).value)
    if how == "sign-in":
        sign_in(victim)
    else:
        data = {"username": "newcomer", "password": PASSWORD, "confirm": PASSWORD}
        assert victim.submit("/register", data).status_code == 302
    forged = victim.post(
        "/settings/email", data={"email-csrf_token": planted_token, "email-email": "x@example.org"}
    )
    assert forged.status_code == 400
    assert "This form had expired" in forged.get_data(as_text=True)
    fresh = victim.submit("/settings", {"email-email": "me@example.org"}, action="/settings/email")
    assert fresh.status_code == 302


def test_a_signed_in_page_writes_nothing_on_a_day_already_seen(member_client, count_queries):
    with count_queries() as counter:
        response = member_client.get("/settings")
    assert response.status_code == 200
    assert writes(counter) == []
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_request_reads_its_record_and_account_in_one_statement(
    member_client, count_queries
):
    with count_queries() as counter:
        answer = member_client.get("/healthz")
    assert answer.status_code == 200
    assert len(counter.statements) == 1, counter.statements
    # The view's own cache rule stands; the members' "private" is only the default.
    assert answer.headers["Cache-Control"] == "no-store"
    with count_queries() as counter:
        page = member_client.get("/settings")
    # The account came with the record: the page shows it without reading it again.
    assert "<bdi>member_mo</bdi>" in page.get_data(as_text=True)
    assert not [sql for sql in counter.statements if re.search(r"FROM users\s+WHERE", sql)]


def test_last_seen_is_renewed_once_a_day_with_the_cookie(member_client, count_queries):
    set_last_seen(days_ago=3)
    first = member_client.get("/settings")
    [record] = records()
    assert record.last_seen_on == utcnow().date()
    assert "Expires=" in first.headers["Set-Cookie"]  # the cookie lives on from today
    with count_queries() as counter:
        second = member_client.get("/settings")
    assert writes(counter) == []
    assert "Set-Cookie" not in second.headers


def test_the_cookie_lasts_session_lifetime_days(client, member):
    cookie = next(c for c in sign_in(client).headers.getlist("Set-Cookie") if c.startswith(COOKIE))
    expires = utcnow() + timedelta(days=30)
    assert f"Expires={expires:%a, %d %b %Y}" in cookie


def test_a_session_unused_for_its_lifetime_ends_and_is_cleaned_up(app, member_client, make_user):
    set_last_seen(days_ago=30)
    assert is_signed_in(member_client)  # the last day of its lifetime
    set_last_seen(days_ago=31)
    response = member_client.get("/settings")
    assert response.status_code == 302
    # The dead id is taken off the browser; a visitor's signed cookie (a message) replaces it.
    assert "." in member_client.get_cookie(COOKIE).value
    # The next sign-in, anyone's, deletes the expired record.
    assert len(records()) == 1
    sign_in(app.test_client(), make_user("someone_else").username)
    assert [record.user_id for record in records()] == [2]


def test_recovery_ends_every_session_and_starts_a_new_one(app, member, member_client):
    renewed = member_client.submit(
        "/settings",
        {"recovery-current_password": PASSWORD},
        action="/settings/recovery-code",
        follow_redirects=True,
    )
    other_browser = app.test_client()
    response = recover(other_browser, recovery_code(renewed.get_data(as_text=True)), "member_mo")
    assert response.status_code == 302
    assert not is_signed_in(member_client)
    assert is_signed_in(other_browser)
    assert len(records()) == 1


def test_saving_the_session_commits_nothing_the_request_left_undone(app, member_client, member):
    # A request shows a message (the session changes) after a use case was refused mid-way.
    cookie = member_client.get_cookie(COOKIE).value
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}={cookie}"}):
        assert session.record_id is not None
        db.session.get(User, member.id).email = "refused@example.org"
        db.session.flush()
        flash("Something went wrong.")
        app.session_interface.save_session(app, session, Response())
    db.session.rollback()
    assert db.session.get(User, member.id).email is None
    assert "Something went wrong." in member_client.get("/").get_data(as_text=True)
