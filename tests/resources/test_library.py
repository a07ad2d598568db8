"""The library page, the resource card and badge, the contributors setting, edits and headers."""

from io import BytesIO

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ActionKind, Contributors, ModAction, Post, QueueKind, Resource, Thread
from moderation.items import open_item_for
from tests.resources import samples
from tests.resources.conftest import add_resource, form_fields, reload, with_file
from tests.support.pages import csrf_token, form_errors, text


@pytest.fixture
def hub(staffed):
    return staffed("members", slug="hub")


def test_the_library_filters_by_type_and_sorts_by_title(hub, sign_in):
    add_resource(hub.member, hub.space, title="Beta toolkit", kind="toolkit")
    add_resource(hub.member, hub.space, title="Alpha report", kind="report")
    add_resource(
        hub.member, hub.space, title="Gamma link", kind="link", link="https://example.org/g"
    )
    client = sign_in(hub.owner)
    newest = text(client.get("/s/hub/library"))
    assert newest.index("Gamma link") < newest.index("Alpha report") < newest.index("Beta toolkit")
    by_title = text(client.get("/s/hub/library?sort=title"))
    assert by_title.index("Alpha report") < by_title.index("Beta toolkit") < by_title.index("Gamma")
    toolkits = text(client.get("/s/hub/library?type=toolkit"))
    assert "Beta toolkit" in toolkits and "Alpha report" not in toolkits
    assert "example.org" in newest and 'rel="nofollow ugc noopener noreferrer"' in newest
    assert "Alpha report" in text(client.get("/s/hub/library?type=bogus"))  # no filter


def test_an_entry_shows_its_facts_and_a_passed_review_date(hub, sign_in):
    from datetime import date

    add_resource(
        hub.member,
        hub.space,
        organisation="Northside Unit",
        licence="CC BY 4.0",
        version="3",
        review_on=date(2020, 1, 31),
    )
    page = text(sign_in(hub.owner).get("/s/hub/library"))
    for fact in ("Northside Unit", "CC BY 4.0", "31 January 2020", "review date passed", "PDF"):
        assert fact in page
    assert "pseudonym" in page and "mia_member" not in page  # the contributor as the space shows


def test_the_thread_page_shows_the_card_and_the_space_a_badge(hub, sign_in):
    resource = add_resource(hub.member, hub.space, title="Carded report")
    client = sign_in(hub.owner)
    thread = db.session.get(Thread, resource.thread_id)
    page = text(client.get(f"/s/hub/t/{thread.public_id}"))
    assert 'class="panel resource-card"' in page
    assert f"/s/hub/library/{resource.public_id}/download" in page
    assert 'badge-resource">Resource' in text(client.get("/s/hub"))


def test_moderators_only_setting_keeps_members_out_and_is_logged(hub, sign_in):
    owner = sign_in(hub.owner)
    fields = {"resource_contributors": "moderators", "reason": "Curated library."}
    assert owner.submit("/s/hub/settings", fields).status_code == 302
    assert reload_space(hub).resource_contributors == Contributors.MODERATORS
    entry = db.session.scalar(
        select(ModAction).where(ModAction.action == ActionKind.SETTINGS_CHANGED)
    )
    assert entry is not None and "resource_contributors" in str(entry.changes)
    member = sign_in(hub.member)
    assert "Add a resource" not in text(member.get("/s/hub/library"))
    assert member.get("/s/hub/library/new").status_code == 403
    forged = with_file(samples.pdf(), csrf_token=csrf_token(member, "/s/hub/library"))
    assert member.post("/s/hub/library/new", data=forged).status_code == 403
    assert db.session.scalar(select(Resource)) is None
    moderator = sign_in(hub.moderator)
    assert "Add a resource" in text(moderator.get("/s/hub/library"))
    assert moderator.submit("/s/hub/library/new", with_file(samples.pdf())).status_code == 302


def reload_space(crew):
    db.session.expire_all()
    return db.session.get(type(crew.space), crew.space.id)


def test_adding_without_the_csrf_token_is_refused(hub, sign_in):
    member = sign_in(hub.member)
    response = member.post("/s/hub/library/new", data=with_file(samples.pdf()))
    assert response.status_code == 400
    assert db.session.scalar(select(Resource)) is None


def test_a_double_submit_is_refused_by_the_posting_limits_or_adds_two_distinct_rows(hub, sign_in):
    member = sign_in(hub.member)
    for _ in range(2):
        member.submit("/s/hub/library/new", with_file(samples.pdf()))
    keys = db.session.scalars(select(Resource.file_key)).all()
    assert len(keys) == len(set(keys))


