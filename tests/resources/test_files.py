"""Uploads: the type read from the content, identifying metadata stripped, bombs refused."""

import zipfile
from io import BytesIO

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from forum.models import Resource, Thread
from forum.resources.files import PDF, download_name
from tests.resources import samples
from tests.resources.conftest import form_fields, with_file
from tests.support.pages import form_errors, text


@pytest.fixture
def contributor(staffed, sign_in):
    crew = staffed("public", slug="research-hub")
    return crew, sign_in(crew.member)


def add(client, data, **kwargs):
    return client.submit("/s/research-hub/library/new", data, **kwargs)


def _only_resource():
    from forum.extensions import db

    return db.session.scalar(select(Resource))


def download(client, resource):
    response = client.get(f"/s/research-hub/library/{resource.public_id}/download")
    assert response.status_code == 200
    return response


def test_a_script_named_report_pdf_is_refused_and_the_form_keeps_its_text(contributor):
    _, client = contributor
    hostile = b"<html><script>fetch('/settings')</script></html>"
    response = add(client, with_file(hostile, "report.pdf", summary="Keep these words."))
    assert response.status_code == 400
    page = text(response)
    assert "not one the library takes" in form_errors(page)
    assert "Keep these words." in page
    assert 'value="Northside Research Unit"' in page
    assert _only_resource() is None
    from forum.extensions import db

    assert db.session.scalar(select(Thread)) is None  # no thread was started either


def test_a_png_named_report_pdf_is_stored_and_offered_as_a_png(contributor):
    _, client = contributor
    assert add(client, with_file(samples.png(), "report.pdf")).status_code == 302
    resource = _only_resource()
    assert resource.file_type == "image/png"
    assert resource.file_name == "report.png"
    response = download(client, resource)
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=report.png"
    assert Image.open(BytesIO(response.data)).format == "PNG"


def test_a_jpeg_comes_out_upright_without_its_gps_artist_or_comment(contributor):
    _, client = contributor
    original = Image.open(BytesIO(samples.jpeg_with_gps()))
    assert original.getexif().get_ifd(samples.GPS_IFD)  # the sample does carry a location
    assert add(client, with_file(samples.jpeg_with_gps(), "holiday.jpeg")).status_code == 302
    data = download(client, _only_resource()).data
    image = Image.open(BytesIO(data))
    exif = image.getexif()
    assert not exif.get_ifd(samples.GPS_IFD)
    assert not dict(exif)
    assert "comment" not in image.info and "exif" not in image.info
    assert samples.AUTHOR.encode() not in data and b"shot by Jane" not in data
    assert image.size == (20, 40)  # the EXIF orientation was applied before it went


def test_a_pdf_loses_its_author_and_creator(contributor):
    _, client = contributor
    assert add(client, with_file(samples.pdf())).status_code == 302
    data = download(client, _only_resource()).data
    reader = PdfReader(BytesIO(data))
    assert reader.metadata is None or not (
        reader.metadata.get("/Author") or reader.metadata.get("/Creator")
    )
    assert reader.xmp_metadata is None
    assert samples.AUTHOR.encode() not in data and b"Secret Org" not in data
    assert len(reader.pages) == 1


@pytest.mark.parametrize(
    ("build", "name", "content_type", "parts"),
    [
        (samples.docx, "notes.docx", "wordprocessingml", ("docProps/core.xml", "docProps/app.xml")),
        (samples.odt, "notes.odt", "opendocument.text", ("meta.xml",)),
    ],
)
def test_office_documents_lose_their_author_fields(contributor, build, name, content_type, parts):
    _, client = contributor
    assert add(client, with_file(build(), name)).status_code == 302
    response = download(client, _only_resource())
    assert content_type in response.headers["Content-Type"]
    archive = zipfile.ZipFile(BytesIO(response.data))
    for part in parts:
        content = archive.read(part).decode()
        assert samples.AUTHOR not in content and "Secret Org" not in content
    assert samples.AUTHOR.encode() not in response.data
    assert archive.read(archive.namelist()[0]) in (
        b"application/vnd.oasis.opendocument.text",  # ODT's mimetype stays first
        b"<Types/>",
    )


@pytest.mark.parametrize(
    ("bomb", "name", "says"),
    [
        (samples.zip_bomb, "big.docx", "decompression bomb"),
        (samples.pixel_bomb, "big.png", "decompression bomb"),
    ],
)
def test_a_decompression_bomb_is_refused(contributor, bomb, name, says):
    _, client = contributor
    response = add(client, with_file(bomb(), name))
    assert response.status_code == 400
    assert says in form_errors(text(response))
    assert _only_resource() is None


def test_an_encrypted_pdf_is_refused(contributor):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    out = BytesIO()
    writer.write(out)
    _, client = contributor
    response = add(client, with_file(out.getvalue()))
    assert "encrypted" in form_errors(text(response))


def test_a_file_just_over_the_limit_gets_a_form_error_keeping_the_text(contributor, app):
    _, client = contributor
    app.config["RESOURCE_MAX_BYTES"] = 50_000
    too_big = samples.pdf() + b"%" + b"x" * 60_000
    response = add(client, with_file(too_big, summary="Words I typed with care."))
    assert response.status_code == 400
    page = text(response)
    assert "larger than 50 KB" in form_errors(page)
    assert "Words I typed with care." in page
    assert 'value="CC BY 4.0"' in page and 'value="2027-06-30"' in page
    assert _only_resource() is None


def test_a_request_far_over_the_limit_is_cut_off(contributor, app):
    _, client = contributor
    app.config["RESOURCE_MAX_BYTES"] = 50_000
    # Sent as raw bytes: the size alone decides, before the form is read at all.
    response = client.post(
        "/s/research-hub/library/new",
        data=b"x" * 2_000_000,
        content_type="multipart/form-data; boundary=edge",
    )
    assert response.status_code == 413
    assert _only_resource() is None


def test_the_download_name_keeps_no_folder_of_the_contributors_machine(contributor):
    _, client = contributor
    add(client, with_file(samples.pdf(), "/home/jane.doe/Desktop/Report final.PDF"))
    assert _only_resource().file_name == "Report final.pdf"


@pytest.mark.parametrize(
    ("uploaded", "offered"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("evil\r\nSet-Cookie: x=1.pdf", "evilSet-Cookie: x=1.pdf"),
        ("...", "resource.pdf"),
        ("report.exe", "report.pdf"),
        ("noextension", "noextension.pdf"),
    ],
)
def test_download_names_are_cleaned(uploaded, offered):
    assert download_name(uploaded, PDF) == offered


def test_link_resources_take_http_and_https_only(contributor):
    _, client = contributor
    for hostile in ("javascript:alert(1)", "data:text/html,hi", "https://user:pw@example.org/"):
        response = add(client, form_fields(kind="link", link_url=hostile))
        assert response.status_code == 400, hostile
        assert "web address" in form_errors(text(response))
    response = add(client, form_fields(kind="link", link_url=""))
    assert "needs its link" in form_errors(text(response))
    assert (
        add(client, form_fields(kind="link", link_url="https://example.org/toolkit")).status_code
        == 302
    )
    assert _only_resource().link_url == "https://example.org/toolkit"
