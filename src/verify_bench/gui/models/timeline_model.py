"""What the timeline shows (:func:`chrono.timeline_data`, read off the GUI thread), and the time-axis arithmetic.

:class:`TimeScale` maps instants to pixels and back and picks round tick steps; it is plain arithmetic,
tested without a screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, Signal

from ... import chrono, geo
from ...case import Case
from ...errors import VerifyBenchError
from ..session import CaseSession

#: Tick steps in seconds, with the strftime of their labels; the first whose spacing is wide enough wins.
STEPS: tuple[tuple[float, str], ...] = (
    (1, "%H:%M:%S"), (5, "%H:%M:%S"), (15, "%H:%M:%S"), (60, "%H:%M"), (300, "%H:%M"), (900, "%H:%M"),
    (3600, "%H:%M"), (3 * 3600, "%H:%M"), (6 * 3600, "%d %b %H:%M"), (86400, "%d %b"), (7 * 86400, "%d %b"),
    (30 * 86400, "%b %Y"), (91 * 86400, "%b %Y"), (365.25 * 86400, "%Y"), (5 * 365.25 * 86400, "%Y"),
    (10 * 365.25 * 86400, "%Y"),
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_SECONDS_PER_PX = 0.01
MAX_SECONDS_PER_PX = 365.25 * 86400 / 4     # a century in ~400 px


@dataclass
class TimeScale:
    """``start`` at pixel 0, ``seconds_per_px`` to the right (UTC)."""

    start: datetime
    seconds_per_px: float

    def x(self, when: datetime) -> float:
        return (when - self.start).total_seconds() / self.seconds_per_px

    def time(self, x: float) -> datetime:
        return self.start + timedelta(seconds=x * self.seconds_per_px)

    def fit(self, first: datetime, last: datetime, width: float, margin: float = 0.06) -> None:
        """Show ``first``…``last`` across ``width`` pixels with a margin each side (an instant: one hour)."""
        span = max((last - first).total_seconds(), 3600.0)
        self.seconds_per_px = _clamp(span * (1 + 2 * margin) / max(width, 1.0))
        middle = first + (last - first) / 2
        self.start = middle - timedelta(seconds=self.seconds_per_px * width / 2)

    def zoom(self, factor: float, about_x: float) -> None:
        """Zoom in (factor > 1) or out keeping the instant at ``about_x`` under it."""
        anchor = self.time(about_x)
        self.seconds_per_px = _clamp(self.seconds_per_px / factor)
        self.start = anchor - timedelta(seconds=about_x * self.seconds_per_px)

    def pan(self, dx: float) -> None:
        """Move the view ``dx`` pixels to the right (content moves left)."""
        self.start += timedelta(seconds=dx * self.seconds_per_px)

    def ticks(self, width: float, min_spacing_px: float = 90.0) -> tuple[list[datetime], str]:
        """Round instants to label across ``width`` pixels, and the strftime format of their labels."""
        step, fmt = next(((s, f) for s, f in STEPS if s / self.seconds_per_px >= min_spacing_px), STEPS[-1])
        first = (self.start - EPOCH).total_seconds()
        found = []
        if step >= 30 * 86400:  # months and years: calendar boundaries, not multiples of seconds
            months = max(1, round(step / (30.44 * 86400)))
            day = self.start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            while self.x(day) <= width:
                if (day.year * 12 + day.month - 1) % months == 0 and self.x(day) >= 0:
                    found.append(day)
                day = (day + timedelta(days=32)).replace(day=1)
            return found, fmt
        t = math.ceil(first / step) * step
        while (t - first) / self.seconds_per_px <= width:
            found.append(EPOCH + timedelta(seconds=t))
            t += step
        return found, fmt


def _clamp(seconds_per_px: float) -> float:
    return max(MIN_SECONDS_PER_PX, min(MAX_SECONDS_PER_PX, seconds_per_px))


class TimelineModel(QObject):
    """The timeline's data, re-read (on the writer thread, which owns a connection) after every change."""

    changed = Signal()

    def __init__(self, session: CaseSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.incident_ref: str | None = None
        self.data = chrono.TimelineData([], [], None, None)
        self.incidents: list[tuple[str, str]] = []     # (incident id, title) for the filter
        self.loaded = False
        self.active = False   # nothing is read while the timeline is hidden
        self._stale = True
        session.changed.connect(self.reload)

    def set_active(self, active: bool) -> None:
        """The timeline was shown (read what changed meanwhile) or hidden."""
        self.active = active
        if active and self._stale:
            self.reload()

    def set_incident(self, incident_ref: str | None) -> None:
        self.incident_ref = incident_ref
        self.reload()

    def reload(self) -> None:
        if not self.active:
            self._stale = True
            return
        self._stale = False
        incident = self.incident_ref

        def read(case: Case) -> tuple[chrono.TimelineData, list[tuple[str, str]]]:
            titles = [(i.incident_id, i.title) for i in geo.list_incidents(case)]
            try:
                return chrono.timeline_data(case, incident_ref=incident), titles
            except VerifyBenchError:  # the incident went away: show everything
                return chrono.timeline_data(case), titles

        self.session.write(read, name="Reading the timeline", appends=False, on_done=self._loaded)

    def _loaded(self, result: tuple[chrono.TimelineData, list[tuple[str, str]]]) -> None:
        self.data, self.incidents = result
        self.loaded = True
        self.changed.emit()
