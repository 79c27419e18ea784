"""Undoable edits made on the map. Claims never change: moving one records a new claim and withdraws the
old (:func:`geo.move_location`); undoing moves it back the same way, so the log keeps every step."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ... import geo
from ...case import Case
from ..session import CaseSession


class MoveClaim(QUndoCommand):
    """Move a claim to a dragged-to point (redo) and back to where it was (undo)."""

    def __init__(self, session: CaseSession, claim: geo.LocationClaim, lat: float, lon: float) -> None:
        moved = geo.distance_m(claim.lat, claim.lon, lat, lon)
        super().__init__(f"Move location claim {moved:,.0f} m")
        self.session = session
        self.current = claim.claim_id          # the claim that stands now (updated on the writer thread)
        self.origin = geo.ParsedPoint(claim.lat, claim.lon, "decimal")
        self.target = geo.ParsedPoint(lat, lon, "decimal")

    def _move(self, to: geo.ParsedPoint, how: str, name: str) -> None:
        def run(case: Case) -> geo.LocationClaim:
            claim = geo.move_location(case, self.current, to, how=how)
            self.current = claim.claim_id  # writes run in order on one thread: the next step sees this
            return claim

        self.session.write(run, name=name)

    def redo(self) -> None:
        self._move(self.target, "dragged on the map", "Moving the location claim")

    def undo(self) -> None:
        self._move(self.origin, "moved back (undo)", "Moving the location claim back")
