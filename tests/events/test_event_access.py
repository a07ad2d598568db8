"""Who reads a space's events and their calendar files: every viewer × every kind of space."""

import pytest

from tests.events.conftest import event_urls, make_event
from tests.support.access import KINDS, VIEWERS
from tests.support.pages import text

# These tests only add events of their own: they share one world.
pytestmark = pytest.mark.shared_world

READERS = {
    "public": set(VIEWERS),
    "members": {"owner", "moderator", "member"},
    "hidden": {"owner", "moderator", "member"},
    "labelled": {"owner", "moderator", "member"},
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_events_are_read_by_the_spaces_readers_and_no_one_else(
    access_world, client_for, kind, viewer
):
    space = access_world.spaces[kind]
    event = make_event(access_world.users["owner"], space, title="Zq quarterly meeting")
    client = client_for(viewer)
    for what, url in event_urls(space, event).items():
        response = client.get(url)
        if viewer in READERS[kind]:
            assert response.status_code == 200, (what, url)
            if what != "past":
                assert "Zq quarterly meeting" in text(response), what
        elif what in ("list", "past", "feed") and kind != "hidden":
            # A listed space's pages say why they are refused, as its library and threads do.
            assert response.status_code in (403, 302), (what, url)
            assert "Zq quarterly meeting" not in text(response)
        else:
            # What the viewer may not read answers like what does not exist.
            assert response.status_code == 404, (what, url)
            assert "Zq quarterly meeting" not in text(response)
            made_up = client.get(url.replace(event.public_id, "nosuchevent2"))
            assert made_up.status_code == 404
            if kind == "hidden":
                assert space.name not in text(response)


def test_an_event_of_another_space_answers_like_a_made_up_one(access_world, client_for):
    event = make_event(access_world.users["owner"], access_world.spaces["members"])
    response = client_for("member").get(f"/s/public-space/events/{event.public_id}")
    assert response.status_code == 404
