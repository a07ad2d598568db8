"""Uploaded files: their type found from their content, their size bounded, their name cleaned.

The name a browser sends and the Content-Type it claims are never believed: the first bytes
say what a file is, and the library that reads that kind must then open it (a PNG through
Pillow, a PDF through pypdf, a DOCX or ODT through its zip's structure). `metadata` then strips
what could identify the contributor, and only the stripped bytes are stored.
"""

import unicodedata
import zipfile
from dataclasses import dataclass
from io import BytesIO

from forum.errors import DomainError
from forum.resources import metadata

# Zips are read whole into memory to be rewritten: bound what they may unpack to.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
DOWNLOAD_NAME_MAX_LENGTH = 120
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", "pdf", "PDF")
PNG = FileKind("image/png", "png", "PNG image")
JPEG = FileKind("image/jpeg", "jpg", "JPEG image")
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    "Word document",
)
ODT = FileKind("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text")
KINDS = {kind.content_type: kind for kind in (PDF, PNG, JPEG, DOCX, ODT)}

ACCEPTED = "PDF, Word (DOCX), OpenDocument text (ODT), PNG or JPEG"


class FileRefused(DomainError):
    """The upload is not a file the library takes; the message says why, the form keeps its text."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload as it will be stored: its metadata stripped, its type found, its name clean."""

    data: bytes
    kind: FileKind
    download_name: str


def describe_size(size: int) -> str:
    """A size as people read it: 820 KB, 3.4 MB."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def too_large(max_bytes: int) -> FileRefused:
    return FileRefused(
        f"That file is larger than {describe_size(max_bytes)}, the most this library takes. "
        "Nothing was saved; your other entries are kept below. Choose a smaller file, or "
        "share a link to it instead."
    )


def _zip_kind(data: bytes) -> FileKind:
    """DOCX or ODT, from the zip's structure; every entry bounded before anything unpacks."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_accepted() from None
    names = [entry.filename for entry in entries]
    if len(entries) > ZIP_MAX_ENTRIES or len(set(names)) != len(names):
        raise FileRefused("That document has too many parts to be a plain document.")
    if sum(entry.file_size for entry in entries) > ZIP_MAX_UNPACKED_BYTES:
        raise FileRefused(
            "That document unpacks to far more than its size: it is refused as a possible "
            "decompression bomb."
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise FileRefused("That document is encrypted: please upload it without a password.")
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if (
        names[:1] == ["mimetype"]
        and "content.xml" in names
        and archive.read("mimetype").strip() == ODT_MIMETYPE
    ):
        return ODT
    raise _not_accepted()


def _not_accepted() -> FileRefused:
    return FileRefused(
        f"That file is not one the library takes: upload a {ACCEPTED} file. The type is read "
        "from the file itself, not from its name."
    )


def detect(data: bytes) -> FileKind:
    """The file's kind from its first bytes (and a zip's structure), or FileRefused."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    raise _not_accepted()


def download_name(uploaded_name: str, kind: FileKind) -> str:
    """The name a download offers: no folders, no control characters, the real extension."""
    name = uploaded_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = " ".join(stem.split()).strip(". ")[:DOWNLOAD_NAME_MAX_LENGTH] or "resource"
    return f"{stem}.{kind.extension}"


STRIPPERS = {
    PDF: metadata.stripped_pdf,
    PNG: metadata.stripped_image,
    JPEG: metadata.stripped_image,
    DOCX: metadata.stripped_docx,
    ODT: metadata.stripped_odt,
}


def check_upload(uploaded_name: str, data: bytes, max_bytes: int) -> CheckedFile:
    """The upload, checked and stripped of identifying metadata, or FileRefused saying why."""
    if not data:
        raise FileRefused("That file is empty. Please choose the file again.")
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    kind = detect(data)
    try:
        stripped = STRIPPERS[kind](data, kind.content_type)
    except metadata.Unreadable as error:
        raise FileRefused(str(error)) from None
    return CheckedFile(stripped, kind, download_name(uploaded_name, kind))
