"""Crops of tagged regions: rebuildable PNG files under ``derived/fragments/``.

A crop is the region's bounding box cut from the stored original's pixels (a point gets a
:data:`POINT_RADIUS` margin), then turned upright like the picture it came from, losslessly saved
as PNG. Pixels outside a polygon are kept: nothing of the evidence is painted over. Each PNG names
its origin in text chunks (``verify-bench:fragment``, ``:item-sha256``, ``:frame-ts``, ``:region``,
``:box``), and its path follows from the fragment id alone (:func:`crop_path`), so a crop is linked
to the original and the region both ways and can always be rebuilt from the case.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL.PngImagePlugin import PngInfo

from ..case import Case
from .errors import FragmentError
from ..media.image import TRANSPOSE
from ..ingest.derived import write_atomic
from ..originals import importing
from .geometry import ORIENTATION_OF_ROTATION
from .picture import exif_orientation, open_image, stored_pixels
from .regions import Region, from_json

CROPS = "derived/fragments"
POINT_RADIUS = 32


def crop_path(root: Path, fragment_id: str) -> Path:
    return root / CROPS / fragment_id[:2] / f"{fragment_id}.png"


def crop_box(region: Region, width: int, height: int) -> tuple[int, int, int, int]:
    """The whole pixels ``(left, top, right, bottom)`` covering ``region`` on a ``width x height`` grid."""
    x, y, w, h = region.bbox()
    pad = POINT_RADIUS if region.shape == "point" else 0
    left, top = max(0, math.floor(x) - pad), max(0, math.floor(y) - pad)
    right, bottom = min(width, math.ceil(x + w) + pad), min(height, math.ceil(y + h) + pad)
    if right <= left or bottom <= top:
        raise FragmentError(f"the region {region.to_json()} covers no pixel of the {width} x {height} picture")
    return left, top, right, bottom


def write_crop(case: Case, fragment_id: str) -> Path:
    """(Re)write the crop of one fragment from its projection row and the stored original."""
    item: dict[str, Any] | None = next(iter(case.db.query(
        "SELECT i.*, f.frame_ts, f.region FROM fragments f JOIN items i ON i.id = f.item_id WHERE f.id = ?",
        [fragment_id])), None)
    if item is None:
        raise FragmentError(f"no fragment {fragment_id}")
    region = from_json(json.loads(item["region"]))
    picture = stored_pixels(case, item, item["frame_ts"])
    box = crop_box(region, *picture.size)
    crop = picture.crop(box)
    orientation = _orientation(case, item)
    if orientation in TRANSPOSE:
        crop = crop.transpose(TRANSPOSE[orientation])
    info = PngInfo()
    for key, value in (("fragment", fragment_id), ("item-sha256", item["sha256"]),
                       ("frame-ts", "" if item["frame_ts"] is None else str(item["frame_ts"])),
                       ("region", item["region"]), ("box", json.dumps(box)), ("orientation", str(orientation))):
        info.add_text(f"verify-bench:{key}", value)
    path = crop_path(case.root, fragment_id)
    png = io.BytesIO()
    crop.save(png, "PNG", pnginfo=info)
    with importing(case.root):  # no other process's clean-up takes the temp file meanwhile
        write_atomic(case.root, path, png.getvalue())
    return path


def _orientation(case: Case, item: dict[str, Any]) -> int:
    if item["media_type"] == "video":
        return ORIENTATION_OF_ROTATION.get((item.get("rotation") or 0) % 360, 1)
    with open_image(case.root / item["stored_path"], item["format"]) as im:
        return exif_orientation(im)


def remove_crop(root: Path, fragment_id: str) -> None:
    crop_path(root, fragment_id).unlink(missing_ok=True)


@dataclass
class CropReport:
    written: int = 0
    kept: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)   # (fragment id, why)
    removed: int = 0                                               # crops of fragments no longer in the case
    cancelled: bool = False


def rebuild_crops(
    case: Case, *, only_missing: bool = True, progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] = lambda: False,
) -> CropReport:
    """Write every fragment's crop (or only the missing ones) and remove crops of deleted fragments."""
    report = CropReport()
    ids = [r[0] for r in case.conn.execute("SELECT id FROM fragments ORDER BY created_seq")]
    for n, fragment_id in enumerate(ids, start=1):
        if cancel():
            report.cancelled = True
            return report
        if only_missing and crop_path(case.root, fragment_id).is_file():
            report.kept += 1
        else:
            try:
                write_crop(case, fragment_id)
                report.written += 1
            except FragmentError as exc:
                report.failed.append((fragment_id, str(exc)))
        if progress:
            progress(n, len(ids))
    known = set(ids)
    base = case.root / CROPS
    for png in base.glob("*/*.png") if base.is_dir() else ():
        if png.stem not in known:
            png.unlink()
            report.removed += 1
    return report
