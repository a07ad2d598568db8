"""Where uploaded files live: a folder on this machine (local) or an S3-compatible bucket (s3).

Files are kept under random keys that say nothing of their name, owner or space, outside
`static/`, so the only way to one is the route that checks the policy first. A backend has
three methods: `save(key, data)`, `read(key) -> bytes` and `delete(key)`; uploads are small
(RESOURCE_MAX_BYTES), so whole bytes are simpler than streams and cost little.
`flask --app wsgi storage check` writes, reads and deletes a probe to show the setting works.
"""

import os
import re
import secrets
from pathlib import Path
from typing import Protocol

import click
from flask import Flask, current_app
from flask.cli import AppGroup

_KEY = re.compile(r"[0-9a-f]{32}")

storage_cli = AppGroup("storage", help="Check the storage backend of uploaded files.")


class StoredFileMissing(LookupError):
    """The backend has no file under that key."""


class StorageError(RuntimeError):
    """The backend could not do what was asked: unreachable, refused or misconfigured."""


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def describe(self) -> str: ...


def new_key() -> str:
    """A fresh random key: 128 bits, hex, the file's only name in storage."""
    return secrets.token_hex(16)


def checked_key(key: str) -> str:
    """The key, refused unless it is one new_key() could have made (no path can sneak in)."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError("not a storage key")
    return key


class LocalStorage:
    """A folder readable by the server's account only, one file per key."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        return f"local: the folder {self.root.resolve()}"

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def _make_root(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        # A folder made by hand with wider permissions is narrowed: the files are people's.
        if self.root.stat().st_mode & 0o077:
            self.root.chmod(0o700)

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        self._make_root()
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


class S3Storage:
    """Private objects in a bucket of an S3-compatible store, one per key, under a prefix.

    Objects are written without an ACL, so they take the bucket's own (private on a bucket that
    grants nothing to the public); nothing here makes a URL to one. An S3 PUT replaces an object
    whole, so a reader never sees half of one.
    """

    # The codes S3 and compatible servers answer for an object that is not there.
    _MISSING = frozenset({"NoSuchKey", "404", "NotFound"})

    def __init__(self, client, bucket: str, prefix: str = "", where: str = "AWS") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.where = where

    def describe(self) -> str:
        return f"s3: the bucket {self.bucket!r} at {self.where}, keys under {self.prefix!r}"

    def _name(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def _call(self, operation: str, **arguments):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(Bucket=self.bucket, **arguments)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if operation == "get_object" and code in self._MISSING:
                raise StoredFileMissing(arguments["Key"]) from None
            raise StorageError(f"{self.describe()}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"{self.describe()}: {error}") from error

    def save(self, key: str, data: bytes) -> None:
        self._call("put_object", Key=self._name(key), Body=data)

    def read(self, key: str) -> bytes:
        response = self._call("get_object", Key=self._name(key))
        with response["Body"] as body:
            return body.read()

    def delete(self, key: str) -> None:
        # S3 answers a delete of a missing object as a success: nothing to ignore here.
        self._call("delete_object", Key=self._name(key))


def s3_storage(config) -> S3Storage:
    """The S3 backend the settings describe; refused at start-up when they are incomplete."""
    bucket = config["S3_BUCKET"].strip()
    if not bucket:
        raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET, the bucket that keeps uploads")
    try:
        import boto3
        from botocore.config import Config as ClientConfig
    except ImportError:
        raise RuntimeError(
            "STORAGE_BACKEND=s3 needs boto3: pip install 'safe-spaces[s3]'"
        ) from None
    endpoint = config["S3_ENDPOINT_URL"].strip() or None
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=config["S3_REGION"].strip() or None,
        # Empty: boto3 finds credentials as it always does (environment, instance role).
        aws_access_key_id=config["S3_ACCESS_KEY_ID"] or None,
        aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"] or None,
        config=ClientConfig(
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            # Checksums only where S3 requires them: several compatible servers refuse the
            # streamed checksums newer boto3 sends by default.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )
    return S3Storage(client, bucket, config["S3_PREFIX"], where=endpoint or "AWS")


def storage() -> Storage:
    """The app's storage backend."""
    return current_app.extensions["storage"]


def init_app(app: Flask) -> None:
    backend = app.config["STORAGE_BACKEND"].strip().lower()
    if backend == "local":
        root = app.config["STORAGE_PATH"] or Path(app.instance_path) / "uploads"
        app.extensions["storage"] = LocalStorage(root)
    elif backend == "s3":
        app.extensions["storage"] = s3_storage(app.config)
    else:
        raise RuntimeError(f"STORAGE_BACKEND must be local or s3, not {backend!r}")
    app.cli.add_command(storage_cli)


@storage_cli.command("check")
def check_storage() -> None:
    """Write, read back and delete a probe file; say which backend and where."""
    backend = storage()
    key, probe = new_key(), secrets.token_bytes(64)
    try:
        backend.save(key, probe)
        if backend.read(key) != probe:
            raise StorageError("the probe read back differs from what was written")
        backend.delete(key)
        try:
            backend.read(key)
        except StoredFileMissing:
            pass
        else:
            raise StorageError("the probe is still there after it was deleted")
    except (StorageError, StoredFileMissing, OSError) as error:
        raise click.ClickException(
            f"Storage check failed ({backend.describe()}): {error}"
        ) from None
    click.echo(f"Storage works: {backend.describe()} (wrote, read and deleted a probe).")
