"""Fixtures of the storage tests: a real S3 server on loopback, and each backend on its own."""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.servers import free_port
from forum.storage import LocalStorage, S3Storage, Storage, s3_storage
from tests.conftest import skip_or_fail

# moto's server takes any credentials; the tests still send some, as a real install would.
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server in a process of its own, over HTTP on a free loopback port."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as error:
        skip_or_fail(f"boto3 or moto's server is not installed (pip install -e '.[dev]'): {error}")
    port = free_port()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own deprecation warnings are not this suite's to fail on.
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        try:
            deadline = time.monotonic() + 60  # two busy cores can make a slow start
            while not _answers(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    skip_or_fail(f"moto's S3 server did not start: {log.read().decode()[-2000:]}")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)


def s3_settings(endpoint: str, bucket: str, prefix: str = "uploads") -> dict:
    """The settings an operator would write for the s3 backend."""
    return {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_BUCKET": bucket,
        "S3_PREFIX": prefix,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }


@pytest.fixture
def s3_bucket(s3_endpoint) -> str:
    """A new, empty bucket of the test server, created as an operator would."""
    name = f"test-uploads-{secrets.token_hex(6)}"
    s3_storage(s3_settings(s3_endpoint, name)).client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_backend(s3_endpoint, s3_bucket) -> S3Storage:
    return s3_storage(s3_settings(s3_endpoint, s3_bucket))


@pytest.fixture
def local_backend(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


@pytest.fixture(params=["local", "s3"])
def backend(request) -> Storage:
    """Each backend in turn, so every promise of the interface is kept by both."""
    return request.getfixturevalue(f"{request.param}_backend")


def stored_names(backend: Storage) -> list[str]:
    """Every name the backend holds: files in the folder, or objects in the bucket."""
    if isinstance(backend, LocalStorage):
        root = Path(backend.root)
        return sorted(path.name for path in root.iterdir()) if root.exists() else []
    listing = backend.client.list_objects_v2(Bucket=backend.bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))
