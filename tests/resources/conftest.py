"""Fixtures of the library's tests: resources added through the service, or the form."""

from io import BytesIO

import pytest

from forum.extensions import db
from forum.models import Resource
from forum.resources import services
from tests.leaks.conftest import lift_posting_limits
from tests.resources import samples


def add_resource(
    user,
    space,
    *,
    title="Safeguarding report 2026",
    file=None,
    name="report.pdf",
    link="",
    kind="report",
    identity="pseudonym",
    summary="What we found.",
    **details,
):
    """Add a resource through the service (a PDF unless told otherwise), committed."""
    upload = None
    if not link:
        upload = services.Upload(name, samples.pdf() if file is None else file)
    resource = services.add_resource(
        user,
        space,
        services.Details(kind=kind, link_url=link, **details),
        upload,
        title=title,
        summary=summary,
        identity=identity,
    )
    db.session.commit()
    return resource


def form_fields(**overrides) -> dict:
    """What a person types on the add form, for client.submit()."""
    return {
        "kind": "report",
        "title": "Safeguarding report 2026",
        "summary": "What we found, and what we ask of you.",
        "organisation": "Northside Research Unit",
        "licence": "CC BY 4.0",
        "version": "1.2",
        "review_on": "2027-06-30",
        "link_url": "",
        "identity": "pseudonym",
        **overrides,
    }


def with_file(data: bytes, name: str = "report.pdf", **overrides) -> dict:
    return form_fields(file=(BytesIO(data), name), **overrides)


def reload(resource: Resource) -> Resource:
    db.session.expire_all()
    return db.session.get(Resource, resource.id)


@pytest.fixture(autouse=True)
def _free_posting(app):
    """Tests here add many resources; the posting limits have tests of their own."""
    lift_posting_limits(app)
