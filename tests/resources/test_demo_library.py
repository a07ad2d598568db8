"""seed-demo fills the library: a PDF and a PNG in the community space, a link for the police."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import Resource, Space


def test_seed_demo_adds_a_pdf_a_png_and_a_link(app, tmp_path, client):
    app.instance_path = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    rows = db.session.execute(select(Space.slug, Resource).join(Space)).all()
    kinds = {(slug, resource.file_type or resource.kind) for slug, resource in rows}
    assert kinds == {
        ("community-voices", "application/pdf"),
        ("community-voices", "image/png"),
        ("police-practitioners", "link"),
    }
    page = client.get("/s/community-voices/library").get_data(as_text=True)
    assert "Community safety and trust: a report" in page and "Who to call" in page
    pdf = next(r for _, r in rows if r.file_type == "application/pdf")
    download = client.get(f"/s/community-voices/library/{pdf.public_id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
