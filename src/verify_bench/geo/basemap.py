"""The bundled offline basemap (Natural Earth 1:110m, public domain) for the map with no network.

Detail beyond this comes from MBTiles/PMTiles files the user adds or an opt-in tile server:
those belong to the map front end; the core only says where the bundled layers are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..resources import resources_dir

BASEMAP_LAYERS = {
    "countries": "ne_110m_admin_0_countries.geojson",
    "places": "ne_110m_populated_places.geojson",
}
ATTRIBUTION = "Made with Natural Earth (public domain)"


def basemap_path(layer: str = "countries") -> Path:
    """The GeoJSON file of a bundled basemap layer (``countries`` or ``places``)."""
    return resources_dir() / "geo" / BASEMAP_LAYERS[layer]


def load_basemap(layer: str = "countries") -> dict[str, Any]:
    """A bundled basemap layer as a GeoJSON FeatureCollection."""
    return json.loads(basemap_path(layer).read_text(encoding="utf-8"))
