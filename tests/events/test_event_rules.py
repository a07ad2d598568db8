"""The events' policy, for every kind of viewer of the access world and every kind of space."""

import pytest
from flask_login import AnonymousUserMixin

from forum.extensions import db
from forum.models import RegistrationStatus, Role
from forum.policy import Action, can, forget
from forum.spaces.membership import change_role
from tests.events.conftest import decide, make_event, register
from tests.factories import grant_label, membership_of
from tests.support.access import KINDS, VIEWERS

ALL = set(VIEWERS)
STAFF = {"owner", "moderator"}
TAKES_PART = STAFF | {"member"}
READERS = {
    "public": ALL,
    "members": TAKES_PART,
    "hidden": TAKES_PART,
    "labelled": TAKES_PART,
}

# The actions these tests cover, for the table of every action in tests/policy/test_rules.py.
EVENT_ACTIONS = {
    Action.ADD_EVENT,
    Action.READ_EVENT,
    Action.MANAGE_EVENT,
    Action.REGISTER_FOR_EVENT,
    Action.WITHDRAW_REGISTRATION,
    Action.SEE_VENUE,
}


def viewer_user(world, viewer):
    return AnonymousUserMixin() if viewer == "visitor" else world.users[viewer]


def allowed(world, action, target) -> set[str]:
    return {viewer for viewer in VIEWERS if can(viewer_user(world, viewer), action, target)}


@pytest.fixture
def events(access_world):
    """An event by the owner in each kind of space."""
    return {
        kind: make_event(access_world.users["owner"], space)
        for kind, space in access_world.spaces.items()
    }


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_spaces_staff_add_events(access_world, kind):
    assert allowed(access_world, Action.ADD_EVENT, access_world.spaces[kind]) == STAFF


@pytest.mark.parametrize("kind", KINDS)
def test_an_event_is_read_by_whoever_reads_its_space(access_world, events, kind):
    assert allowed(access_world, Action.READ_EVENT, events[kind]) == READERS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_organisers_manage_an_event_and_site_admins_do_not(access_world, events, kind):
    assert allowed(access_world, Action.MANAGE_EVENT, events[kind]) == STAFF


@pytest.mark.parametrize("kind", KINDS)
def test_members_who_take_part_register(access_world, events, kind):
    # Banned, pending, outsiders, the unlabelled and admins who are not members may not.
    assert allowed(access_world, Action.REGISTER_FOR_EVENT, events[kind]) == TAKES_PART


@pytest.mark.parametrize("kind", KINDS)
def test_the_place_is_for_organisers_and_accepted_registrants(access_world, events, kind):
    event = events[kind]
    assert allowed(access_world, Action.SEE_VENUE, event) == STAFF
    register(access_world.users["member"], event)  # open: accepted at once
    assert allowed(access_world, Action.SEE_VENUE, event) == STAFF | {"member"}
    assert allowed(access_world, Action.WITHDRAW_REGISTRATION, event) == {"member"}


def test_a_pending_or_declined_registrant_is_not_told_the_place(access_world):
    space = access_world.spaces["labelled"]
    event = make_event(access_world.users["owner"], space, registration="approval")
    member = access_world.users["member"]
    registration = register(member, event)
    assert registration.status == RegistrationStatus.PENDING
    assert not can(member, Action.SEE_VENUE, event)
    decide(access_world.users["owner"], event, registration, accept=False)
    assert not can(member, Action.SEE_VENUE, event)
    assert not can(member, Action.WITHDRAW_REGISTRATION, event)


def test_an_accepted_registrant_whose_label_is_revoked_loses_the_place(access_world):
    event = make_event(access_world.users["owner"], access_world.spaces["labelled"])
    member = access_world.users["member"]
    register(member, event)
    assert can(member, Action.SEE_VENUE, event)
    grant_label(member, None)
    assert not can(member, Action.SEE_VENUE, event)
    assert not can(member, Action.READ_EVENT, event)


def test_an_organiser_demoted_to_member_still_runs_their_event(access_world):
    space = access_world.spaces["members"]
    moderator = access_world.users["moderator"]
    event = make_event(moderator, space)
    change_role(access_world.users["owner"], space, membership_of(space, moderator).id, Role.MEMBER)
    db.session.commit()
    forget()
    assert can(moderator, Action.MANAGE_EVENT, event)
    assert not can(moderator, Action.ADD_EVENT, space)
