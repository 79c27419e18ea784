"""Time zones: the IANA zone at a place (``tzfpy``, offline) and reading times with or without an offset.

A time without an offset is a wall-clock reading; it names an instant only once a zone is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tzfpy

from ..geo.errors import GeoError


class TimeInputError(GeoError, ValueError):
    """A typed time is not understood; the message says what is wrong."""


def zone_at(lat: float, lon: float) -> str | None:
    """The IANA time zone in force at a place (``Etc/GMT±N`` at sea), or ``None`` if none is known."""
    name = tzfpy.get_tz(lon, lat)
    return name or None


@dataclass(frozen=True)
class ZonedTime:
    """An instant, as written at the place (``local``, with offset) and in UTC (``utc``, with ``Z``)."""

    local: str
    utc: str
    zone: str | None  # the IANA zone that gave the offset, None if the text stated it


def parse_time(text: str, *, zone: str | None = None) -> ZonedTime:
    """Read an ISO 8601 time. With no offset in ``text``, ``zone`` (IANA name) says where the clock was.

    Raises :class:`TimeInputError` for text that is not a time, or a wall-clock time with no zone.
    """
    s = text.strip().replace(" ", "T", 1) if "T" not in text else text.strip()
    try:
        dt = datetime.fromisoformat(s.replace("z", "Z"))
    except ValueError:
        raise TimeInputError(
            f"'{text.strip()}' is not a time: write ISO 8601, e.g. 2024-05-06T14:30, 2024-05-06T14:30+03:00"
            " or 2024-05-06T11:30Z") from None
    if dt.tzinfo is not None:
        return ZonedTime(dt.isoformat(), to_utc_text(dt), None)
    if zone is None:
        raise TimeInputError(
            f"'{text.strip()}' has no time zone: add an offset (+03:00) or Z, or give the place so its zone is used")
    return ZonedTime(localize(dt, zone).isoformat(), to_utc_text(localize(dt, zone)), zone)


def localize(wall_clock: datetime, zone: str) -> datetime:
    """A naive wall-clock time as an aware time in ``zone`` (the earlier reading when clocks go back)."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeInputError(f"unknown time zone '{zone}'") from exc
    return wall_clock.replace(tzinfo=tz)


def to_utc_text(dt: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``."""
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def parse_instant(text: str) -> datetime | None:
    """An aware datetime from ISO text with an offset or ``Z``; ``None`` for wall-clock or unreadable text."""
    try:
        dt = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None
    return dt if dt.tzinfo is not None else None


def offset_text(offset: timedelta | None) -> str | None:
    """``+HH:MM`` for an offset."""
    if offset is None:
        return None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
