"""Refused posts (rate limit, slow mode, validation, locked thread) name no account.

Each refusal is met by the author U replying to their own pseudonymous post, and by other members
(the space's moderator and owner among them) replying to it: the error page quotes U's post, and
neither the page, its message nor its headers may carry U's account.
"""

import pytest
from sqlalchemy import select, update

from forum.extensions import db
from forum.limits import current_limiter
from forum.models import Post, Space, Thread
from tests.leaks import checks, inspect_html
from tests.leaks.conftest import first_post, latest_thread, lift_posting_limits
from tests.support.forms import read_forms
from tests.threads.conftest import reply, start_thread

REPLIERS = ["author", "member", "moderator", "owner"]


@pytest.fixture(scope="module")
def u_post(shared_scene) -> Post:
    """U's pseudonymous thread in Haven, and a pseudonymous reply of U's in it."""
    author = shared_scene.client("author")
    response = start_thread(author, "haven", title="Hard to say", body="PSEUDO-opening")
    assert response.status_code == 302
    thread = latest_thread("haven")
    assert reply(author, first_post(thread).public_id, body="PSEUDO-reply").status_code == 302
    return db.session.scalar(select(Post).where(Post.body_source == "PSEUDO-reply"))


@pytest.fixture
def scene(shared_scene, u_post):
    """The module's scene; what a test changes (limits, slow mode, a lock) is undone after it."""
    yield shared_scene
    db.session.expire_all()
    db.session.get(Space, shared_scene.haven.id).slow_mode_seconds = 0
    db.session.execute(update(Thread).values(locked=False))
    db.session.commit()
    lift_posting_limits(shared_scene.app)
    current_limiter().reset()


def assert_refusal_names_nobody(scene, viewer, response, status, says, kept=None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    secrets = scene.secrets()
    findings = checks.posts_page(response, secrets, author_view=viewer == "author", space="haven")
    messages = {"form-errors", "field-error", "error-page", "notice", "flash"}
    errors = [
        element.markup(body)
        for element in inspect_html.parse(body).walk()
        if messages & set(element.attrs.get("class", "").split())
    ]
    assert errors, "the refusal says nothing"
    assert any(says in error for error in errors), errors
    for error in errors:
        findings += [
            f"in the message: {finding}" for finding in checks.names_nobody(error, secrets)
        ]
    if kept is not None:
        assert kept in body, "the refusal lost what the person wrote"
    assert not findings, "\n".join(findings)
    return body


def _post_form(client, page: str, action: str, data: dict):
    """POST a form of `page` whatever the page's status (a refusal page still has its form)."""
    response = client.get(page)
    forms = [form for form in read_forms(response.get_data(as_text=True), page)]
    token = next(form.fields["csrf_token"] for form in forms if "csrf_token" in form.fields)
    return client.post(action, data={"csrf_token": token} | data)


@pytest.mark.parametrize("viewer", REPLIERS)
def test_a_rate_limited_reply_names_nobody(scene, u_post, viewer):
    config = scene.app.config
    config["RATELIMIT_REPLY"] = config["RATELIMIT_REPLY_NEW_ACCOUNT"] = "1 per 10 minutes"
    client = scene.client(viewer)
    assert reply(client, u_post.public_id, body="Within the limit").status_code == 302
    response = reply(client, u_post.public_id, body="One too many, kept")
    assert_refusal_names_nobody(scene, viewer, response, 429, "Try again in", "One too many, kept")
    assert response.headers["Retry-After"].isdigit()
    assert not checks.names_nobody(checks.headers_text(response), scene.secrets())


def test_a_rate_limited_new_thread_names_nobody(scene, u_post):
    config = scene.app.config
    config["RATELIMIT_NEW_THREAD"] = config["RATELIMIT_NEW_THREAD_NEW_ACCOUNT"] = "1 per hour"
    client = scene.client("author")
    assert start_thread(client, "haven", title="Within the limit").status_code == 302
    response = start_thread(client, "haven", title="One thread too many", body="Kept text")
    body = assert_refusal_names_nobody(scene, "author", response, 429, "Try again in", "Kept text")
    assert "One thread too many" in body


@pytest.mark.parametrize("viewer", REPLIERS)
def test_slow_mode_names_nobody(scene, u_post, viewer):
    client = scene.client(viewer)
    assert reply(client, u_post.public_id, body="Before slow mode").status_code == 302
    db.session.get(Space, scene.haven.id).slow_mode_seconds = 600
    db.session.commit()
    response = reply(client, u_post.public_id, body="Too soon, kept")
    assert_refusal_names_nobody(scene, viewer, response, 429, "slow mode", "Too soon, kept")


@pytest.mark.parametrize("viewer", REPLIERS)
def test_a_rejected_reply_names_nobody(scene, u_post, viewer):
    client = scene.client(viewer)
    for body, says in [("   ", "Please write something"), ("x" * 20_001, "at most 20,000")]:
        response = reply(client, u_post.public_id, body=body)
        assert_refusal_names_nobody(scene, viewer, response, 400, says)


def test_a_rejected_thread_or_edit_names_nobody(scene, u_post):
    client = scene.client("author")
    response = start_thread(client, "haven", title="ab", body="Kept body")
    assert_refusal_names_nobody(scene, "author", response, 400, "Titles are", "Kept body")
    response = client.submit(f"/p/{u_post.public_id}/edit", {"body": " "})
    assert_refusal_names_nobody(scene, "author", response, 400, "Please write something")


@pytest.mark.parametrize("viewer", REPLIERS)
def test_a_locked_thread_names_nobody(scene, u_post, viewer):
    thread_id = db.session.get(Thread, u_post.thread_id).public_id
    moderator = scene.client("moderator")
    response = moderator.submit(
        f"/s/haven/t/{thread_id}", {}, action=f"/s/haven/t/{thread_id}/lock"
    )
    assert response.status_code == 302
    client = scene.client(viewer)
    client.get("/")  # shows (and so clears) the moderator's "locked" message
    # The reply page says the thread is locked, quoting U's post.
    response = client.get(f"/p/{u_post.public_id}/reply")
    assert_refusal_names_nobody(scene, viewer, response, 403, "locked")
    # A reply sent anyway is refused with the text kept.
    response = _post_form(
        client,
        f"/s/haven/t/{thread_id}",
        f"/p/{u_post.public_id}/reply",
        {"body": "Sent anyway, kept", "identity": "pseudonym"},
    )
    assert_refusal_names_nobody(scene, viewer, response, 403, "locked", "Sent anyway, kept")
    # The thread page's notice names nobody either.
    response = client.get(f"/s/haven/t/{thread_id}")
    assert_refusal_names_nobody(scene, viewer, response, 200, "locked")
