"""Chronolocation: time zones, sun position and shadows, candidate times per item, timelines.

The GUI and the CLI use the names below (loaded on first use, like :mod:`verify_bench.geo`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .candidates import Contradiction, ItemTimes, TimeCandidate, best_time, item_times
    from .claims import TIME_METHODS, TimeClaim, claim_time, find_time_claim, time_claims, withdraw_time
    from .sun import ShadowBand, SunPosition, elevation_for_ratio, shadow_band, subsolar_point, sun_position
    from .timelines import (
        IncidentSpan, TimelineData, TimelineEntry, TimelineRow, TimeOfDay, time_of_day, timeline, timeline_data,
    )
    from .zones import TimeInputError, ZonedTime, parse_time, zone_at

_HOMES = {
    **{n: "candidates" for n in ("Contradiction", "ItemTimes", "TimeCandidate", "best_time", "item_times")},
    **{n: "claims" for n in ("TIME_METHODS", "TimeClaim", "claim_time", "find_time_claim", "time_claims",
                             "withdraw_time")},
    **{n: "sun" for n in ("ShadowBand", "SunPosition", "elevation_for_ratio", "shadow_band", "subsolar_point",
                          "sun_position")},
    **{n: "timelines" for n in ("IncidentSpan", "TimelineData", "TimelineEntry", "TimelineRow", "TimeOfDay",
                                "time_of_day", "timeline", "timeline_data")},
    **{n: "zones" for n in ("TimeInputError", "ZonedTime", "parse_time", "zone_at")},
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{home}", __name__), name)
