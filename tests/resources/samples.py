"""Sample files for the library's tests, built with the libraries that read them."""

import zipfile
from io import BytesIO

from PIL import Image
from pypdf import PdfWriter

AUTHOR = "Jane Contributor-Doe"
GPS_IFD = 0x8825


def pdf(author: str = AUTHOR) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Creator": "Secret Org Word 2016"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def png(size=(30, 20)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, "teal").save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the stored picture must come out upright
    exif[0x013B] = AUTHOR  # Artist
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 40.0)}
    out = BytesIO()
    Image.new("RGB", (40, 20), "orange").save(out, "JPEG", exif=exif, comment=b"shot by Jane")
    return out.getvalue()


def docx() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Body text</w:document>")
        archive.writestr(
            "docProps/core.xml",
            f"<cp:coreProperties><dc:creator>{AUTHOR}</dc:creator>"
            f"<cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy></cp:coreProperties>",
        )
        archive.writestr(
            "docProps/app.xml", "<Properties><Company>Secret Org</Company></Properties>"
        )
    return out.getvalue()


def odt() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content>Body</office:document-content>")
        archive.writestr(
            "meta.xml",
            f"<office:document-meta><office:meta><meta:initial-creator>{AUTHOR}"
            f"</meta:initial-creator><dc:creator>{AUTHOR}</dc:creator></office:meta>"
            "</office:document-meta>",
        )
    return out.getvalue()


def zip_bomb() -> bytes:
    """A DOCX-shaped zip whose one part unpacks to far more than the library allows."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (120 * 1024 * 1024))
    return out.getvalue()


def pixel_bomb() -> bytes:
    """A PNG of a few KB that claims 10,000 × 10,000 pixels."""
    out = BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    return out.getvalue()
