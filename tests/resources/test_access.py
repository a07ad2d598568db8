"""Who may read a library resource after the space, the reader or the resource changes."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Resource, Visibility
from tests.factories import add_member
from tests.resources import samples
from tests.resources.conftest import add_resource


def test_downloads_stop_when_the_space_is_closed(staffed, sign_in, client):
    from dataclasses import replace

    from forum.spaces.settings import current_settings, update_space_settings

    crew = staffed("public", slug="open-hub")
    resource = add_resource(crew.member, crew.space)
    url = f"/s/open-hub/library/{resource.public_id}/download"
    assert client.get(url).status_code == 200
    assert client.get(url).headers["Cache-Control"] == "private, no-cache"
    update_space_settings(
        crew.owner, crew.space, replace(current_settings(crew.space), visibility=Visibility.MEMBERS)
    )
    db.session.commit()
    assert client.get(url).status_code == 403  # the listed space says it is for members
    member = sign_in(crew.member)
    response = member.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_downloads_stop_when_the_reader_leaves_or_is_banned(staffed, sign_in, make_user):
    from tests.factories import ban

    crew = staffed("members", slug="closed-hub")
    reader, banned = make_user("rita_reader"), make_user("bob_banned")
    add_member(crew.space, reader)
    add_member(crew.space, banned)
    resource = add_resource(crew.member, crew.space)
    url = f"/s/closed-hub/library/{resource.public_id}/download"
    reader_client, banned_client = sign_in(reader), sign_in(banned)
    assert reader_client.get(url).status_code == 200
    assert banned_client.get(url).status_code == 200
    assert (
        reader_client.submit("/s/closed-hub", {}, action="/s/closed-hub/leave").status_code == 302
    )
    ban(crew.space, banned, by=crew.owner)
    assert reader_client.get(url).status_code == 403
    assert banned_client.get(url).status_code in (403, 404)


def test_a_removed_resource_is_for_its_contributor_and_staff_only(staffed, sign_in, make_user):
    from tests.support.decisions import decide

    crew = staffed("public", slug="hub")
    resource = add_resource(crew.member, crew.space, title="Removed Lantern Toolkit")
    thread_first = _first_post(resource)
    decide(crew.moderator, thread_first)
    db.session.commit()
    url = f"/s/hub/library/{resource.public_id}/download"
    other = make_user("otto_other")
    add_member(crew.space, other)
    for who, status in ((other, 404), (crew.member, 200), (crew.moderator, 200)):
        client = sign_in(who)
        assert client.get(url).status_code == status, who.username
        listed = "Removed Lantern Toolkit" in client.get("/s/hub/library").get_data(as_text=True)
        assert listed == (status == 200), who.username
    from forum import storage

    assert storage.storage().read(resource.file_key)  # kept for an appeal


def test_an_authors_delete_deletes_the_stored_file(staffed, sign_in):
    from forum import storage

    crew = staffed("public", slug="hub")
    resource = add_resource(crew.member, crew.space)
    key = resource.file_key
    first = _first_post(resource)
    client = sign_in(crew.member)
    client.submit(f"/p/{first.public_id}/delete", {})
    with pytest.raises(storage.StoredFileMissing):
        storage.storage().read(key)
    assert (
        sign_in(crew.moderator).get(f"/s/hub/library/{resource.public_id}/download").status_code
        == 404
    )
    assert db.session.get(Resource, resource.id).file_key is None


def _first_post(resource):
    from forum.models import Post

    return db.session.scalar(
        select(Post).where(Post.thread_id == resource.thread_id, Post.depth == 0)
    )


def test_samples_are_real_files():
    assert samples.pdf().startswith(b"%PDF-")
