"""Starting threads and replying: identities, nesting, paging, locks, limits, and kept drafts."""

import re

import pytest
from sqlalchemy import select

from forum import identity
from forum.extensions import db
from forum.limits import current_limiter
from forum.models import Membership, Persona, PersonaKind, Post, Thread
from forum.models.post import PUBLIC_ID_PATTERN
from forum.spaces.membership import admit
from forum.spaces.settings import update_space_settings
from forum.threads import services, trees
from moderation.services import set_thread_locked
from tests.factories import space_settings as settings
from tests.threads.conftest import reply, start_thread


def post_ids(html: str) -> list[str]:
    return re.findall(rf'<li class="reply" id="p({PUBLIC_ID_PATTERN})"', html)


def first_post_id(client, thread_url) -> str:
    page = client.get(thread_url).get_data(as_text=True)
    return re.search(rf'id="p({PUBLIC_ID_PATTERN})"', page).group(1)


def new_thread(client, **kwargs):
    response = start_thread(client, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


# Starting threads


def test_member_starts_a_thread_under_a_pseudonym(member_client, member, space):
    url = new_thread(member_client, title="Talking to teenagers", body="Where do **we** start?")
    page = member_client.get(url).get_data(as_text=True)
    assert "Talking to teenagers" in page
    assert "<strong>we</strong>" in page
    persona = db.session.scalar(select(Persona).where(Persona.user_id == member.id))
    assert persona.kind == PersonaKind.PSEUDONYM
    assert persona.handle in page
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+ \d{1,2}", persona.handle)


def test_choice_space_offers_the_pseudonym_first(member_client, space):
    page = member_client.get("/s/talk/new").get_data(as_text=True)
    pseudonym = page.index('value="pseudonym"')
    named = page.index('value="named"')
    assert pseudonym < named
    assert re.search(r'value="pseudonym"[^>]*checked|checked[^>]*value="pseudonym"', page)


def test_named_post_shows_the_username_and_label(sign_in, make_user, space):
    officer = make_user("officer_z", label="Police officer")
    admit(officer, space)
    db.session.commit()
    client = sign_in(officer)
    url = new_thread(client, identity="named")
    page = client.get(url).get_data(as_text=True)
    assert "officer_z" in page
    assert "Verified Police officer" in page


@pytest.mark.parametrize(("mode", "refused"), [("named", "pseudonym"), ("pseudonymous", "named")])
def test_identity_mode_decides_what_an_author_may_use(
    member_client, member, make_space, owner, mode, refused
):
    space = make_space("strict", owner=owner, identity_mode=mode)
    admit(member, space)
    db.session.commit()
    page = member_client.get("/s/strict/new").get_data(as_text=True)
    assert f'value="{refused}"' not in page
    # A forged submission with the refused identity is turned away, keeping the text.
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = member_client.post(
        "/s/strict/new",
        data={"csrf_token": token, "title": "A title", "body": "My words.", "identity": refused},
    )
    assert response.status_code == 400
    assert "My words." in response.get_data(as_text=True)
    assert db.session.scalar(select(Thread.id)) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "ab"}, "Titles are 3 to 200 characters long."),
        ({"title": "x" * 201}, "Titles are at most 200 characters."),
        ({"body": "   "}, "Please write something before posting."),
        ({"content_warning": "x" * 201}, "Content warnings are at most 200 characters."),
    ],
)
def test_bad_thread_input_gets_a_clear_error_and_keeps_the_text(
    member_client, space, data, message
):
    values = {"title": "A fine title", "body": "My careful words.", "identity": "pseudonym"}
    response = member_client.submit("/s/talk/new", values | data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    for value in (values | data).values():
        if value.strip() and len(value) < 150:
            assert value in page
    assert db.session.scalar(select(Thread.id)) is None


def test_content_warning_folds_the_first_post(member_client, space):
    url = new_thread(member_client, body="Hard details here.", content_warning="self-harm")
    page = member_client.get(url).get_data(as_text=True)
    folded = re.search(r'<details class="content-warning">(.*?)</details>', page, re.S).group(1)
    assert 'Content warning: <span dir="auto">self-harm</span>' in folded
    assert "Hard details here." in folded
    space_page = member_client.get("/s/talk").get_data(as_text=True)
    assert "Content warning" in space_page


def test_non_member_cannot_start_a_thread(sign_in, make_user, space, client):
    outsider = sign_in(make_user("outsider"))
    assert outsider.get("/s/talk/new").status_code == 403
    assert client.get("/s/talk/new").status_code == 302  # visitors are sent to sign in


def test_hidden_space_threads_are_404_to_outsiders(sign_in, make_user, make_space, owner):
    space = make_space("den", owner=owner, visibility="hidden", join_policy="invite")
    insider = make_user("insider")
    admit(insider, space)
    db.session.commit()
    url = new_thread(sign_in(insider), slug="den", title="Inside only")
    outsider = sign_in(make_user("outsider"))
    for path in (url, "/s/den/new", f"/p/{first_post_id(sign_in(insider), url)}"):
        response = outsider.get(path)
        assert response.status_code == 404
        assert "Inside only" not in response.get_data(as_text=True)


def test_members_only_thread_is_closed_to_non_members(sign_in, make_user, make_space, owner):
    space = make_space("circle", owner=owner, visibility="members", join_policy="request")
    insider = make_user("insider")
    admit(insider, space)
    db.session.commit()
    url = new_thread(sign_in(insider), slug="circle", title="Members talk")
    post_id = first_post_id(sign_in(insider), url)
    outsider = sign_in(make_user("outsider"))
    # As if they did not exist: a 403 would tell an outsider which ids are members' threads.
    for path in (url, f"/p/{post_id}", f"/p/{post_id}/reply"):
        response = outsider.get(path)
        assert response.status_code == 404, path
        assert "Members talk" not in response.get_data(as_text=True)
    assert "Members talk" not in outsider.get("/s/circle").get_data(as_text=True)
    assert "Members talk" not in outsider.get("/").get_data(as_text=True)


# Replies


def test_replies_nest_under_their_parents(member_client, space):
    url = new_thread(member_client)
    first = first_post_id(member_client, url)
    reply(member_client, first, body="Level one")
    level_one = db.session.scalar(select(Post).where(Post.body_source == "Level one"))
    reply(member_client, level_one.public_id, body="Level two")
    level_two = db.session.scalar(select(Post).where(Post.body_source == "Level two"))
    assert level_two.parent_id == level_one.id
    assert level_two.depth == 2
    assert level_two.path.startswith(level_one.path)
    page = member_client.get(url).get_data(as_text=True)
    assert page.index("Level one") < page.index("Level two")
    thread = db.session.get(Thread, level_one.thread_id)
    db.session.refresh(thread)
    assert thread.reply_count == 2


def test_deep_branches_continue_on_their_own_page(member_client, space, app):
    current_limiter().enabled = False
    url = new_thread(member_client)
    parent = first_post_id(member_client, url)
    for depth in range(1, trees.DEPTH_CAP + 3):
        reply(member_client, parent, body=f"Depth {depth}")
        parent = db.session.scalar(
            select(Post.public_id).where(Post.body_source == f"Depth {depth}")
        )
    page = member_client.get(url).get_data(as_text=True)
    assert f"Depth {trees.DEPTH_CAP}<" in page
    assert f"Depth {trees.DEPTH_CAP + 1}<" not in page
    link = re.search(r'href="([^"]+/branch/[a-z2-7]+)">Continue this thread', page).group(1)
    branch = member_client.get(link).get_data(as_text=True)
    assert f"Depth {trees.DEPTH_CAP + 1}<" in branch
    # The permalink of a deep post lands on a page that shows it.
    deep = db.session.scalar(
        select(Post.public_id).where(Post.body_source == f"Depth {trees.DEPTH_CAP + 2}")
    )
    target = member_client.get(f"/p/{deep}").headers["Location"]
    assert f"#p{deep}" in target
    assert f'id="p{deep}"' in member_client.get(target.split("#")[0]).get_data(as_text=True)


def test_long_threads_page_by_posts(member_client, space, app):
    current_limiter().enabled = False
    url = new_thread(member_client)
    first = first_post_id(member_client, url)
    reply(member_client, first, body="Top 0")
    top = db.session.scalar(select(Post.public_id).where(Post.body_source == "Top 0"))
    for n in range(trees.POSTS_PER_PAGE):
        reply(member_client, top, body=f"Under {n}")
    page_one = member_client.get(url).get_data(as_text=True)
    assert "Top 0<" in page_one and f"Under {trees.POSTS_PER_PAGE - 2}<" in page_one
    assert f"Under {trees.POSTS_PER_PAGE - 1}<" not in page_one
    page_two = member_client.get(url + "?page=2").get_data(as_text=True)
    assert f"Under {trees.POSTS_PER_PAGE - 1}<" in page_two
    # The post it answers is shown again above it, marked, and the thread's first post too.
    assert "Top 0<" in page_two and "Shown again from an earlier page" in page_two
    assert "Under 0<" not in page_two
    late = db.session.scalar(
        select(Post.public_id).where(Post.body_source == f"Under {trees.POSTS_PER_PAGE - 1}")
    )
    assert "page=2" in member_client.get(f"/p/{late}").headers["Location"]


def test_locked_thread_refuses_replies_and_keeps_the_text(member_client, space, owner):
    url = new_thread(member_client)
    first = first_post_id(member_client, url)
    form_page = member_client.get(f"/p/{first}/reply").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page).group(1)
    thread = db.session.scalar(select(Thread))
    set_thread_locked(owner, thread, True)
    db.session.commit()
    response = member_client.post(
        f"/p/{first}/reply",
        data={"csrf_token": token, "body": "My unsent thoughts.", "identity": "pseudonym"},
    )
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "This thread is locked" in page
    assert "My unsent thoughts." in page
    assert "This thread is locked" in member_client.get(url).get_data(as_text=True)
    assert (
        db.session.scalar(select(Post.id).where(Post.body_source == "My unsent thoughts.")) is None
    )


