"""Content warnings on any post, edits of titles and warnings, and deleting with a confirmation."""

import re

from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, PostRevision, PostStatus, Thread
from tests.factories import add_member, first_post, make_user
from tests.factories import reply as service_reply
from tests.factories import start_thread as service_thread
from tests.support.pages import form_errors, text
from tests.threads.conftest import reply


def thread_of(title: str) -> Thread:
    db.session.expire_all()
    return db.session.scalar(select(Thread).where(Thread.title == title))


def post_of(body: str) -> Post:
    db.session.expire_all()
    return db.session.scalar(select(Post).where(Post.body_source == body))


def folded(page: str, post_id: str) -> str | None:
    """The summary of the content warning a post is folded behind, or None."""
    article = page[page.index(f'id="p{post_id}"') :]
    article = article[
        : article.index("</article>" if "<article" in article[:200] else "</section>")
    ]
    found = re.search(
        r'<details class="content-warning">\s*<summary>(.*?)</summary>', article, re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else None


# Content warnings on replies


def test_a_reply_can_carry_a_content_warning_that_folds_it(member_client, space, member):
    thread = service_thread(member, space, title="After the raid")
    response = reply(
        member_client,
        first_post(thread).public_id,
        body="What I saw on the stairs.",
        content_warning="police violence",
    )
    assert response.status_code == 302
    post = post_of("What I saw on the stairs.")
    assert post.content_warning == "police violence"
    page = text(member_client.get(f"/s/talk/t/{thread.public_id}"))
    assert (
        folded(page, post.public_id)
        == "Content warning: police violence (show the post) (hide the post)"
    )
    # The reply form on the thread page offers the warning too.
    assert 'name="content_warning"' in page[page.index('id="reply-title"') :]


def test_a_reply_without_a_warning_is_not_folded(member_client, space, member):
    thread = service_thread(member, space, title="Plain talk")
    reply(member_client, first_post(thread).public_id, body="Nothing heavy here.")
    page = text(member_client.get(f"/s/talk/t/{thread.public_id}"))
    assert folded(page, post_of("Nothing heavy here.").public_id) is None


def test_a_too_long_warning_on_a_reply_is_refused_and_the_reply_kept(member_client, space, member):
    thread = service_thread(member, space, title="Long warnings")
    response = reply(
        member_client, first_post(thread).public_id, body="Kept words.", content_warning="w" * 201
    )
    assert response.status_code == 400
    assert "Content warnings are at most 200 characters." in form_errors(text(response))
    assert "Kept words." in text(response)
    assert post_of("Kept words.") is None


# Edits add, change or remove a warning, and change a title


def edit(client, post_id: str, **fields):
    return client.submit(f"/p/{post_id}/edit", fields, action=f"/p/{post_id}/edit")


def test_an_edit_adds_changes_and_removes_a_reply_warning(member_client, space, member):
    thread = service_thread(member, space, title="Second thoughts")
    post = service_reply(member, first_post(thread), "It was worse than I said.")
    url = f"/s/talk/t/{thread.public_id}"

    assert edit(member_client, post.public_id, content_warning="self-harm").status_code == 302
    assert folded(text(member_client.get(url)), post.public_id).startswith(
        "Content warning: self-harm"
    )
    assert (
        edit(member_client, post.public_id, content_warning="self-harm, grief").status_code == 302
    )
    assert "self-harm, grief" in folded(text(member_client.get(url)), post.public_id)
    assert edit(member_client, post.public_id, content_warning="").status_code == 302
    assert folded(text(member_client.get(url)), post.public_id) is None
    # Each edit keeps the warning as it was; the body never changed.
    revisions = db.session.scalars(
        select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id)
    ).all()
    assert [r.content_warning for r in revisions] == [None, "self-harm", "self-harm, grief"]
    assert {r.body_source for r in revisions} == {"It was worse than I said."}


def test_the_author_edits_the_title_and_warning_of_their_thread(member_client, space, member):
    thread = service_thread(member, space, title="A tpyo in the title", content_warning="")
    opening = first_post(thread)
    page = text(member_client.get(f"/p/{opening.public_id}/edit"))
    assert 'value="A tpyo in the title"' in page
    response = edit(
        member_client,
        opening.public_id,
        title="No typo in the title",
        body=opening.body_source,
        content_warning="knife crime",
    )
    assert response.status_code == 302
    edited = thread_of("No typo in the title")
    assert edited.id == thread.id
    assert edited.content_warning == "knife crime"
    space_page = text(member_client.get("/s/talk"))
    assert "No typo in the title" in space_page and "A tpyo" not in space_page
    assert "Content warning" in space_page
    (revision,) = db.session.scalars(select(PostRevision)).all()
    assert revision.title == "A tpyo in the title"
    assert "A tpyo in the title" in text(member_client.get(f"/p/{opening.public_id}/revisions"))


def test_a_reply_edit_offers_no_title(member_client, space, member):
    thread = service_thread(member, space, title="Titles are for threads")
    post = service_reply(member, first_post(thread), "Only a reply.")
    assert 'name="title"' not in text(member_client.get(f"/p/{post.public_id}/edit"))


