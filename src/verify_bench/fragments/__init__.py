"""Weapon-fragment tagging: regions on stills and video frames, munition vocabulary, codes, scales.

The GUI and the CLI use the names below. Names load on first use, so that the case's own modules
can import :mod:`.schema` and :mod:`.projections` without importing the case back.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cage import load_cage_csv, manufacturer_for
    from .codes import Notice, check_cage, check_codes, check_manufactured, check_nsn, nsn_parts
    from .crops import CropReport, crop_box, crop_path, rebuild_crops, write_crop
    from .errors import FragmentError, FragmentNotFound
    from .geometry import ItemGeometry, stored_to_upright, upright_to_stored
    from .listing import FragmentFilter, export_fragments, fragment_record, list_fragments, render_export
    from .measuring import (
        Measurement, Scale, delete_measurement, delete_scale, get_scale, measure, measurements, scaled_length,
        scales, segment_pixels, set_scale,
    )
    from .model import CONFIDENCES, Confidence, Fragment, get_fragment
    from .picture import item_geometry, upright_picture
    from .projections import FIELD_NAMES
    from .regions import Region, from_json, parse_numbers, parse_polygon, point, polygon, rect
    from .suggestions import Suggestion, resembling, suggest
    from .tags import Grid, TagResult, delete_fragment, edit_fragment, fragment_history, tag_fragment
    from .taxonomy import Taxonomy, Term, case_taxonomy, extend_taxonomy, load_taxonomy

_HOMES = {
    "load_cage_csv": "cage", "manufacturer_for": "cage",
    "Notice": "codes", "check_cage": "codes", "check_codes": "codes", "check_manufactured": "codes",
    "check_nsn": "codes", "nsn_parts": "codes",
    "CropReport": "crops", "crop_box": "crops", "crop_path": "crops", "rebuild_crops": "crops",
    "write_crop": "crops",
    "FragmentError": "errors", "FragmentNotFound": "errors",
    "ItemGeometry": "geometry", "stored_to_upright": "geometry", "upright_to_stored": "geometry",
    "FragmentFilter": "listing", "export_fragments": "listing", "fragment_record": "listing",
    "list_fragments": "listing", "render_export": "listing",
    "Measurement": "measuring", "Scale": "measuring", "delete_measurement": "measuring", "delete_scale": "measuring",
    "get_scale": "measuring", "measure": "measuring", "measurements": "measuring", "scaled_length": "measuring",
    "scales": "measuring", "segment_pixels": "measuring", "set_scale": "measuring",
    "CONFIDENCES": "model", "Confidence": "model", "Fragment": "model", "get_fragment": "model",
    "item_geometry": "picture", "upright_picture": "picture",
    "FIELD_NAMES": "projections",
    "Region": "regions", "from_json": "regions", "parse_numbers": "regions", "parse_polygon": "regions",
    "point": "regions", "polygon": "regions", "rect": "regions",
    "Suggestion": "suggestions", "resembling": "suggestions", "suggest": "suggestions",
    "Grid": "tags", "TagResult": "tags", "delete_fragment": "tags", "edit_fragment": "tags",
    "fragment_history": "tags", "tag_fragment": "tags",
    "Taxonomy": "taxonomy", "Term": "taxonomy", "case_taxonomy": "taxonomy", "extend_taxonomy": "taxonomy",
    "load_taxonomy": "taxonomy",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{home}", __name__), name)
