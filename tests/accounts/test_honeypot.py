"""Registration's honeypot: a field people never see, which naive bots fill, refuses them."""

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import User
from tests.factories import PASSWORD
from tests.leaks import inspect_html

NEW_ACCOUNT = {"username": "fresh_fern", "password": PASSWORD, "confirm": PASSWORD}


def accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_a_bot_that_fills_the_honeypot_gets_no_account_and_a_plain_error(client):
    answer = client.submit("/register", NEW_ACCOUNT | {"website": "http://spam.example"})

    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "“Leave this field empty” was filled in" in page
    assert 'value="fresh_fern"' in page  # what was typed is kept
    assert accounts() == 0
    assert "safe_spaces_session" not in answer.headers.get("Set-Cookie", "")


def test_honeypot_refusals_spend_the_registration_limit(client, app):
    app.config["RATELIMIT_REGISTER_PER_ADDRESS"] = "2 per hour"
    for number in range(2):
        bot = NEW_ACCOUNT | {"username": f"bot_{number}", "website": "spam"}
        assert client.submit("/register", bot).status_code == 200

    # The budget is spent: a third attempt is refused as too many, even without the honeypot.
    refused = client.submit("/register", NEW_ACCOUNT)
    assert refused.status_code == 429
    assert accounts() == 0


def test_a_person_who_leaves_it_empty_registers(client):
    answer = client.submit("/register", NEW_ACCOUNT)

    assert answer.status_code == 302
    assert accounts() == 1


def test_the_honeypot_is_hidden_from_people_and_out_of_the_tab_order(client):
    page = client.get("/register").get_data(as_text=True)
    [box] = inspect_html.find_all(inspect_html.parse(page), "div", **{"class": "honeypot"})
    markup = box.markup(page)

    assert box.attrs["aria-hidden"] == "true"
    assert 'tabindex="-1"' in markup
    assert 'autocomplete="off"' in markup
    assert "Leave this field empty" in markup  # for a screen reader that announces it anyway
    assert "required" not in markup
