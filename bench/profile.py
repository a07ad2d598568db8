"""Profile the bench's pages in process for the member or a visitor, on the last run's database.

    python -m bench.profile [member|visitor] [page...]   (home, space, thread100, thread1000)

Each page is requested through the WSGI app (as gunicorn would call it) a few times to warm up,
then ROUNDS times timed (CPU time) and ROUNDS times under pyinstrument; the CPU time and the
statements per request are printed with the profile. Needs pyinstrument (the dev extra) and a
database from `make bench`.
"""

import os
import re
import sys
import time
from pathlib import Path

from sqlalchemy import event

from bench.run import SECRET_KEY
from bench.seed import (
    BENCH_SPACE,
    MEMBER_PASSWORD,
    MEMBER_USERNAME,
    THREAD_100_PATH,
    THREAD_1000_PATH,
)

DATABASE = Path(__file__).resolve().parent / ".work" / "bench.sqlite3"
PAGES = {
    "home": "/",
    "space": f"/s/{BENCH_SPACE}",
    "thread100": THREAD_100_PATH,
    "thread1000": THREAD_1000_PATH,
}
ROUNDS = int(os.environ.get("BENCH_PROFILE_ROUNDS", "30"))


def _app():
    os.environ.update(
        DATABASE_URL=f"sqlite:///{DATABASE}",
        SECRET_KEY=SECRET_KEY,
        RATELIMIT_ENABLED="false",
        ANON_CACHE_SECONDS="0",
    )
    from forum import create_app  # noqa: PLC0415 (after the environment is set)

    return create_app()


def _signed_in(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/login",
        data={"csrf_token": token, "username": MEMBER_USERNAME, "password": MEMBER_PASSWORD},
    )
    if answer.status_code != 302:
        raise SystemExit("signing the bench member in failed")


def main(argv: list[str]) -> None:
    from pyinstrument import Profiler  # noqa: PLC0415 (a dev tool, not the app's)

    viewer = argv[0] if argv else "member"
    pages = argv[1:] or list(PAGES)
    app = _app()
    client = app.test_client()
    if viewer == "member":
        _signed_in(client)
    statements = []
    with app.app_context():
        from forum.extensions import db  # noqa: PLC0415

        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for name in pages:
        path = PAGES[name]
        for _ in range(5):
            assert client.get(path).status_code == 200
        statements.clear()
        started = time.process_time()
        for _ in range(ROUNDS):
            client.get(path)
        cpu = (time.process_time() - started) / ROUNDS  # CPU time moves less with other load
        count = len(statements) / ROUNDS
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(ROUNDS):
                client.get(path)
        print(f"\n=== {viewer} {name} {path}: {1000 * cpu:.1f} ms CPU/request unprofiled, "
              f"{count:.0f} statements/request")  # fmt: skip
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main(sys.argv[1:])
