"""The Markdown renderer's worst case: render time of hostile bodies next to an ordinary post.

Run alone with `python -m bench.markup`; `make bench` prints this table after the pages'. Each
body is at the posting limit; the figure is the best of a few renders, in CPU time.
"""

import sys
import time

from forum.markup import render_counted
from forum.threads.services import BODY_MAX_LENGTH

N = BODY_MAX_LENGTH
ORDINARY = (
    "A paragraph with **bold**, _emphasis_, a [link](https://example.org/report) and `code`, "
    "see https://example.org/x.\n\n> A quote\n\n- a list item\n- another\n\n"
) * (N // 160)
HOSTILE = {
    "`![` repeated": "![" * (N // 2),
    "`[` repeated": "[" * N,
    "`[![` repeated": "[![" * (N // 3),
    "`<http://` repeated": "<http://" * (N // 8),
    "nested link labels": "[" * 5_000 + "a" + "](https://example.org)" * 600,
    "`*_` emphasis runs": "*_" * (N // 2),
    "`**a` emphasis openers": "**a " * (N // 4),
    "`[x](` unclosed links": "[x](" * (N // 4),
    "backtick runs": "`a``" * (N // 4),
    "deep quotes": "> " * (N // 2) + "x",
    "deep lists": "- " * (N // 2) + "x",
    "wide table": "|a" * (N // 6) + "|\n" + "|-" * (N // 6) + "|\n" + "|a" * (N // 6) + "|\n",
}
# A hostile body may cost this many times an ordinary post of the same length.
WORST_RATIO = 5.0


def cpu_ms(source: str, runs: int = 3) -> tuple[float, int]:
    """The best CPU time of a few renders, in ms, and the characters the scans read."""
    best, scanned = float("inf"), 0
    for _ in range(runs):
        started = time.process_time()
        _, scanned = render_counted(source)
        best = min(best, time.process_time() - started)
    return best * 1000, scanned


def report() -> tuple[str, bool]:
    """The table of render times, and whether the worst body stays within WORST_RATIO."""
    ordinary, scanned = cpu_ms(ORDINARY)
    lines = [
        f"| body ({N:,} characters) | render ms (CPU) | × ordinary | characters scanned |",
        "|---|---:|---:|---:|",
        f"| ordinary post | {ordinary:.1f} | 1.0 | {scanned:,} |",
    ]
    worst = 0.0
    for name, source in HOSTILE.items():
        spent, scanned = cpu_ms(source)
        worst = max(worst, spent / ordinary)
        lines.append(f"| {name} | {spent:.1f} | {spent / ordinary:.1f} | {scanned:,} |")
    passed = worst <= WORST_RATIO
    verdict = "PASS" if passed else "FAIL"
    lines.append(f"\nWorst case {worst:.1f}× an ordinary post: {verdict} (≤ {WORST_RATIO:.0f}×)")
    return "\n".join(lines), passed


if __name__ == "__main__":
    table, ok = report()
    print(table)
    sys.exit(0 if ok else 1)