def test_the_summary_goes_through_the_posting_service(hub, sign_in):
    from moderation.watched_words import add_watched_word

    add_watched_word(hub.owner, hub.space, "forbidden phrase", "block")
    db.session.commit()
    member = sign_in(hub.member)
    response = member.submit(
        "/s/hub/library/new", with_file(samples.pdf(), summary="It has a forbidden phrase.")
    )
    assert response.status_code == 400
    assert "forbidden phrase" in form_errors(text(response))
    assert "It has a forbidden phrase." in text(response)
    assert db.session.scalar(select(Resource)) is None


def test_a_held_resource_waits_for_a_moderator(staffed, sign_in):
    crew = staffed("members", slug="careful", premoderation="all")
    member = sign_in(crew.member)
    member.submit("/s/careful/library/new", with_file(samples.pdf(), title="Held report"))
    resource = db.session.scalar(select(Resource))
    url = f"/s/careful/library/{resource.public_id}/download"
    assert member.get(url).status_code == 200
    assert sign_in(crew.moderator).get(url).status_code == 200
    other = sign_in(crew.owner)  # staff too: sees it, marked
    assert "awaiting review" in text(other.get("/s/careful/library"))


def test_the_contributor_edits_details_and_replaces_the_file(hub, sign_in):
    from forum import storage

    resource = add_resource(hub.member, hub.space)
    old_key = resource.file_key
    url = f"/s/hub/library/{resource.public_id}/edit"
    assert sign_in(hub.moderator).get(url).status_code == 403  # not theirs
    member = sign_in(hub.member)
    response = member.submit(url, {"version": "2.0", "file": (BytesIO(samples.png()), "new.png")})
    assert response.status_code == 302
    resource = reload(resource)
    assert resource.version == "2.0" and resource.file_type == "image/png"
    with pytest.raises(storage.StoredFileMissing):
        storage.storage().read(old_key)
    # Both at once is refused, with the details kept.
    response = member.submit(
        url, with_file(samples.pdf(), link_url="https://example.org/x", version="3.0")
    )
    assert "either a file or a link" in form_errors(text(response))
    assert 'value="3.0"' in text(response)


def test_download_headers(hub, sign_in):
    resource = add_resource(hub.member, hub.space, name="Rapport été.pdf")
    response = sign_in(hub.member).get(f"/s/hub/library/{resource.public_id}/download")
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Rapport%20%C3%A9t%C3%A9.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The download's own policy, alone: the site's would be added beside it, not replace it.
    assert response.headers.getlist("Content-Security-Policy") == ["sandbox; default-src 'none'"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_library_page_runs_a_fixed_number_of_queries(hub, sign_in, count_queries):
    client = sign_in(hub.owner)

    def measure() -> int:
        client.get("/s/hub/library")
        with count_queries() as counter:
            assert client.get("/s/hub/library").status_code == 200
        return len(counter.statements)

    add_resource(hub.member, hub.space, title="One")
    small = measure()
    for n in range(6):
        add_resource(
            hub.owner if n % 2 else hub.member,
            hub.space,
            title=f"More {n}",
            kind="link",
            link=f"https://e.org/{n}",
        )
    assert measure() == small


def test_search_finds_a_resource_for_readers_only(hub, sign_in, make_user, client):
    resource = add_resource(hub.member, hub.space, title="Zephyrine safeguarding toolkit")
    found = "safeguarding toolkit"  # the title, with the matched word highlighted
    assert resource.public_id
    assert found in text(sign_in(hub.owner).get("/search?q=Zephyrine"))
    assert found not in text(sign_in(make_user("nosy_nora")).get("/search?q=Zephyrine"))
    assert found not in text(client.get("/search?q=Zephyrine"))


def test_a_link_must_be_given_for_a_link_resource_and_fields_are_kept(hub, sign_in):
    member = sign_in(hub.member)
    response = member.submit("/s/hub/library/new", form_fields(summary="Kept summary."))
    assert "choose a file to upload, or give a link" in form_errors(text(response))
    assert "Kept summary." in text(response)


def test_search_results_mark_a_resource_as_one(hub, sign_in):
    add_resource(hub.member, hub.space, title="Zephyrine safeguarding toolkit", kind="toolkit")
    page = text(sign_in(hub.owner).get("/search?q=Zephyrine"))
    assert "A toolkit in the library of" in page


def test_the_queue_item_of_a_resource_tells_staff_it_is_one(hub, sign_in):
    resource = add_resource(hub.member, hub.space, title="Zephyrine safeguarding toolkit")
    thread = db.session.get(Thread, resource.thread_id)
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    item = open_item_for(first, QueueKind.FLAGGED)
    db.session.commit()
    page = text(sign_in(hub.owner).get(f"/mod/items/{item.id}"))
    assert "This thread discusses a report in the space's library, with a file" in page
