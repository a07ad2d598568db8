"""Two people sending a form at the same instant, each from their own signed-in client."""

import threading


def post_at_once(clients: list, url: str, forms: list[dict]) -> list[int | None]:
    """POST forms[n] from clients[n] to `url`, all released together by a barrier; return the
    statuses (None where a request did not finish within 30 seconds)."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int | None] = [None] * len(clients)

    def submit(n: int) -> None:
        barrier.wait()
        statuses[n] = clients[n].post(url, data=forms[n]).status_code

    workers = [threading.Thread(target=submit, args=(n,)) for n in range(len(clients))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    return statuses