def test_an_edit_refuses_a_too_short_title_and_keeps_what_was_typed(member_client, space, member):
    thread = service_thread(member, space, title="Before the edit")
    opening = first_post(thread)
    response = edit(member_client, opening.public_id, title="ab", body="A rewritten opening post.")
    assert response.status_code == 400
    assert "Titles are 3 to 200 characters long." in form_errors(text(response))
    assert "A rewritten opening post." in text(response)
    assert thread_of("Before the edit") is not None


def test_nobody_else_edits_a_title(space, member, sign_in):
    thread = service_thread(member, space, title="Mine to change")
    other = make_user("someone_else")
    add_member(space, other)
    client = sign_in(other)
    assert client.get(f"/p/{first_post(thread).public_id}/edit").status_code == 403
    assert thread_of("Mine to change") is not None


# Deleting asks first; a deleted opening post takes its title and starter off every list


def test_delete_is_a_link_to_a_page_that_asks_first(member_client, space, member):
    thread = service_thread(member, space, title="Ask before deleting")
    post = service_reply(member, first_post(thread), "Maybe I should not have said this.")
    page = text(member_client.get(f"/s/talk/t/{thread.public_id}"))
    assert f'<a class="delete-link" href="/p/{post.public_id}/delete">Delete</a>' in page
    assert 'id="delete-dialog"' in page  # the dialog thread.js opens instead of the page
    confirm = member_client.get(f"/p/{post.public_id}/delete")
    assert confirm.status_code == 200
    assert "Delete this post?" in text(confirm)
    assert "Maybe I should not have said this." in text(confirm)
    assert post_of("Maybe I should not have said this.").status == PostStatus.VISIBLE  # a GET
    response = member_client.submit(
        f"/p/{post.public_id}/delete", {}, action=f"/p/{post.public_id}/delete"
    )
    assert response.status_code == 302
    deleted = db.session.get(Post, post.id)
    assert deleted.status == PostStatus.DELETED
    assert deleted.body_source == ""  # its words leave the database too


def test_only_the_author_gets_the_confirmation_page(member_client, space, member, sign_in):
    thread = service_thread(member, space, title="Not yours")
    other = make_user("bystander")
    add_member(space, other)
    client = sign_in(other)
    assert client.get(f"/p/{first_post(thread).public_id}/delete").status_code == 403


def test_a_deleted_opening_post_takes_the_title_and_starter_off_every_list(
    member_client, space, member, client
):
    thread = service_thread(
        member, space, title="Something I regret", body="Too much", kind="named"
    )
    other = make_user("answerer")
    add_member(space, other)
    service_reply(other, first_post(thread), "An answer that stays.")
    opening = first_post(thread)
    member_client.submit(
        f"/p/{opening.public_id}/delete", {}, action=f"/p/{opening.public_id}/delete"
    )

    for viewer in (member_client, client):  # the author and a visitor
        for page in (text(viewer.get("/s/talk")), text(viewer.get("/"))):
            assert "Something I regret" not in page
            assert "[deleted]" in page
            assert member.username not in page.split("</header>", 1)[1]
        thread_page = text(viewer.get(f"/s/talk/t/{thread.public_id}"))
        assert "Something I regret" not in thread_page
        assert "Too much" not in thread_page
        assert '<h1 id="thread-title" dir="auto">[deleted]</h1>' in thread_page
        assert "An answer that stays." in thread_page
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).status == PostStatus.DELETED


def test_a_deleted_thread_without_replies_leaves_the_lists(member_client, space, member):
    thread = service_thread(member, space, title="Nobody answered")
    opening = first_post(thread)
    member_client.submit(
        f"/p/{opening.public_id}/delete", {}, action=f"/p/{opening.public_id}/delete"
    )
    assert "[deleted]" not in text(member_client.get("/s/talk"))
    assert "No threads yet." in text(member_client.get("/s/talk"))


def test_replies_to_replies_stay_open_in_a_thread_whose_opening_post_is_gone(
    member_client, space, member
):
    thread = service_thread(member, space, title="Gone but talking")
    other = make_user("talker")
    add_member(space, other)
    answer = service_reply(other, first_post(thread), "Still worth discussing.")
    opening = first_post(thread)
    member_client.submit(
        f"/p/{opening.public_id}/delete", {}, action=f"/p/{opening.public_id}/delete"
    )
    response = reply(member_client, answer.public_id, body="Agreed.")
    assert response.status_code == 302
    page = text(member_client.get(f"/s/talk/t/{thread.public_id}"))
    assert "Agreed." in page
    # The gone opening post takes no replies of its own.
    assert f'href="/p/{opening.public_id}/reply"' not in page


def test_a_named_post_with_a_warning_stays_folded_on_the_profile(client, space, member):
    service_thread(
        member,
        space,
        title="Said under my name",
        body="What happened at the station.",
        kind="named",
        content_warning="custody death",
    )
    page = text(client.get(f"/u/{member.username}"))
    warning = page.index('<details class="content-warning">')
    assert "custody death" in page[warning:]
    assert warning < page.index("What happened at the station.")