def test_reply_rate_limit_answers_429_and_keeps_the_text(member_client, space, app):
    app.config["RATELIMIT_REPLY_NEW_ACCOUNT"] = "2 per 10 minutes"
    url = new_thread(member_client)
    first = first_post_id(member_client, url)
    assert reply(member_client, first, body="one").status_code == 302
    assert reply(member_client, first, body="two").status_code == 302
    response = reply(member_client, first, body="three, kept for later")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Try again in" in page
    assert "three, kept for later" in page


def test_a_new_thread_refused_by_its_limit_says_which_limit_at_the_top_of_the_form(
    member_client, space, app
):
    app.config["RATELIMIT_NEW_THREAD_NEW_ACCOUNT"] = "2 per hour"
    new_thread(member_client, title="First of the hour")
    new_thread(member_client, title="Second of the hour")
    response = start_thread(member_client, title="Third, kept", body="Kept body.")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    form = page[page.index('<form method="post" novalidate class="post-form">') :]
    # The refusal opens the form, before any field, and names the limit.
    errors = form.index('<div class="form-errors" role="alert">')
    assert errors < form.index('name="title"')
    assert re.search(
        r"New accounts may start 2 threads an hour\. Try again in \d+ (hours?|minutes?|seconds?)\.",
        form[errors:],
    )
    assert 'value="Third, kept"' in form and "Kept body." in form


