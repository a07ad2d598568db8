"""Choosing a backend: bad settings stop the app at start; `storage check` tries the setting."""

import pytest

from forum import create_app
from forum.storage import LocalStorage, S3Storage
from tests.conftest import settings_for_tests
from tests.storage.conftest import s3_settings, stored_names


def make_app(database_uri, **settings):
    return create_app({**settings_for_tests(database_uri), **settings})


def check(app):
    return app.test_cli_runner().invoke(args=["storage", "check"])


def test_an_unknown_backend_stops_the_app_at_start(database_uri):
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND must be local or s3, not 'ftp'"):
        make_app(database_uri, STORAGE_BACKEND="ftp")


@pytest.mark.parametrize("bucket", ["", "   "])
def test_the_s3_backend_without_a_bucket_stops_the_app_at_start(database_uri, bucket):
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND=s3 needs S3_BUCKET"):
        make_app(database_uri, **s3_settings("http://127.0.0.1:9", bucket))


def test_the_s3_backend_is_set_from_the_environment(database_uri, monkeypatch):
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("S3_BUCKET", "hub-files")
    monkeypatch.setenv("S3_PREFIX", "forum/uploads")
    app = create_app(settings_for_tests(database_uri))
    backend = app.extensions["storage"]
    assert isinstance(backend, S3Storage)
    assert (backend.bucket, backend.prefix) == ("hub-files", "forum/uploads/")
    assert backend.client.meta.endpoint_url == "http://127.0.0.1:9000"


def test_the_default_backend_is_the_local_folder(database_uri, tmp_path):
    app = make_app(database_uri, STORAGE_PATH=str(tmp_path / "files"))
    assert isinstance(app.extensions["storage"], LocalStorage)


def _local_check(request, tmp_path):
    folder = tmp_path / "files"
    return {"STORAGE_PATH": str(folder)}, f"local: the folder {folder}"


def _s3_check(request, tmp_path):
    endpoint, bucket = (request.getfixturevalue(name) for name in ("s3_endpoint", "s3_bucket"))
    where = f"s3: the bucket '{bucket}' at {endpoint}, keys under 'uploads/'"
    return s3_settings(endpoint, bucket), where


@pytest.mark.parametrize("setting", [_local_check, _s3_check], ids=["local", "s3"])
def test_storage_check_says_which_backend_and_where_and_leaves_nothing(
    database_uri, request, tmp_path, setting
):
    settings, where = setting(request, tmp_path)
    app = make_app(database_uri, **settings)
    result = check(app)
    assert result.exit_code == 0, result.output
    assert result.output == f"Storage works: {where} (wrote, read and deleted a probe).\n"
    assert stored_names(app.extensions["storage"]) == []


def test_storage_check_fails_clearly_on_a_bucket_that_does_not_exist(database_uri, s3_endpoint):
    app = make_app(database_uri, **s3_settings(s3_endpoint, "no-such-bucket-here"))
    result = check(app)
    assert result.exit_code == 1
    assert "Storage check failed (s3: the bucket 'no-such-bucket-here'" in result.output
    assert "NoSuchBucket" in result.output
    assert "Traceback" not in result.output


def test_storage_check_fails_clearly_on_a_server_that_does_not_answer(database_uri):
    app = make_app(database_uri, **s3_settings("http://127.0.0.1:9", "hub-files"))
    result = check(app)
    assert result.exit_code == 1
    assert "Storage check failed (s3: the bucket 'hub-files' at http://127.0.0.1:9" in result.output


def test_storage_check_fails_clearly_on_a_folder_it_cannot_make(database_uri, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(database_uri, STORAGE_PATH=str(blocker / "uploads"))
    result = check(app)
    assert result.exit_code == 1
    assert f"Storage check failed (local: the folder {blocker / 'uploads'})" in result.output
    assert "Not a directory" in result.output
