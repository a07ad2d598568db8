"""Recovery: a one-time code sets a new password and is replaced by a fresh code."""

from tests.factories import PASSWORD
from tests.support.pages import recovery_code

NEW_PASSWORD = "violet harbour engine 7"


def register(client, username="forgetful"):
    response = client.submit(
        "/register",
        {"username": username, "password": PASSWORD, "confirm": PASSWORD, "email": ""},
        follow_redirects=True,
    )
    return recovery_code(response.get_data(as_text=True))


def recover(client, code, username="forgetful", password=NEW_PASSWORD, **kwargs):
    data = {"username": username, "recovery_code": code, "password": password, "confirm": password}
    return client.submit("/recover", data, **kwargs)


def test_recovery_code_sets_a_new_password_and_issues_a_fresh_code(app):
    code = register(app.test_client())
    browser = app.test_client()
    response = recover(browser, code.lower().replace("-", " "), follow_redirects=True)
    page = response.get_data(as_text=True)
    fresh = recovery_code(page)
    assert fresh != code
    assert "Sign out" in page

    # The old code is spent; the fresh one works; the new password works.
    assert "do not match" in recover(app.test_client(), code).get_data(as_text=True)
    assert recover(app.test_client(), fresh, password="amber falcon river 9").status_code == 302
    signed_in = app.test_client().submit(
        "/login", {"username": "forgetful", "password": "amber falcon river 9"}
    )
    assert signed_in.status_code == 302


def test_recovery_ends_every_existing_session(app):
    owner = app.test_client()
    code = register(owner)
    assert owner.get("/settings").status_code == 200
    recover(app.test_client(), code)
    assert owner.get("/settings").status_code == 302


def test_wrong_code_and_unknown_user_get_the_same_answer(client, member):
    for username in ("member_mo", "nobody_at_all"):
        response = recover(client, "AAAA-BBBB-CCCC-DDDD-EEEE", username=username)
        page = response.get_data(as_text=True)
        assert "That username and recovery code do not match." in page
        assert f'value="{username}"' in page


def test_recovery_refuses_a_weak_password_and_keeps_the_code_valid(app):
    code = register(app.test_client())
    response = recover(app.test_client(), code, password="password123")
    assert "stronger password" in response.get_data(as_text=True)
    assert recover(app.test_client(), code).status_code == 302


def test_recovery_is_rate_limited_per_username(app, member):
    for n in range(5):
        recover(
            app.test_client(),
            "AAAA-BBBB-CCCC-DDDD-EEEE",
            username="member_mo",
            environ_base={"REMOTE_ADDR": f"10.1.0.{n}"},
        )
    response = recover(
        app.test_client(),
        "AAAA-BBBB-CCCC-DDDD-EEEE",
        username="member_mo",
        environ_base={"REMOTE_ADDR": "10.1.0.99"},
    )
    assert response.status_code == 429
    assert "Retry-After" in response.headers
