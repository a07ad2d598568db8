"""The demo's events: one open to all in a public space, one by approval for practitioners."""

from datetime import datetime, timedelta

from forum.events.services import add_event
from forum.models import Space, User
from forum.models.types import utcnow


def _evening(days_ahead: int) -> tuple[datetime, datetime]:
    """An evening some days ahead, 18:00 to 20:00 on the clocks of London."""
    day = (utcnow() + timedelta(days=days_ahead)).date()
    starts = datetime(day.year, day.month, day.day, 18, 0)
    return starts, starts + timedelta(hours=2)


def seed_events(users: dict[str, User], spaces: dict[str, Space]) -> None:
    """Add an upcoming open event in Community Voices and one by approval for officers."""
    starts, ends = _evening(10)
    add_event(
        users["demo_steward"],
        spaces["community-voices"],
        kind="named",
        title="Neighbourhood listening evening",
        description="Residents, officers and youth workers listen to each other. "
        "Tea and biscuits; **everyone welcome**.",
        starts_local=starts,
        ends_local=ends,
        time_zone="Europe/London",
        format="in_person",
        venue="Community hall, 1 Example Street (step-free entrance at the side)",
        meeting_url="",
        registration="open",
        capacity=40,
    )
    starts, ends = _evening(17)
    add_event(
        users["inspector_ines"],
        spaces["police-practitioners"],
        kind="named",
        title="Briefing: trust after stop and search",
        description="A closed briefing for verified officers, by approval.",
        starts_local=starts,
        ends_local=ends,
        time_zone="Europe/London",
        format="online",
        venue="",
        meeting_url="https://meet.example.org/officers-briefing",
        registration="approval",
        capacity=20,
    )
