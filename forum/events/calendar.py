"""iCalendar files of events (RFC 5545, through the icalendar library): one event, or a feed.

Each event keeps one UID for ever, so calendars update it in place; its times carry their zone
(TZID, with a VTIMEZONE). The place (LOCATION, and the meeting link as URL) goes only to viewers
the policy tells it; a cancelled event says STATUS:CANCELLED, so calendars drop it.
"""

from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from forum import policy, zones
from forum.links import absolute_url
from forum.models import Event, EventFormat, EventStatus, User
from forum.policy import Action

PRODUCT = "-//Safe Spaces//Events//EN"


def _uid(event: Event) -> str:
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    return f"event-{event.public_id}@{host}"


def _component(viewer: User, event: Event, slug: str) -> CalendarEvent:
    page = absolute_url("events.event", slug=slug, public_id=event.public_id)
    component = CalendarEvent()
    component.add("uid", _uid(event))
    component.add("dtstamp", event.updated_at or event.created_at)
    component.add("summary", event.title)
    component.add("dtstart", zones.in_zone(event.starts_at, event.time_zone))
    component.add("dtend", zones.in_zone(event.ends_at, event.time_zone))
    description = event.description_source
    component.add("description", f"{description}\n\n{page}" if description else page)
    cancelled = event.status == EventStatus.CANCELLED
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if policy.can(viewer, Action.SEE_VENUE, event):
        if event.format == EventFormat.ONLINE and event.meeting_url:
            component.add("location", event.meeting_url)
            component.add("url", event.meeting_url)
        elif event.venue:
            component.add("location", event.venue)
    return component


def calendar_of(viewer: User, events: list[Event], slug: str, name: str) -> bytes:
    """The events as one iCalendar file, as this viewer may know them."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_component(viewer, event, slug))
    calendar.add_missing_timezones()
    return calendar.to_ical()
