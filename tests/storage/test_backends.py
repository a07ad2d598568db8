"""Both backends keep the storage interface: round trip, overwrite, missing keys, refused keys."""

import os
import subprocess
import sys
import textwrap
import threading
import urllib.error
import urllib.request

import pytest

from forum.storage import LocalStorage, StorageError, StoredFileMissing, new_key, s3_storage
from tests.storage.conftest import s3_settings, stored_names

# Not one of new_key()'s shape: each would name another file, or another folder's, if let in.
HOSTILE_KEYS = [
    "../x",
    "../" + "a" * 32,
    "a" * 16 + "/" + "b" * 15,
    "/etc/passwd",
    "/" + "a" * 31,
    "a" * 31 + "\x00",
    "a" * 32 + "\n",
    "A" * 32,  # upper case: two keys would name one file on a case-blind disk
    "a" * 33,
    "",
    ".." + "a" * 30,
]


@pytest.mark.parametrize("data", [b"%PDF-1.7 report", bytes(range(256)) * 64, b""])
def test_a_file_reads_back_byte_for_byte(backend, data):
    key = new_key()
    backend.save(key, data)
    assert backend.read(key) == data


def test_saving_under_a_key_again_replaces_the_file(backend):
    key = new_key()
    backend.save(key, b"first version")
    backend.save(key, b"second")
    assert backend.read(key) == b"second"


def test_each_key_names_its_own_file(backend):
    first, second = new_key(), new_key()
    assert first != second
    backend.save(first, b"one")
    backend.save(second, b"two")
    assert (backend.read(first), backend.read(second)) == (b"one", b"two")


def test_reading_a_key_never_saved_raises_stored_file_missing(backend):
    with pytest.raises(StoredFileMissing):
        backend.read(new_key())


def test_a_deleted_file_is_gone(backend):
    key = new_key()
    backend.save(key, b"withdrawn report")
    backend.delete(key)
    with pytest.raises(StoredFileMissing):
        backend.read(key)
    assert stored_names(backend) == []


def test_deleting_a_missing_key_is_quiet(backend):
    backend.delete(new_key())
    key = new_key()
    backend.save(key, b"x")
    backend.delete(key)
    backend.delete(key)


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_a_key_new_key_could_not_have_made_is_refused_before_any_file_is_touched(
    backend, key, tmp_path
):
    backend.save(new_key(), b"a resource")
    before = stored_names(backend)
    for use in (lambda: backend.save(key, b"planted"), lambda: backend.read(key)):
        with pytest.raises(ValueError, match="not a storage key"):
            use()
    with pytest.raises(ValueError, match="not a storage key"):
        backend.delete(key)
    assert stored_names(backend) == before
    # Nothing was planted beside the uploads folder either (the local backend's tmp_path).
    assert sorted(path.name for path in tmp_path.iterdir()) in ([], ["uploads"])


def test_a_key_that_is_not_text_is_refused(backend):
    with pytest.raises(ValueError, match="not a storage key"):
        backend.read(b"a" * 32)


def test_a_reader_never_sees_half_a_file_while_it_is_replaced(backend):
    key = new_key()
    old, new = b"o" * 2_000_000, b"n" * 2_000_000
    backend.save(key, old)
    writing = threading.Event()

    def overwrite():
        try:
            for round_ in range(5):
                backend.save(key, new if round_ % 2 == 0 else old)
        finally:
            writing.set()

    writer = threading.Thread(target=overwrite)
    writer.start()
    try:
        while not writing.is_set():
            data = backend.read(key)
            assert data in (old, new), f"read {len(data)} bytes of a mix"
    finally:
        writer.join()
    assert backend.read(key) == new
    assert stored_names(backend) in ([key], [f"uploads/{key}"])  # no partial left behind


# The local disk


def test_local_files_are_the_servers_alone_whatever_the_umask(local_backend):
    previous = os.umask(0)
    try:
        key = new_key()
        local_backend.save(key, b"guidance")
    finally:
        os.umask(previous)
    assert local_backend.root.stat().st_mode & 0o777 == 0o700
    assert (local_backend.root / key).stat().st_mode & 0o777 == 0o600


def test_an_uploads_folder_made_open_by_hand_is_closed_on_the_next_save(local_backend):
    local_backend.root.mkdir(mode=0o755)
    local_backend.root.chmod(0o755)
    local_backend.save(new_key(), b"toolkit")
    assert local_backend.root.stat().st_mode & 0o777 == 0o700


# Run in a process of its own: a file size limit there makes the write fail halfway through.
_FAILING_WRITE = textwrap.dedent(
    """
    import resource, signal, sys
    from forum.storage import LocalStorage
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
    try:
        LocalStorage(sys.argv[1]).save(sys.argv[2], b"n" * 1_000_000)
    except OSError as error:
        print("refused:", error)
    else:
        print("written")
    """
)


def test_a_write_that_fails_halfway_keeps_the_old_file_and_leaves_no_partial(local_backend):
    key = new_key()
    local_backend.save(key, b"the reviewed version")
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", _FAILING_WRITE, str(local_backend.root), key],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("refused: "), result.stdout + result.stderr
    assert local_backend.read(key) == b"the reviewed version"
    assert stored_names(local_backend) == [key]


def test_a_key_cannot_climb_out_of_the_uploads_folder(tmp_path):
    outside = tmp_path / ("a" * 32)
    outside.write_bytes(b"the server's own file")
    backend = LocalStorage(tmp_path / "uploads")
    with pytest.raises(ValueError):
        backend.read("../" + "a" * 32)
    with pytest.raises(ValueError):
        backend.delete("../" + "a" * 32)
    assert outside.read_bytes() == b"the server's own file"


# The S3 bucket


def test_s3_objects_are_named_by_their_key_under_the_prefix_and_are_private(
    s3_backend, s3_endpoint, s3_bucket
):
    key = new_key()
    s3_backend.save(key, b"a report on trust")
    assert stored_names(s3_backend) == [f"uploads/{key}"]
    grants = s3_backend.client.get_object_acl(Bucket=s3_bucket, Key=f"uploads/{key}")["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]
    # Someone who guessed the key still cannot fetch the object without the app's credentials.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{s3_bucket}/uploads/{key}", timeout=10)  # noqa: S310
    assert refused.value.code == 403
    refused.value.close()


@pytest.mark.parametrize(
    ("prefix", "stored_as"), [("", "{key}"), ("/hub/files/", "hub/files/{key}")]
)
def test_s3_prefix_is_one_folder_like_part_of_the_name(s3_endpoint, s3_bucket, prefix, stored_as):
    backend = s3_storage(s3_settings(s3_endpoint, s3_bucket, prefix=prefix))
    key = new_key()
    backend.save(key, b"x")
    assert stored_names(backend) == [stored_as.format(key=key)]
    assert backend.read(key) == b"x"


def test_s3_bucket_that_does_not_exist_is_an_error_not_a_missing_file(s3_endpoint):
    backend = s3_storage(s3_settings(s3_endpoint, "no-such-bucket-here"))
    with pytest.raises(StorageError, match="no-such-bucket-here.*NoSuchBucket"):
        backend.read(new_key())
    with pytest.raises(StorageError, match="NoSuchBucket"):
        backend.save(new_key(), b"x")


def test_s3_server_that_does_not_answer_is_a_storage_error():
    backend = s3_storage(s3_settings("http://127.0.0.1:9", "uploads-bucket"))
    with pytest.raises(StorageError, match="127.0.0.1:9"):
        backend.read(new_key())
