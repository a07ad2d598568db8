"""Time zones: the IANA zones people choose from, wall-clock times made exact, times shown in one.

Events are stored in UTC with the zone their organiser chose; pages show them in the viewer's
zone (their account setting), else in the event's own, always naming the zone.
"""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from forum.errors import DomainError

UTC_NAME = "UTC"
# Zones kept for old software only ("US/Eastern", "Etc/GMT+5", "EST5EDT"): people pick a city.
_LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "posix/", "right/")


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone to choose from, UTC first and then by name: Area/City ones only."""
    names = sorted(
        name
        for name in available_timezones()
        if "/" in name and not name.startswith(_LEGACY_PREFIXES)
    )
    return (UTC_NAME, *names)


@cache
def _known() -> frozenset[str]:
    return frozenset(zone_names())


def is_zone(name: str | None) -> bool:
    return name in _known()


def exact_moment(local: datetime, zone_name: str) -> datetime:
    """The UTC moment a wall-clock time names in the zone. A time a change of clocks skips, or
    one it makes happen twice, is refused with words saying which."""
    zone = ZoneInfo(zone_name)
    earlier = local.replace(tzinfo=zone, fold=0)
    later = local.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        wall = f"{local:%d %B %Y, %H:%M}"
        back = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if back != local:
            raise DomainError(
                f"{wall} does not exist in {zone_name}: the clocks skip it that night. "
                "Please choose a time outside the change."
            )
        raise DomainError(
            f"{wall} happens twice in {zone_name}: the clocks go back that night. "
            "Please choose a time outside the change."
        )
    return earlier.astimezone(UTC)


def in_zone(moment: datetime, zone_name: str | None) -> datetime:
    """The moment on the clocks of the zone (UTC for a zone this machine does not know)."""
    return moment.astimezone(ZoneInfo(zone_name if is_zone(zone_name) else UTC_NAME))


def wall_clock(moment: datetime, zone_name: str | None) -> str:
    """The moment in words to the minute, naming the zone: "03 Mar 2031, 18:30 (Europe/Paris)"."""
    shown = in_zone(moment, zone_name)
    return f"{shown:%d %b %Y, %H:%M} ({shown.tzinfo.key})"
