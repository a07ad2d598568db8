"""Registration: username and password rules, the optional e-mail, the one-time recovery code."""

from urllib.parse import quote

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import User
from tests.factories import PASSWORD
from tests.support.forms import read_forms
from tests.support.pages import recovery_code


def register(
    client, username="newcomer", password=PASSWORD, confirm=None, email="", page="/register", **kw
):
    data = {"username": username, "password": password, "confirm": confirm or password}
    data["email"] = email
    return client.submit(page, data, **kw)


def stored_user(username):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username_key == username.lower()))


def test_register_without_email_signs_in_and_shows_recovery_code_once(client):
    response = register(client, follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "Save your recovery code" in page
    code = recovery_code(page)
    assert len(code.replace("-", "")) == 20
    assert "newcomer" in page  # signed in: the header names the account
    user = stored_user("newcomer")
    assert user.email is None
    assert code not in (user.recovery_code_hash or "")
    assert response.headers["Cache-Control"] == "no-store"
    # Reloading the page does not show the code again.
    again = client.get("/recovery-code", follow_redirects=True).get_data(as_text=True)
    assert code not in again


def test_register_stores_an_optional_email(client):
    register(client, email="me@example.org")
    assert stored_user("newcomer").email == "me@example.org"


def test_register_rejects_a_malformed_email_and_keeps_the_username(client):
    response = register(client, email="not-an-address")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Invalid email address" in page
    assert 'value="newcomer"' in page
    assert stored_user("newcomer") is None


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ab", "3 to 30 characters"),
        ("a" * 31, "3 to 30 characters"),
        ("has space", "only letters"),
        ("emoji😀", "only letters"),
        ("dot.name", "only letters"),
        ("<script>", "only letters"),
        ("admin", "reserved"),
        ("Moderator", "reserved"),
        ("SYSTEM", "reserved"),
        ("ad_min", "reserved"),
        ("mod-team", "reserved"),
        # Numbered, disguised or dressed up, a staff title still passes for staff.
        ("Moderator_1", "reserved"),
        ("admin2", "reserved"),
        ("m0derator", "reserved"),
        ("4dmin", "reserved"),
        ("the_moderator", "reserved"),
        ("SafeSpaces-Support", "reserved"),
        ("admin_jo", "reserved"),
    ],
)
def test_register_refuses_bad_usernames(client, username, message):
    response = register(client, username=username)
    page = response.get_data(as_text=True)
    assert message in page
    assert stored_user(username) is None


@pytest.mark.parametrize("username", ["badminton", "modest", "teamwork", "user42", "ad_astra"])
def test_names_that_only_contain_a_staff_word_are_free(client, username):
    assert register(client, username=username).status_code == 302
    assert stored_user(username) is not None


def test_usernames_are_unique_regardless_of_case(client, make_user):
    make_user("Alice_B")
    response = register(client, username="alice_b")
    assert "That username is taken" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_username_keeps_the_case_it_was_registered_with(client):
    register(client, username="MixedCase")
    assert stored_user("mixedcase").username == "MixedCase"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "at least 10 characters"),
        ("password123", "stronger password"),
        ("qwertyuiop", "stronger password"),
        ("aaaaaaaaaaaa", "stronger password"),
        ("newcomer12345", "stronger password"),  # built from the username
    ],
)
def test_register_refuses_short_or_common_passwords(client, password, message):
    response = register(client, password=password)
    assert message in response.get_data(as_text=True)
    assert stored_user("newcomer") is None


def test_register_refuses_mismatched_passwords_and_keeps_the_rest(client):
    response = register(client, confirm="something else entirely", email="me@example.org")
    page = response.get_data(as_text=True)
    assert "The passwords do not match." in page
    assert 'value="newcomer"' in page
    assert 'value="me@example.org"' in page
    assert stored_user("newcomer") is None


def test_password_is_stored_hashed(client):
    register(client)
    user = stored_user("newcomer")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("pbkdf2:")


def test_double_submit_of_registration_makes_one_account(client):
    page = client.get("/register").get_data(as_text=True)
    form = next(form for form in read_forms(page, "/register") if form.method == "post")
    form.fields |= {"username": "newcomer", "password": PASSWORD, "confirm": PASSWORD}
    first = client.post("/register", data=form.fields)
    assert first.status_code == 302
    # The same form sent again: registering renewed the CSRF token, so the old form is void.
    second = client.post("/register", data=form.fields)
    assert second.status_code == 400
    assert "This form had expired" in second.get_data(as_text=True)
    assert "Sign out" in client.get("/").get_data(as_text=True)  # still signed in
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_register_returns_to_a_local_next_page(client):
    response = register(client, page="/register?next=/s/circle/invite/abc")
    assert response.headers["Location"] == "/recovery-code?next=/s/circle/invite/abc"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_register_ignores_a_next_page_on_another_site(client, target):
    response = register(client, page=f"/register?next={quote(target)}")
    assert response.headers["Location"] == "/recovery-code?next=/"


def test_registration_is_rate_limited_per_address_and_keeps_what_was_typed(app):
    for n in range(5):
        client = app.test_client()
        assert register(client, username=f"person{n}").status_code == 302
    client = app.test_client()
    response = register(client, username="sixth_person", email="six@example.org")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "This network may make 5 new accounts an hour. Try again in" in page
    assert 'value="sixth_person"' in page
    assert 'value="six@example.org"' in page
    assert stored_user("sixth_person") is None


def test_refused_registrations_do_not_use_up_the_accounts_a_network_may_make(app):
    # A school behind one address: typos and taken names first, then real accounts.
    client = app.test_client()
    for attempt in range(8):
        response = register(client, username=f"learner{attempt}", password="too short")
        assert response.status_code == 200
        assert "Passwords are at least 10 characters long." in response.get_data(as_text=True)
    for n in range(5):
        assert register(app.test_client(), username=f"pupil{n}").status_code == 302
    assert stored_user("pupil4") is not None


def test_refused_registrations_are_limited_too_at_a_higher_rate(app):
    app.config["RATELIMIT_REGISTER_ATTEMPTS_PER_ADDRESS"] = "3 per hour"
    client = app.test_client()
    for _ in range(3):
        assert register(client, username="admin").status_code == 200
    response = register(client, username="a_fine_name", email="fine@example.org")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "This network may try 3 registrations an hour. Try again in" in page
    assert 'value="a_fine_name"' in page
    assert stored_user("a_fine_name") is None
