"""The geolocation and chronolocation error family."""

from __future__ import annotations

from ..errors import VerifyBenchError


class GeoError(VerifyBenchError):
    """A place, time, claim, incident or reference layer could not be read or recorded."""


class CoordinateError(GeoError, ValueError):
    """Typed or pasted coordinates are not understood; the message says what is wrong."""


class LayerError(GeoError):
    """A GeoJSON / KML / KMZ reference layer cannot be read."""


class TileError(GeoError):
    """A tile file (MBTiles, PMTiles) or a tile server template cannot be used; the message says why."""