def test_slow_mode_says_when_to_post_again(member_client, space, owner):
    update_space_settings(owner, space, settings(name="Talk Space", slow_mode_seconds=120))
    db.session.commit()
    url = new_thread(member_client)
    response = reply(member_client, first_post_id(member_client, url), body="Too soon")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "slow mode: one post every 2 minutes" in page
    assert "Too soon" in page


def test_changed_rules_are_accepted_with_the_post_and_the_text_is_kept(
    member_client, member, space, owner
):
    update_space_settings(owner, space, settings(name="Talk Space", rules="New rule: be brief."))
    db.session.commit()
    response = start_thread(member_client, body="Words I do not want to lose.")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "rules have changed" in page
    assert "Words I do not want to lose." in page
    response = start_thread(member_client, body="Words I do not want to lose.", accept_rules="y")
    assert response.status_code == 302
    membership = db.session.scalar(select(Membership).where(Membership.user_id == member.id))
    db.session.refresh(membership)
    assert membership.rules_version_accepted == 2


# Editing and deleting


def test_author_edits_and_revisions_are_kept(
    member_client, member, space, sign_in, owner, make_user
):
    url = new_thread(member_client, body="First version.")
    post_id = first_post_id(member_client, url)
    edit_page = member_client.get(f"/p/{post_id}/edit").get_data(as_text=True)
    assert "First version." in edit_page
    assert 'name="identity"' not in edit_page
    response = member_client.submit(f"/p/{post_id}/edit", {"body": "Second version."})
    assert response.status_code == 302
    page = member_client.get(url).get_data(as_text=True)
    assert "Second version." in page and ">edited</a>" in page

    for viewer in (member_client, sign_in(owner)):
        revisions = viewer.get(f"/p/{post_id}/revisions")
        assert revisions.status_code == 200
        assert "First version." in revisions.get_data(as_text=True)
    other = make_user("reader")
    admit(other, space)
    db.session.commit()
    assert sign_in(other).get(f"/p/{post_id}/revisions").status_code == 403
    assert sign_in(other).get(f"/p/{post_id}/edit").status_code == 403


def test_edit_refuses_an_empty_body_and_keeps_the_post(member_client, space):
    url = new_thread(member_client, body="Keep me.")
    post_id = first_post_id(member_client, url)
    response = member_client.submit(f"/p/{post_id}/edit", {"body": " "})
    assert response.status_code == 400
    kept = db.session.scalar(select(Post.body_source).where(Post.public_id == post_id))
    assert kept == "Keep me."


