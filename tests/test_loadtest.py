"""The load test's machinery (bench/load.py), for a few seconds against the app served in process:
members' replies are counted and found, a flood is refused, and a lost post is caught."""

import random
import threading
import time

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from bench import flood, load
from bench.loadclient import Browser, Tally, outcome
from forum.extensions import db
from forum.models import Post
from tests import factories


@pytest.fixture
def port(app):
    """The test app over real HTTP on loopback, sharing the test's database."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def world(app, make_user, make_space, add_member):
    space = make_space("public")
    author, member = make_user(), make_user("member01", load.PASSWORD)
    add_member(space, author)
    add_member(space, member)
    parent = factories.first_post(factories.start_thread(author, space))
    pages = ["/", f"/s/{space.slug}"]
    return load.World(None, ["member01"], [], [author.username], [parent.public_id], [], pages)


def test_a_member_s_accepted_replies_are_all_found_and_a_lost_one_is_caught(app, port, world):
    app.config["RATELIMIT_REPLY_NEW_ACCOUNT"] = "2 per 10 minutes"  # so some are refused
    record, stop = load.Record(), threading.Event()
    browser = Browser(port, "198.51.100.1")
    load.sign_in(browser, "member01")
    member = load.Member("member01", browser, world, record, random.Random(1))
    # The flood: wrong passwords as fast as they are answered, from the member's address (the
    # test app trusts no proxy: every client here is 127.0.0.1).
    guesses, guesser = Tally(), Browser(port, "203.0.113.7")
    bot = threading.Thread(target=flood.guess_passwords, args=(guesser, guesses, stop, ["nobody"]))
    reader = threading.Thread(target=member.run, args=(["baseline"], stop, 0.1))
    bot.start()
    reader.start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (record.replies.sent < 4 or not guesses.outcomes["429"]):
        time.sleep(0.05)
    stop.set()
    reader.join(timeout=10)
    bot.join(timeout=10)

    assert guesses.outcomes["429"] > 0  # 10 a minute from one address, then refused
    assert load.failures(record, [flood.FloodKind("login", "one", guesses)]) == 0
    accepted = record.ledger.accepted["member01"]
    assert len(accepted) == record.replies.outcomes["2xx/3xx"] == 2
    assert record.refusals and all(
        refusal.startswith("429: New accounts may post 2 replies every 10 minutes.")
        for refusal in record.refusals
    )
    assert record.errors.sent == 0  # every page the member read answered 200
    db.session.remove()
    assert load.audit(record.ledger.accepted, load.stored_posts()) == {}

    # A reply the server accepted but did not keep as written is reported, body and all.
    db.session.execute(
        update(Post).where(Post.body_source == accepted[0]).values(body_source="changed")
    )
    assert load.audit(record.ledger.accepted, load.stored_posts()) == {
        "member01": [f"lost: {accepted[0]}"]
    }


def test_a_post_stored_under_another_account_is_lost_for_one_and_unexplained_for_the_other():
    accepted = {"member01": ["loadtest a", "loadtest b"]}
    stored = {"member01": ["loadtest a"], "member02": ["loadtest b"]}
    assert load.audit(accepted, stored) == {
        "member01": ["lost: loadtest b"],
        "member02": ["stored, never accepted: loadtest b"],
    }


def test_an_accepted_post_stored_once_but_accepted_twice_is_lost():
    assert load.audit({"m": ["loadtest a", "loadtest a"]}, {"m": ["loadtest a"]}) == {
        "m": ["lost: loadtest a"]
    }


def test_members_reply_within_their_budget_however_long_the_run(monkeypatch):
    monkeypatch.setattr(load, "SECONDS", 3_600)
    assert 600 / load.reply_pace() <= 16  # of the 20 replies ten minutes allow


def test_answers_are_sorted_into_the_report_s_columns():
    assert [outcome(status) for status in (200, 302, 429, 400, 404, 500, 503, 0)] == [
        "2xx/3xx", "2xx/3xx", "429", "other 4xx", "other 4xx", "5xx", "5xx", "no answer",
    ]  # fmt: skip
