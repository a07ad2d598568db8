"""The search page: hostile queries, escaped snippets, the author filter that never reaches a
pseudonym's account, bad input kept in the form, the rate limit, caches, and its fixed cost."""

import re
from urllib.parse import quote

import pytest

from forum import create_app
from forum.markup import MATCH_END, MATCH_START, highlighted
from forum.models import IdentityMode
from tests import factories
from tests.conftest import Client, settings_for_tests


def page_of(client, query: str, status: int = 200) -> str:
    """The page's HTML, with the <mark>s of highlighted words taken out."""
    response = client.get(f"/search?{query}")
    assert response.status_code == status, response.get_data(as_text=True)[-2000:]
    return re.sub("</?mark>", "", response.get_data(as_text=True))


@pytest.fixture
def space(make_user, make_space):
    owner = make_user("olive_owner")
    space = make_space("talk", owner)
    factories.start_thread(owner, space, title="Hedgehog houses", body="Leave a gap in the fence.")
    return space


HOSTILE = [
    '"',
    '"unbalanced',
    "hedgehog NEAR(a b)",
    "hedgehog OR fence",
    "hedgehog AND NOT",
    "title:hedgehog",
    "^hedgehog",
    "hedgehog*",
    "*",
    "(((hedgehog",
    "'",
    "hedgehog' & !fence | (",
    "\\",
    "-hedgehog",
    "hedgehog:*",
    "a:* & b",
    "<script>alert(1)</script>",
    "ĥéďgéhöğ",
    "hedgehog_fence",
    "x" * 199,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_no_query_syntax_reaches_the_engine(space, client, query):
    response = client.get(f"/search?q={quote(query)}")
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    if response.status_code == 400:
        assert "Please type a word to search for." in html


def test_operators_are_searched_as_words(space, client):
    # Every word must be there: "or" is a word like any other, not an operator.
    assert "Nothing you can read matches" in page_of(client, "q=hedgehog+OR+nothingatall")
    assert "1 result" in page_of(client, "q=%22hedgehog%22+(fence)")


def test_a_nul_is_refused_in_the_form_with_the_text_kept(space, client):
    html = page_of(client, "q=hedge%00hog", status=400)
    assert "invisible control character (U+0000)" in html
    assert 'value="hedge\x00hog"' in html or 'value="hedge\ufffdhog"' in html or "hedge" in html


def test_ten_thousand_characters_are_refused_with_the_text_kept(space, client):
    html = page_of(client, "q=" + "hedgehog " * 1111, status=400)
    assert "Please keep your search under 200 characters." in html
    assert "hedgehog hedgehog hedgehog" in html


def test_an_empty_search_asks_for_a_word_and_keeps_the_filters(space, client):
    html = page_of(client, "q=+%21%3F+&author=olive_owner", status=400)
    assert "Please type a word to search for." in html
    assert 'value="olive_owner"' in html


def test_no_search_shows_the_form_alone(space, client):
    html = page_of(client, "")
    assert 'name="q"' in html and "results-title" not in html


def test_bad_dates_get_a_clear_message_and_keep_what_was_typed(space, client):
    html = page_of(client, "q=hedgehog&since=31%2F02%2F2026", status=400)
    assert "Please give a date as year-month-day" in html
    assert 'value="31/02/2026"' in html
    html = page_of(client, "q=hedgehog&since=2026-03-02&until=2026-03-01", status=400)
    assert "The end date is before the start date." in html


def test_dates_filter_by_the_day_of_writing(space, client):
    assert "1 result" in page_of(client, "q=hedgehog&since=2000-01-01&until=2999-12-31")
    assert "Nothing you can read matches" in page_of(client, "q=hedgehog&until=2000-01-01")
    assert "Nothing you can read matches" in page_of(client, "q=hedgehog&since=2999-01-01")


def test_snippets_show_source_text_escaped_never_markup(make_user, make_space, client):
    owner = make_user("olive_owner")
    space = make_space("talk", owner)
    body = 'Badger <script>alert(1)</script> <img src=x onerror="go()"> **setts**'
    factories.start_thread(owner, space, title="Badger <b>setts</b>", body=body)
    html = page_of(client, "q=badger")
    assert "<script>alert" not in html and "<img" not in html and "<b>setts" not in html
    assert "Badger" in html


def test_marker_characters_in_a_post_inject_no_tags(make_user, make_space, client):
    owner = make_user("olive_owner")
    space = make_space("talk", owner)
    body = f"{MATCH_END}{MATCH_START}<i>x</i>{MATCH_END} otter {MATCH_START}{MATCH_START}"
    factories.start_thread(owner, space, title=f"Title {MATCH_START}forged", body=body)
    html = client.get("/search?q=otter").get_data(as_text=True)
    snippet = re.search(r'<p class="search-snippet" dir="auto">(.*?)</p>', html).group(1)
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1
    assert "<mark>otter</mark>" in snippet and "<i>" not in html
    assert "<mark>forged" not in html


def test_highlighted_balances_marks_and_escapes_the_rest():
    assert highlighted(f"a {MATCH_START}b{MATCH_END} <c>") == "a <mark>b</mark> &lt;c&gt;"
    assert highlighted(f"{MATCH_END}x{MATCH_START}y{MATCH_START}z") == "x<mark>yz</mark>"


@pytest.fixture
def two_faced(make_user, make_space, limits_off):
    """Alice writes under her name in one space and under a pseudonym in another."""
    alice = make_user("alice")
    named = make_space("named-talk", alice, identity_mode=IdentityMode.NAMED)
    masked = make_space("masked-talk", make_user("olive_owner"), identity_mode="pseudonymous")
    factories.add_member(masked, alice)
    with limits_off():
        factories.start_thread(
            alice, named, title="Walnut trees", body="Named walnut", kind="named"
        )
        masked_thread = factories.start_thread(
            alice, masked, title="Walnut blight", body="Masked walnut"
        )
    return masked_thread


def test_a_username_finds_named_posts_only_never_a_pseudonyms(two_faced, client):
    html = page_of(client, "q=walnut&author=alice")
    assert "Named walnut" in html and "Masked" not in html
    html = page_of(client, "q=walnut&author=ALICE&space=masked-talk")
    assert "Nothing you can read matches" in html


def test_a_handle_finds_its_posts_within_the_chosen_space_alone(two_faced, client):
    from forum.extensions import db
    from forum.models import Persona

    handle = db.session.get(Persona, two_faced.persona_id).handle
    html = page_of(client, f"q=walnut&author={quote(handle)}&space=masked-talk")
    assert "Masked walnut" in html and "Named walnut" not in html
    assert "alice" not in html.split("<main", 1)[1]
    assert "Nothing you can read matches" in page_of(client, f"q=walnut&author={quote(handle)}")


def test_searching_is_rate_limited_and_the_429_keeps_the_search(space, client, app):
    app.config["RATELIMIT_SEARCH"] = "2 per minute"
    for _ in range(2):
        page_of(client, "q=hedgehog")
    response = client.get("/search?q=hedgehog+houses&author=olive_owner")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    html = response.get_data(as_text=True)
    assert "Everyone may search 2 times a minute." in html
    assert 'value="hedgehog houses"' in html and 'value="olive_owner"' in html
    assert "results-title" not in html


def test_a_members_results_are_never_cached_nor_served_to_a_visitor(
    database_uri, make_user, make_space, sign_in
):
    owner = make_user("olive_owner")
    closed = make_space("closed", owner, "members")
    factories.start_thread(owner, closed, title="Closed acorns", body="Members only acorns")
    app = create_app(settings_for_tests(database_uri) | {"ANON_CACHE_SECONDS": 60})
    app.test_client_class = Client
    with app.app_context():
        member = factories.sign_in(app, owner)
        members_page = member.get("/search?q=acorns")
        assert members_page.headers["Cache-Control"] == "no-store"
        assert "Members only" in members_page.get_data(as_text=True)
        visitor = app.test_client()
        visitors_page = visitor.get("/search?q=acorns")
        assert "Members only" not in visitors_page.get_data(as_text=True)
        assert "Set-Cookie" not in visitors_page.headers
        assert "Members only" in member.get("/search?q=acorns").get_data(as_text=True)


def test_the_header_offers_search_on_every_page(space, client, sign_in, make_user):
    for browser in (client, sign_in(make_user("mo_member"))):
        html = browser.get("/").get_data(as_text=True)
        assert 'role="search"' in html and 'action="/search"' in html


def test_results_are_paged(space, client, limits_off):
    owner = factories.make_user("prolific")
    factories.add_member(space, owner)
    with limits_off():
        thread = factories.start_thread(owner, space, title="Many moths", body="moth")
        for number in range(24):
            factories.reply(owner, factories.first_post(thread), body=f"moth sighting {number}")
    first = page_of(client, "q=moth")
    assert "25 results" in first and first.count('class="search-result"') == 20
    assert "q=moth&amp;page=2" in first or "page=2&amp;q=moth" in first
    second = page_of(client, "q=moth&page=2")
    assert second.count('class="search-result"') == 5


def _searches(client, count_queries, query: str) -> int:
    with count_queries() as counted:
        assert client.get(f"/search?{query}").status_code == 200
    return counted.count


def test_a_search_runs_the_same_queries_for_few_and_many_posts(
    space, client, sign_in, count_queries, limits_off
):
    owner = factories.make_user("prolific", label=factories.POLICE)
    factories.add_member(space, owner)
    member = sign_in(owner)
    query = "q=vole&author=prolific&since=2000-01-01"
    with limits_off():
        thread = factories.start_thread(owner, space, title="Voles", body="vole", kind="named")
    few = (_searches(client, count_queries, query), _searches(member, count_queries, query))
    with limits_off():
        for number in range(30):
            factories.reply(
                owner, factories.first_post(thread), body=f"vole {number}", kind="named"
            )
            factories.make_space(f"more-{number}", owner)
    many = (_searches(client, count_queries, query), _searches(member, count_queries, query))
    assert few == many
    assert many[0] <= 3