def test_delete_leaves_a_placeholder_and_the_replies(member_client, space, sign_in, make_user):
    url = new_thread(member_client)
    first = first_post_id(member_client, url)
    reply(member_client, first, body="Parent reply")
    parent = db.session.scalar(select(Post.public_id).where(Post.body_source == "Parent reply"))
    other = make_user("replier")
    admit(other, db.session.get(type(space), space.id))
    db.session.commit()
    reply(sign_in(other), parent, body="Child reply")

    assert f'href="/p/{parent}/delete"' in member_client.get(url).get_data(as_text=True)
    response = member_client.submit(f"/p/{parent}/delete", {}, action=f"/p/{parent}/delete")
    assert response.status_code == 302
    page = member_client.get(url).get_data(as_text=True)
    assert "[deleted]" in page
    assert "Parent reply" not in page
    assert "Child reply" in page
    # Nobody can reply to, edit or delete it again.
    assert reply(member_client, parent).status_code in (400, 403)
    assert member_client.get(f"/p/{parent}/edit").status_code == 403


# Personas


def test_persona_is_made_once_per_kind_and_space(member, space):
    first = identity.persona_for(member, space, PersonaKind.PSEUDONYM)
    again = identity.persona_for(member, space, PersonaKind.PSEUDONYM)
    named = identity.persona_for(member, space, PersonaKind.NAMED)
    assert first.id == again.id
    assert named.handle == member.username


def test_pseudonyms_in_two_spaces_are_different(member, space, make_space, owner):
    other = make_space("elsewhere", owner=owner)
    admit(member, other)
    here = identity.persona_for(member, space, PersonaKind.PSEUDONYM)
    there = identity.persona_for(member, other, PersonaKind.PSEUDONYM)
    assert here.handle != there.handle


def test_word_lists_give_over_a_million_handles():
    assert identity.handle_combinations() >= 1_000_000


def test_handle_clash_is_retried(member, space, make_user, monkeypatch):
    taken = identity.persona_for(make_user("first"), space, PersonaKind.PSEUDONYM).handle
    handles = iter([taken, taken, "Fresh Otter 7"])
    monkeypatch.setattr(identity, "random_handle", lambda: next(handles))
    persona = identity.persona_for(member, space, PersonaKind.PSEUDONYM)
    assert persona.handle == "Fresh Otter 7"


def test_identities_page_lists_only_my_own_handles(
    member_client, member, space, sign_in, make_user
):
    new_thread(member_client)
    mine = db.session.scalar(select(Persona.handle).where(Persona.user_id == member.id))
    page = member_client.get("/settings/identities")
    assert mine in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    other = sign_in(make_user("someone_else"))
    assert mine not in other.get("/settings/identities").get_data(as_text=True)


def test_rerender_is_not_needed_for_fresh_posts(member_client, space):
    new_thread(member_client)
    assert services.rerender_posts() == 0


def test_space_page_lists_pinned_first_then_by_activity(member_client, space, owner, app):
    from moderation.services import set_thread_pinned

    current_limiter().enabled = False
    for title in ("Oldest thread", "Middle thread", "Newest thread"):
        new_thread(member_client, title=title)
    oldest = db.session.scalar(select(Thread).where(Thread.title == "Oldest thread"))
    set_thread_pinned(owner, oldest, True)
    db.session.commit()
    page = member_client.get("/s/talk").get_data(as_text=True)
    assert page.index("Oldest thread") < page.index("Newest thread") < page.index("Middle thread")


def test_a_pseudonym_is_marked_in_words_not_only_for_screen_readers(member_client, space):
    url = new_thread(member_client, title="Marked", identity="pseudonym")
    page = member_client.get(url).get_data(as_text=True)
    first = page[page.index('class="post first-post"') :]
    assert re.search(r'<span class="badge badge-pseudonym"[^>]*>pseudonym</span>', first)
    named_url = new_thread(member_client, title="Named one", identity="named")
    named = member_client.get(named_url).get_data(as_text=True)
    assert "badge-pseudonym" not in named[named.index('class="post first-post"') :]


@pytest.mark.parametrize("identity_value", ["bogus", "named\x00"])
def test_a_refused_identity_choice_says_why_and_keeps_the_text(
    member_client, space, identity_value
):
    url = new_thread(member_client)
    response = reply(
        member_client,
        first_post_id(member_client, url),
        body="Kept words.",
        identity=identity_value,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Kept words." in page
    assert 'class="field-error" role="alert"' in page
