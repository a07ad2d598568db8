"""The hot pages' queries can be served by their indexes on PostgreSQL: each page is requested
for real, every statement it sends is EXPLAINed with its own parameters, no plan reads all of
`posts`, `threads` or the search documents, and each page's plans name the index that serves it.

The data is the benchmark's (bench/seed.py), ANALYZEd. On data this small a full scan of a
table is often cheaper, and the planner rightly takes it; the question here is whether an index
CAN serve each statement, so sequential scans are priced out (`enable_seqscan = off`): a plan
that still reads a whole table has no index to use. At scale (1,000,000 posts) the planner
picks the same indexes unprompted (docs/performance.md, "PostgreSQL at scale").
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bench.seed import BENCH_SPACE, MEMBER_PASSWORD, MEMBER_USERNAME, THREAD_1000_PATH, seed
from forum import create_app
from forum.extensions import db
from tests.conftest import settings_for_tests, skip_or_fail, throwaway_postgres_database
from tests.support.client import Client

BIG_TABLES = {"posts", "threads", "search_documents"}
SEARCH = "/search?q=thinking"


@dataclass(frozen=True)
class Scan:
    """One node of a plan that reads a table: how, which table, through which index."""

    node: str
    table: str | None
    index: str | None


def _postgres_server() -> str:
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    if not url or make_url(url).get_backend_name() != "postgresql":
        skip_or_fail("TEST_POSTGRES_URL is not set: no PostgreSQL server to plan queries on")
    return url


@pytest.fixture(scope="module")
def forum(tmp_path_factory) -> Iterator:
    with throwaway_postgres_database(_postgres_server(), "plans") as url:
        seed(tmp_path_factory.mktemp("plans") / "unused", threads=400, posts=4_000, url=url)
        app = create_app(settings_for_tests(url) | {"RATELIMIT_ENABLED": False})
        app.test_client_class = Client
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def member(forum) -> Client:
    client = forum.test_client()
    response = client.submit("/login", {"username": MEMBER_USERNAME, "password": MEMBER_PASSWORD})
    assert response.status_code == 302
    return client


def statements_of(app, client: Client, path: str) -> list[tuple[str, object]]:
    """Every statement that one request of the page sends, with its parameters."""
    sent = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, path
    return sent


def scans(plan: dict) -> Iterator[Scan]:
    yield Scan(plan["Node Type"], plan.get("Relation Name"), plan.get("Index Name"))
    for child in plan.get("Plans", []):
        yield from scans(child)


def plans_of(app, sent) -> list[tuple[str, list[Scan], str]]:
    """Each statement that reads a big table, with the scans of its plan and the plan as text."""
    planned = []
    with app.app_context(), db.engine.connect() as connection:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # until the rollback
        for statement, parameters in sent:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            if not any(table in statement for table in BIG_TABLES):
                continue
            explain = connection.exec_driver_sql(
                "EXPLAIN (FORMAT JSON) " + statement, parameters
            ).scalar_one()
            lines = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars()
            planned.append((statement, list(scans(explain[0]["Plan"])), "\n".join(lines)))
        connection.rollback()
    return planned


# (page, path, the indexes of which its plans must use one)
PAGES = [
    # Recent threads by last activity; a member's directory counts new threads per space.
    ("front page", "/", {"ix_threads_activity", "ix_threads_listing"}),
    ("space page", f"/s/{BENCH_SPACE}", {"ix_threads_listing"}),
    ("1,000-post thread", THREAD_1000_PATH, {"ix_posts_thread_path"}),
    ("its third page", THREAD_1000_PATH + "?page=3", {"ix_posts_thread_path"}),
    ("search", SEARCH, {"ix_search_documents_document"}),
]


@pytest.mark.parametrize("viewer", ["visitor", "member"])
@pytest.mark.parametrize(("page", "path", "indexes"), PAGES, ids=[page[0] for page in PAGES])
def test_the_hot_pages_can_read_posts_and_threads_through_their_indexes(
    forum, member, viewer, page, path, indexes
):
    client = member if viewer == "member" else forum.test_client()
    planned = plans_of(forum, statements_of(forum, client, path))
    assert planned, f"the {page} read no posts or threads"
    for statement, plan, shown in planned:
        whole = [scan for scan in plan if scan.node == "Seq Scan" and scan.table in BIG_TABLES]
        assert not whole, f"the {page} reads all of {whole[0].table}:\n{statement}\n\n{shown}"
    used = {scan.index for _statement, plan, _text in planned for scan in plan if scan.index}
    assert indexes & used, f"the {page} uses none of {indexes}, but {used}"


def test_the_app_plans_without_jit_compilation(forum):
    # Compiling the front page's directory took seconds at a million posts (forum.extensions).
    with forum.app_context():
        assert db.session.execute(text("SHOW jit")).scalar_one() == "off"
        db.session.remove()
