"""Geolocation: coordinates in every common form, location claims, incidents, reference layers, exports,
map pins and raster tile sources (MBTiles, PMTiles, a cached XYZ server).

The GUI and the CLI use the names below. Names load on first use, so that the case's own modules
can import :mod:`.schema` and :mod:`.projections` without importing the case back.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .basemap import ATTRIBUTION, basemap_path, load_basemap
    from .claims import (
        DISAGREEMENT_SLACK_M,
        LOCATION_METHODS,
        POSITIONS,
        Comparison,
        ItemLocations,
        LocationClaim,
        MetadataPosition,
        accept_location,
        claim_location,
        clear_accepted_location,
        find_location_claim,
        item_locations,
        location_claims,
        metadata_positions,
        move_location,
        withdraw_location,
    )
    from .containment import LayerRelation, PlaceRelations, incident_relations, item_relations, relations_at
    from .coords import ParsedPoint, all_formats, format_decimal, format_dms, parse_point
    from .errors import CoordinateError, GeoError, LayerError, TileError
    from .export import export_geo, geo_records, to_csv, to_geojson, to_kml
    from .geodesy import bearing_deg, circle, destination, distance_m, view_wedge
    from .gridrefs import to_mgrs, to_plus_code
    from .incidents import Incident, find_incident, link_items, list_incidents, record_incident
    from .layers import ReferenceLayer, find_layer, import_layer, layer_features, list_layers, remove_layer
    from .pins import Pin, incident_pins, item_pins, map_pins
    from .tiles import TileInfo, TileSource, open_tile_file
    from .urls import geo_uri, google_maps_url, osm_url
    from .xyz import TileCache, TileServer, TileServerSource

_HOMES = {
    "ATTRIBUTION": "basemap", "basemap_path": "basemap", "load_basemap": "basemap",
    **{n: "claims" for n in (
        "DISAGREEMENT_SLACK_M", "LOCATION_METHODS", "POSITIONS", "Comparison", "ItemLocations", "LocationClaim",
        "MetadataPosition", "accept_location", "claim_location", "clear_accepted_location", "find_location_claim",
        "item_locations", "location_claims", "metadata_positions", "move_location", "withdraw_location")},
    **{n: "containment" for n in (
        "LayerRelation", "PlaceRelations", "incident_relations", "item_relations", "relations_at")},
    **{n: "coords" for n in ("ParsedPoint", "all_formats", "format_decimal", "format_dms", "parse_point")},
    **{n: "errors" for n in ("CoordinateError", "GeoError", "LayerError", "TileError")},
    **{n: "export" for n in ("export_geo", "geo_records", "to_csv", "to_geojson", "to_kml")},
    **{n: "geodesy" for n in ("bearing_deg", "circle", "destination", "distance_m", "view_wedge")},
    "to_mgrs": "gridrefs", "to_plus_code": "gridrefs",
    **{n: "incidents" for n in ("Incident", "find_incident", "link_items", "list_incidents", "record_incident")},
    **{n: "layers" for n in (
        "ReferenceLayer", "find_layer", "import_layer", "layer_features", "list_layers", "remove_layer")},
    **{n: "pins" for n in ("Pin", "incident_pins", "item_pins", "map_pins")},
    **{n: "tiles" for n in ("TileInfo", "TileSource", "open_tile_file")},
    "geo_uri": "urls", "google_maps_url": "urls", "osm_url": "urls",
    **{n: "xyz" for n in ("TileCache", "TileServer", "TileServerSource")},
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{home}", __name__), name)
