"""/settings lists a person's signed-in browsers and signs out any one of them, or all others."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from forum.accounts.browsers import UNKNOWN, browser_family
from forum.extensions import db
from forum.models import BrowserSession
from forum.models.types import utcnow
from tests.factories import PASSWORD
from tests.leaks.checks import CSRF_VALUE
from tests.support.pages import csrf_token, text

SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/131.0.0.0 Safari/537.36"
)


def browser(app, user, user_agent=CHROME_ON_WINDOWS, address="192.0.2.10"):
    """A client signed in as `user` from a browser of its own."""
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": user_agent, "REMOTE_ADDR": address})
    response = client.submit("/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def words(response) -> str:
    """The page as a person reads it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def end_buttons(page: str) -> list[str]:
    return re.findall(r'action="(/settings/sessions/[^/"]+/end)"', page)


def public_ids(user) -> list[str]:
    db.session.expire_all()
    query = select(BrowserSession.public_id).where(BrowserSession.user_id == user.id)
    return list(db.session.scalars(query))


def test_settings_list_each_browser_with_this_one_marked_and_no_address(app, member):
    browser(app, member, SAFARI_ON_IPHONE, address="203.0.113.45")
    this_one = browser(app, member, CHROME_ON_WINDOWS, address="203.0.113.46")
    response = this_one.get("/settings")
    page = words(response)
    assert "Where you are signed in" in page
    assert "Safari on iOS" in page
    assert "Chrome on Windows · this browser" in page
    assert page.count("Signed in today") == 2
    assert "203.0.113" not in page
    assert "Mozilla" not in page
    assert len(end_buttons(text(response))) == 1  # this browser signs out with the usual button


def test_days_are_told_coarsely(app, member):
    browser(app, member, SAFARI_ON_IPHONE)
    client = browser(app, member)
    db.session.execute(
        update(BrowserSession).values(
            created_on=date(2026, 11, 3), last_seen_on=utcnow().date() - timedelta(days=1)
        )
    )
    db.session.commit()
    page = words(client.get("/settings"))
    assert "Safari on iOS Signed in 3 November 2026 · last used yesterday" in page
    assert "this browser Signed in 3 November 2026 · last used today" in page


def test_signing_out_one_browser_ends_that_session_alone(app, member):
    phone = browser(app, member, SAFARI_ON_IPHONE)
    laptop = browser(app, member, CHROME_ON_WINDOWS)
    [phone_button] = end_buttons(text(laptop.get("/settings")))
    response = laptop.submit("/settings", {}, action=phone_button, follow_redirects=True)
    assert "That browser is signed out." in text(response)
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert "Safari on iOS" not in text(laptop.get("/settings"))


def test_signing_out_every_other_browser_keeps_this_one(app, member, make_user):
    others = [browser(app, member) for _ in range(3)]
    someone_else = browser(app, make_user("someone_else"))
    this_one = browser(app, member, SAFARI_ON_IPHONE)
    response = this_one.submit(
        "/settings", {}, action="/settings/sessions/end-others", follow_redirects=True
    )
    assert "Every other browser is signed out." in text(response)
    assert [is_signed_in(other) for other in others] == [False, False, False]
    assert is_signed_in(this_one)
    assert is_signed_in(someone_else)
    assert len(public_ids(member)) == 1


def test_nobody_can_see_or_end_another_persons_session(app, member, make_user):
    victim = make_user("victim_vi")
    victims_browser = browser(app, victim, SAFARI_ON_IPHONE)
    [victims_session] = public_ids(victim)
    attacker = browser(app, member)
    assert "Safari on iOS" not in text(attacker.get("/settings"))
    token = csrf_token(attacker, "/settings")
    response = attacker.post(
        f"/settings/sessions/{victims_session}/end", data={"csrf_token": token}
    )
    assert response.status_code == 404
    unknown = attacker.post("/settings/sessions/no-such-session/end", data={"csrf_token": token})
    # The same answer as for a session that does not exist, but for the CSRF token's timestamp
    # (the two may be a second apart).
    assert CSRF_VALUE.sub("", response.get_data(as_text=True)) == CSRF_VALUE.sub(
        "", unknown.get_data(as_text=True)
    )
    assert is_signed_in(victims_browser)


@pytest.mark.parametrize("action", ["/settings/sessions/{id}/end", "/settings/sessions/end-others"])
def test_ending_sessions_needs_a_csrf_token(app, member, action):
    phone = browser(app, member, SAFARI_ON_IPHONE)
    laptop = browser(app, member)
    [phone_session, _] = public_ids(member)
    response = laptop.post(action.format(id=phone_session), data={})
    assert response.status_code == 400
    assert is_signed_in(phone)


def test_ending_this_browsers_own_session_signs_it_out(app, member):
    client = browser(app, member)
    [own] = public_ids(member)
    token = csrf_token(client, "/settings")
    response = client.post(f"/settings/sessions/{own}/end", data={"csrf_token": token})
    assert response.headers["Location"] == "/"
    assert not is_signed_in(client)


def test_visitors_are_sent_to_sign_in(client):
    token = csrf_token(client, "/login")
    response = client.post("/settings/sessions/end-others", data={"csrf_token": token})
    assert response.headers["Location"].startswith("/login")
    assert client.get("/settings/sessions").headers["Location"].startswith("/login")


def test_the_sessions_address_opens_the_list(member_client):
    response = member_client.get("/settings/sessions")
    assert response.headers["Location"] == "/settings"  # the page top, where its message is


@pytest.mark.parametrize(
    ("user_agent", "family"),
    [
        (
            "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0",
            "Firefox on Android",
        ),
        (SAFARI_ON_IPHONE, "Safari on iOS"),
        (CHROME_ON_WINDOWS, "Chrome on Windows"),
        (CHROME_ON_WINDOWS + " Edg/131.0.0.0", "Edge on Windows"),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko)"
            " SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            " Version/18.1 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        ("curl/8.5.0", UNKNOWN),
        ("", UNKNOWN),
        (None, UNKNOWN),
        ("<script>alert(1)</script>" * 50, UNKNOWN),
    ],
)
def test_browser_family_is_coarse(user_agent, family):
    assert browser_family(user_agent) == family
