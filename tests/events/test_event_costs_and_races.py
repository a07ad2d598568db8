"""Event pages cost a fixed number of queries, and two registrations at once never overfill."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Registration, RegistrationStatus
from tests.events.conftest import fresh, local_in, make_event, page_of, register
from tests.support.concurrency import post_at_once
from tests.support.pages import csrf_token


def _queries(count_queries, client, url) -> int:
    client.get(url)  # the first request of a client does its own bookkeeping
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    return counted.count


@pytest.mark.parametrize("viewer", ["visitor", "member", "owner"])
def test_the_list_costs_the_same_whatever_it_holds(staffed, sign_in, client, count_queries, viewer):
    scene = staffed("public")
    browser = {"visitor": client, "member": sign_in(scene.member), "owner": sign_in(scene.owner)}[
        viewer
    ]
    url = f"/s/{scene.slug}/events"
    make_event(scene.owner, scene.space, title="First")
    few = _queries(count_queries, browser, url)
    for n in range(6):
        event = make_event(
            scene.owner,
            scene.space,
            title=f"More {n}",
            starts_local=local_in(n + 2),
            ends_local=local_in(n + 2.1),
            capacity=10,
        )
        register(scene.moderator, event)
    assert _queries(count_queries, browser, url) == few


@pytest.mark.parametrize("viewer", ["visitor", "member", "owner"])
def test_the_event_page_costs_the_same_whatever_its_registrations(
    staffed, sign_in, client, make_user, add_member, count_queries, viewer
):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space, capacity=50)
    browser = {"visitor": client, "member": sign_in(scene.member), "owner": sign_in(scene.owner)}[
        viewer
    ]
    url = page_of(event, scene.space)
    register(scene.moderator, event)
    few = _queries(count_queries, browser, url)
    for n in range(5):
        person = make_user(f"comer_{n}")
        add_member(scene.space, person)
        register(person, event, kind="named" if n % 2 else "pseudonym")
    assert _queries(count_queries, browser, url) == few


def test_the_feed_costs_the_same_whatever_it_holds(staffed, sign_in, count_queries):
    scene = staffed("public")
    member = sign_in(scene.member)
    url = f"/s/{scene.slug}/events.ics"
    register(scene.member, make_event(scene.owner, scene.space))
    few = _queries(count_queries, member, url)
    for n in range(4):
        register(scene.member, make_event(scene.owner, scene.space, title=f"Event {n}"))
    assert _queries(count_queries, member, url) == few


def test_two_registrations_at_once_for_the_last_place_take_it_once(
    staffed, make_user, add_member, sign_in
):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space, capacity=1)
    second = make_user("second_sam")
    add_member(scene.space, second)
    clients = [sign_in(scene.member), sign_in(second)]
    page = page_of(event, scene.space)
    forms = [
        {"csrf_token": csrf_token(c, page), "identity": "pseudonym", "note": ""} for c in clients
    ]
    statuses = post_at_once(clients, f"{page}/register", forms)
    assert sorted(statuses) == [302, 409]
    assert fresh(event).accepted_count == 1
    accepted = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.status == RegistrationStatus.ACCEPTED)
    )
    assert accepted == 1


def test_a_double_submit_at_once_registers_once(staffed, sign_in):
    scene = staffed("public")
    event = make_event(scene.owner, scene.space)
    clients = [sign_in(scene.member), sign_in(scene.member)]
    page = page_of(event, scene.space)
    forms = [
        {"csrf_token": csrf_token(c, page), "identity": "pseudonym", "note": ""} for c in clients
    ]
    statuses = post_at_once(clients, f"{page}/register", forms)
    assert statuses == [302, 302]  # the second is told, kindly, that the first counted
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert fresh(event).accepted_count == 1
