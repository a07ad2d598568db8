"""No event page, attendee list, iCalendar file or notification names the account behind a
pseudonymous registrant or organiser, for any kind of viewer."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import IdentityMode, Persona, PersonaKind
from tests.events.conftest import make_event, page_of, register
from tests.leaks import checks, inspect_html
from tests.leaks.checks import Secrets
from tests.leaks.conftest import pad_user_ids

USERNAME = "zq_secret_user"
EMAIL = "zq@secret.example"
ORGANISER = "zq_secret_organiser"
VIEWERS = ["visitor", "member", "moderator", "organiser", "admin", "registrant"]


@pytest.fixture
def world(app, make_user, make_space, add_member):
    """A public and a members-only space where the owner organises under a pseudonym and the
    registrant U registers under a pseudonym (one event open, one by approval)."""
    organiser = make_user(ORGANISER, email="org@hidden.example")
    member = make_user("plain_member")
    moderator = make_user("the_steward")
    admin = make_user("site_root", is_admin=True)
    pad_user_ids()
    registrant = make_user(USERNAME, email=EMAIL)
    events = {}
    for kind in ("public", "members"):
        space = make_space(
            f"{kind}-haven", organiser, kind, identity_mode=IdentityMode.PSEUDONYMOUS
        )
        for person in (member, registrant):
            add_member(space, person)
        from forum.models import Role  # noqa: PLC0415

        add_member(space, moderator, Role.MODERATOR)
        for mode in ("open", "approval"):
            event = make_event(
                organiser, space, kind="pseudonym", title=f"Zq {kind} {mode}", registration=mode
            )
            register(registrant, event, note="Zq note from the registrant")
            events[(kind, mode)] = (space, event)
    people = {
        "member": member,
        "moderator": moderator,
        "organiser": organiser,
        "admin": admin,
        "registrant": registrant,
    }
    return people, events


def _secrets(user) -> Secrets:
    return Secrets(
        username=user.username, email=user.email or "none@none.example", user_id=user.id, handles={}
    )


def _pages(events) -> list[str]:
    urls = []
    for space, event in events.values():
        page = page_of(event, space)
        urls += [page, f"{page}.ics", f"/s/{space.slug}/events", f"/s/{space.slug}/events.ics"]
    return urls + ["/notifications"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_event_page_names_a_pseudonyms_account(world, client, sign_in, viewer):
    people, events = world
    browser = client if viewer == "visitor" else sign_in(people[viewer])
    for url in _pages(events):
        response = browser.get(url)
        if response.status_code != 200:
            continue
        body = response.get_data(as_text=True)
        shown = inspect_html.main_markup(body) if "<main" in body else body
        for secret_holder in ("registrant", "organiser"):
            if viewer == secret_holder:
                continue  # their own account is theirs to see
            secrets = _secrets(people[secret_holder])
            findings = (
                checks.find_username(shown, secrets)
                + checks.find_email(shown, secrets)
                + checks.find_user_id(shown, secrets)
                + checks.find_in_headers(response, secrets, [])
            )
            assert not findings, (viewer, url, findings)


def test_the_organisers_see_the_registrant_by_pseudonym_only(world, sign_in):
    people, events = world
    space, event = events[("members", "approval")]
    handle = db.session.scalar(
        select(Persona.handle).where(
            Persona.user_id == people["registrant"].id,
            Persona.space_id == space.id,
            Persona.kind == PersonaKind.PSEUDONYM,
        )
    )
    page = sign_in(people["moderator"]).get(page_of(event, space)).get_data(as_text=True)
    attendees = inspect_html.by_id(page, "attendees").markup(page)
    assert handle in attendees
    assert "Zq note from the registrant" in attendees
    assert USERNAME not in attendees
