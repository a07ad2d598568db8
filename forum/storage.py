"""Where uploaded files live: a folder on this machine by default (STORAGE_BACKEND=local).

Files are kept under random keys that say nothing of their name, owner or space, outside
`static/`, so the only way to one is the route that checks the policy first. A backend has
three methods: `save(key, data)`, `read(key) -> bytes` and `delete(key)`; uploads are small
(RESOURCE_MAX_BYTES), so whole bytes are simpler than streams and cost little.
"""

import os
import re
import secrets
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

_KEY = re.compile(r"[0-9a-f]{32}")


class StoredFileMissing(LookupError):
    """The backend has no file under that key."""


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


def new_key() -> str:
    """A fresh random key: 128 bits, hex, the file's only name in storage."""
    return secrets.token_hex(16)


def checked_key(key: str) -> str:
    """The key, refused unless it is one new_key() could have made (no path can sneak in)."""
    if not _KEY.fullmatch(key):
        raise ValueError("not a storage key")
    return key


class LocalStorage:
    """A folder readable by the server's account only, one file per key."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def save(self, key: str, data: bytes) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self._path(key)
        partial = path.with_name(f".{key}.{secrets.token_hex(4)}")
        # Written aside and renamed, so a reader never sees half a file.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StoredFileMissing(key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage() -> Storage:
    """The app's storage backend."""
    return current_app.extensions["storage"]


def init_app(app: Flask) -> None:
    backend = app.config["STORAGE_BACKEND"]
    if backend == "local":
        root = app.config["STORAGE_PATH"] or Path(app.instance_path) / "uploads"
        app.extensions["storage"] = LocalStorage(root)
    else:
        raise RuntimeError(f"STORAGE_BACKEND must be local, not {backend!r}")
