"""Servers on loopback for the benchmark, the load test and the tests: gunicorn serving an app.

One starter for all three, so that what is measured is served the way the tests serve it.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.request import build_opener

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until(answers, what: str, process: subprocess.Popen, log: Path, timeout: float = 60):
    """Poll `answers()` until it is true; fail with the log when the process exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log.read_text()}")
        if answers():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer within {timeout:.0f} s:\n{log.read_text()}")


def answers_200(url: str) -> bool:
    try:
        with build_opener().open(url, timeout=2) as response:
            return response.status == 200
    except (URLError, OSError):
        return False


def stop(process: subprocess.Popen | None) -> None:
    """Stop a server started in its own process group: gracefully, then for good."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn stops its workers gracefully
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def gunicorn_executable() -> str:
    """The gunicorn of this interpreter's environment (the production and dev extras), or ""
    when it has none: one from elsewhere on PATH could not import this app."""
    found = Path(sys.executable).parent / "gunicorn"
    return str(found) if found.exists() else ""


def _no_control_socket() -> list[str]:
    # gunicorn 25.1 and later open a control socket at one path per user: two servers at once
    # would fight over it.
    import gunicorn

    return ["--no-control-socket"] if gunicorn.version_info >= (25, 1) else []


@dataclass
class Gunicorn:
    """`gunicorn APP` with sync workers on loopback, from the project's folder (so with its
    gunicorn.conf.py), in a process group of its own; a context manager stops it whatever
    happened."""

    env: dict[str, str]
    app: str = "wsgi:app"
    workers: int = 2
    # Its output; by default a temporary file, removed when it stops.
    log: Path | None = None
    # Answered 200 once the server is up (the bench's ceiling has only "/").
    ready_path: str = "/healthz"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self._log_is_temporary = self.log is None
        if self.log is None:
            self.log = Path(tempfile.mkstemp(suffix=".log")[1])

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> "Gunicorn":
        command = [
            gunicorn_executable(),
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--bind", f"{HOST}:{self.port}",
            *_no_control_socket(),
            self.app,
        ]  # fmt: skip
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **self.env}
        with self.log.open("w") as log:
            # Its own process group, so stopping it reaches the workers too.
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            # Every worker, not just the first: a test may need both to answer.
            wait_until(self._all_workers_ready, "gunicorn", self.process, self.log)
        except BaseException:
            self.stop()
            raise
        return self

    def _all_workers_ready(self) -> bool:
        # gunicorn.conf.py logs a line for each worker that has loaded the app.
        return self.output().count("Worker ready (pid:") >= self.workers and answers_200(
            self.base + self.ready_path
        )

    def __enter__(self) -> "Gunicorn":
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def stop(self) -> None:
        stop(self.process)
        if self._log_is_temporary:
            self.log.unlink(missing_ok=True)

    def output(self) -> str:
        return self.log.read_text()

    def request_lines(self) -> list[dict]:
        """The request log's JSON lines in this server's output so far."""
        return [json.loads(line) for line in self.output().splitlines() if line.startswith("{")]

    def cpu_seconds(self) -> float:
        """CPU time used so far by the gunicorn master and its workers (user and system)."""
        pid = self.process.pid
        return sum(_cpu_seconds(process) for process in [pid, *_children(pid)])


def _stat(pid: int) -> list[str]:
    # The fields after the command name, which may itself hold spaces and parentheses.
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def _cpu_seconds(pid: int) -> float:
    try:
        fields = _stat(pid)
    except OSError:  # a worker that has just exited
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    children.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return children
