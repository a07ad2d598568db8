"""The search benchmark: how long searches take over the seeded dataset, for a visitor and a
member, on the SQLite file or (when BENCH_DATABASE_URL names one) PostgreSQL.

Each case runs the search use case itself, in this process (its three statements: the spaces
of the filter, the bounded count, the ranked page with snippets), `BENCH_SEARCH_ROUNDS` times
after a warm-up, and reports the median and the 99th percentile. Rendering the page is not
counted: it is the same whatever the data. Also `python -m bench.search` alone, on the database
of the last `make bench` (BENCH_REUSE is implied).
"""

import os
import statistics
import time

from sqlalchemy import select

from bench.seed import BENCH_SPACE, MEMBER_USERNAME, VOCABULARY, bench_app
from forum.extensions import db, login_manager
from forum.models import Space, User
from forum.search.queries import Criteria, search

ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS") or 200)
WARMUP_ROUNDS = 10
TARGET_P50_MS = 50.0

# (case, words, space slug or None)
CASES = [
    ("common word", "thinking", None),
    ("very common word", VOCABULARY[0], None),
    ("rare word", VOCABULARY[-1], None),
    ("two words", "youth worker", None),
    ("two words in one space", "youth worker", BENCH_SPACE),
    ("common word in one space", "thinking", BENCH_SPACE),
]


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(database, backend: str) -> list[dict]:
    """Time every case for a visitor and the member on the database (a path or a URL)."""
    app = bench_app(database)
    rows = []
    with app.test_request_context():
        member = db.session.scalar(select(User).where(User.username == MEMBER_USERNAME))
        space_id = db.session.scalar(select(Space.id).where(Space.slug == BENCH_SPACE))
        for viewer_name, viewer in (
            ("visitor", login_manager.anonymous_user()),
            ("member", member),
        ):
            for case, words, slug in CASES:
                criteria = Criteria(words, space_id=space_id if slug else None)
                samples, total = [], 0
                for round_number in range(WARMUP_ROUNDS + ROUNDS):
                    started = time.perf_counter()
                    total = search(viewer, criteria, 1).page.total
                    elapsed = (time.perf_counter() - started) * 1000
                    db.session.rollback()
                    if round_number >= WARMUP_ROUNDS:
                        samples.append(elapsed)
                p50 = statistics.median(samples)
                rows.append(
                    {
                        "backend": backend,
                        "viewer": viewer_name,
                        "case": case,
                        "words": words,
                        "results": total,
                        "p50_ms": p50,
                        "p99_ms": _percentile(samples, 0.99),
                        "verdict": "PASS" if p50 < TARGET_P50_MS else "FAIL",
                    }
                )
        db.session.remove()
        db.engine.dispose()
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| backend | viewer | search | results | p50 ms | p99 ms | target |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for row in rows:
        results = f"{row['results']:,}" + ("+" if row["results"] >= 1000 else "")
        lines.append(
            f"| {row['backend']} | {row['viewer']} | {row['case']} (`{row['words']}`) | "
            f"{results} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{row['verdict']} (p50 < {TARGET_P50_MS:.0f} ms) |"
        )
    return "\n".join(lines)


def report(database) -> tuple[str, bool, list[dict]]:
    """The search table for the database (a SQLite path or a PostgreSQL URL), and whether every
    case passed."""
    rows = measure(database, "PostgreSQL" if isinstance(database, str) else "SQLite")
    return table(rows), all(row["verdict"] == "PASS" for row in rows), rows


if __name__ == "__main__":
    from bench.run import WORK

    text, _passed, _rows = report(os.environ.get("BENCH_DATABASE_URL") or WORK / "bench.sqlite3")
    print(text)
