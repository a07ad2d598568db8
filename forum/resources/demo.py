"""Demo resources for `make run`: a small PDF, a PNG and a link, in fitting demo spaces."""

from io import BytesIO

from PIL import Image, ImageDraw
from pypdf import PdfWriter

from forum.models import Space, User
from forum.resources.services import Details, Upload, add_resource


def _demo_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)  # A4: a stand-in for a real report's pages
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _demo_png() -> bytes:
    image = Image.new("RGB", (480, 270), "#edf4f0")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 250), outline="#2f5d50", width=6)
    draw.text((40, 120), "Who to call: a one-page guide", fill="#1d2320")
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed(_admin: User, users: dict[str, User], spaces: dict[str, Space]) -> None:
    """Add the demo library through the real service (rate limits are off while demo data is
    made)."""
    community = spaces["community-voices"]
    add_resource(
        users["researcher_rae"],
        community,
        Details(
            kind="report",
            organisation="University research unit",
            licence="CC BY 4.0",
            version="1.0",
        ),
        Upload("community-safety-report.pdf", _demo_pdf()),
        title="Community safety and trust: a report",
        summary="What residents told us about feeling safe, and what they asked of the police.",
        identity="named",
    )
    add_resource(
        users["youthworker_yan"],
        community,
        Details(kind="guidance", licence="CC BY-SA 4.0"),
        Upload("who-to-call.png", _demo_png()),
        title="Who to call: a one-page guide",
        summary="A printable guide for young people: helplines and what each one does.",
        identity="named",
    )
    add_resource(
        users["inspector_ines"],
        spaces["police-practitioners"],
        Details(kind="link", link_url="https://www.college.police.uk/guidance"),
        None,
        title="Authorised professional practice",
        summary="National guidance for officers, kept by the College of Policing.",
        identity="named",
    )
