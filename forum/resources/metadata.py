"""Stripping what could identify a contributor from a file, with the libraries that read it.

- Images are re-encoded by Pillow from their pixels, upright (EXIF orientation applied first),
  with no EXIF (GPS, camera, times), XMP, comments or text chunks: only the colour profile and
  a palette's transparency are kept.
- PDFs are rewritten page by page by pypdf, without the document information dictionary
  (Author, Creator, Producer, dates…), XMP metadata, pages' own metadata, or the authors of
  annotations; encrypted PDFs are refused.
- DOCX and ODT keep every part but their property parts, which are replaced by empty ones
  (no XML parser reads the contributor's XML): docProps/core.xml, app.xml and custom.xml and
  word/people.xml (authors, last modified by, company, template, editing time) and ODT's
  meta.xml (creator, initial creator, generator, dates). Each zip entry is written afresh, so
  its timestamps and extra fields (owner ids of the zip tool) are gone too.

What is not stripped is said in docs/security.md: the names on tracked changes and comments
inside a document's body, and whatever the visible content itself says.
"""

import warnings
import zipfile
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

# Pillow decodes an image whole: bound its pixels before it does (below Pillow's own bomb
# limit, so it never gets to warn). 40 megapixels is more than any phone camera gives.
IMAGE_MAX_PIXELS = 40_000_000
PDF_MAX_PAGES = 2000
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
KEPT_IMAGE_INFO = ("icc_profile", "transparency")

_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EMPTY_DOCX_PARTS = {
    "docProps/core.xml": _XML
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms='
    '"http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>',
    "docProps/app.xml": _XML
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    f'extended-properties" xmlns:vt="{_VT}"/>',
    "docProps/custom.xml": _XML
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    f'custom-properties" xmlns:vt="{_VT}"/>',
    "word/people.xml": _XML
    + '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"/>',
}
EMPTY_ODT_PARTS = {
    "meta.xml": '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'office:version="1.2"><office:meta/></office:document-meta>',
}


class Unreadable(ValueError):
    """The file claims a kind it cannot be read as, or is too big inside; the text says which."""


def _pixel_bomb() -> Unreadable:
    return Unreadable(
        "That image has more pixels than this library takes (40 megapixels): it is refused as "
        "a possible decompression bomb."
    )


def stripped_image(data: bytes, content_type: str) -> bytes:
    """The image re-encoded upright from its pixels, without EXIF, XMP or comments."""
    format_ = IMAGE_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=[format_]) as image:
                if image.width * image.height > IMAGE_MAX_PIXELS:
                    raise _pixel_bomb()
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _pixel_bomb() from None
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise Unreadable(f"That file could not be read as a {format_} image.") from error
    kept = {key: upright.info[key] for key in KEPT_IMAGE_INFO if key in upright.info}
    upright.info = dict(kept)  # Pillow writes some of info back (comments, XMP): none of it
    out = BytesIO()
    if format_ == "JPEG":
        upright.save(out, "JPEG", quality=90, **kept)
    else:
        upright.save(out, "PNG", **kept)
    return out.getvalue()


def _without_page_metadata(writer: PdfWriter) -> None:
    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo"):
            page.pop(key, None)
        for annotation in page.get("/Annots") or ():
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Widget":  # a form field's /T is its name
                for key in ("/T", "/Popup"):
                    annotation.pop(key, None)


def stripped_pdf(data: bytes, _content_type: str = "application/pdf") -> bytes:
    """The PDF's pages in a new file with no document information, XMP or annotation authors."""
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("That PDF is encrypted: please upload it without a password.")
        if len(reader.pages) > PDF_MAX_PAGES:
            raise Unreadable(f"That PDF has more than {PDF_MAX_PAGES} pages.")
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        _without_page_metadata(writer)
        writer.metadata = None  # no information dictionary at all, not even a Producer
        out = BytesIO()
        writer.write(out)
    except Unreadable:
        raise
    # A hostile PDF can break a parser in many ways; each means the same to the contributor.
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise Unreadable("That file could not be read as a PDF.") from error
    return out.getvalue()


def _rewritten_zip(data: bytes, empty_parts: dict[str, str]) -> bytes:
    """Every entry of the zip written afresh, in order, the named parts replaced by empty ones."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = (
                empty_parts[entry.filename].encode()
                if entry.filename in empty_parts
                else source.read(entry)
            )
            fresh = zipfile.ZipInfo(entry.filename, date_time=ZIP_EPOCH)
            # ODT's mimetype must stay first and uncompressed, so readers can sniff it.
            stored = entry.filename == "mimetype"
            fresh.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(fresh, content)
    return out.getvalue()


def _stripped_zip(data: bytes, empty_parts: dict[str, str]) -> bytes:
    try:
        return _rewritten_zip(data, empty_parts)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise Unreadable("That document could not be read: it may be damaged.") from error


def stripped_docx(data: bytes, _content_type: str = "") -> bytes:
    """The DOCX with its property parts (author, last modified by, company…) emptied."""
    return _stripped_zip(data, EMPTY_DOCX_PARTS)


def stripped_odt(data: bytes, _content_type: str = "") -> bytes:
    """The ODT with its meta.xml (creator, initial creator, dates…) emptied."""
    return _stripped_zip(data, EMPTY_ODT_PARTS)
