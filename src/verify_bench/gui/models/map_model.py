"""What the map shows: item and incident pins (:mod:`verify_bench.geo.pins`), the selected item's claims;
grid clustering of pins.

:class:`MapModel` re-reads after every change to the case (``CaseSession.changed``) and tells the
map view through its signals; :func:`cluster` is plain arithmetic, tested without a screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from ... import geo
from ...case import Case
from ...errors import ItemNotFound
from ...geo.pins import Pin, map_pins
from ..session import CaseSession

__all__ = ["Cluster", "MapModel", "Pin", "cluster"]


@dataclass(frozen=True)
class Cluster:
    """Pins that fall into one grid cell, drawn as one marker at their mean position (world units)."""

    x: float
    y: float
    pins: tuple[Pin, ...]


def cluster(placed: Iterable[tuple[Pin, float, float]], cell: float) -> list[Cluster]:
    """Group ``(pin, x, y)`` greedily: a pin joins the first group whose first pin is within ``cell``, else
    starts one. Incidents never merge with items.

    Positions are world units, so panning never regroups pins; the view passes ``cell`` as a fixed number
    of screen pixels in world units, so zooming in splits groups. A grid of ``cell``-sized squares finds
    the candidate groups, keeping this linear in the number of pins.
    """
    seeds: list[tuple[str, float, float]] = []
    members: list[list[tuple[Pin, float, float]]] = []
    grid: dict[tuple[int, int], list[int]] = {}
    for pin, x, y in placed:
        gx, gy = int(x // cell), int(y // cell)
        near = (i for dx in (-1, 0, 1) for dy in (-1, 0, 1) for i in grid.get((gx + dx, gy + dy), ()))
        found = next((i for i in near if seeds[i][0] == pin.kind
                      and (seeds[i][1] - x) ** 2 + (seeds[i][2] - y) ** 2 <= cell * cell), None)
        if found is None:
            found = len(seeds)
            seeds.append((pin.kind, x, y))
            members.append([])
            grid.setdefault((gx, gy), []).append(found)
        members[found].append((pin, x, y))
    return [Cluster(sum(m[1] for m in group) / len(group), sum(m[2] for m in group) / len(group),
                    tuple(m[0] for m in group)) for group in members]


class MapModel(QObject):
    """The pins and reference layers of a case and the locations of the selected item, kept current."""

    pins_changed = Signal()
    selection_changed = Signal()
    reference_changed = Signal()   # reference layers were imported or removed

    def __init__(self, session: CaseSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.pins: list[Pin] = []
        self.item_id: str | None = None
        self.locations: geo.ItemLocations | None = None
        self.reference: list[tuple[geo.ReferenceLayer, list[dict[str, Any]]]] = []
        self.active = False   # nothing is read while the map is hidden (a case may hold 100,000 pins)
        self._stale = True    # the case changed while hidden, or was never read
        self._reading = False
        self.loaded = False   # read at least once
        session.changed.connect(self.reload)

    @property
    def settled(self) -> bool:
        """Shown, read, and no newer change of the case waiting to be read."""
        return self.active and self.loaded and not self._reading and not self._stale

    def set_active(self, active: bool) -> None:
        """The map was shown (read what changed meanwhile) or hidden (stop following the case)."""
        self.active = active
        if active and self._stale:
            self.reload()
        elif active:
            self.set_item(self.item_id)

    def set_item(self, item_id: str | None) -> None:
        self.item_id = item_id
        if not self.active:
            return
        self._read_selection()
        self.selection_changed.emit()

    def reload(self) -> None:
        """Re-read pins and reference layers on the writer thread (many pins take a while to read)."""
        if not self.active or self._reading:
            self._stale = True
            return
        self._stale, self._reading = False, True
        known = [layer for layer, _ in self.reference]

        def read(case: Case) -> tuple[list[Pin], list[tuple[geo.ReferenceLayer, list[dict[str, Any]]]] | None]:
            layers = geo.list_layers(case)
            reference = None if layers == known else [(layer, geo.layer_features(case, layer.layer_id))
                                                      for layer in layers]
            return map_pins(case), reference

        self.session.write(read, name="Reading the map's pins", appends=False, on_done=self._loaded,
                           on_error=self._failed)

    def _loaded(self, result: tuple[list[Pin], list[tuple[geo.ReferenceLayer, list[dict[str, Any]]]] | None]) -> None:
        self._reading, self.loaded = False, True
        self.pins, reference = result
        self.pins_changed.emit()
        if reference is not None:
            self.reference = reference
            self.reference_changed.emit()
        self.set_item(self.item_id)
        if self._stale:  # the case changed again while reading
            self.reload()

    def _failed(self, message: str) -> None:
        self._reading = False
        self.session.write_failed.emit(f"The map could not be read: {message}")

    def _read_selection(self) -> None:
        self.locations = None
        if self.item_id is not None:
            try:
                self.locations = geo.item_locations(self.session.case, self.item_id)
            except ItemNotFound:
                self.item_id = None
