"""Fragments as the front ends see them: one frozen record per tag, read from the projection."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from ..case import Case
from .codes import Notice, check_codes
from .crops import crop_path
from .errors import FragmentNotFound
from .regions import Region, from_json

Confidence = Literal["confirmed", "probable", "possible"]
CONFIDENCES: tuple[str, ...] = get_args(Confidence)


@dataclass(frozen=True)
class Fragment:
    """A tag as it stands now. ``region`` is on the stored grid; ``crop`` exists once written."""

    id: str
    item_id: str
    frame_ts: float | None
    region: Region
    category: str | None
    component: str | None
    designation: str | None
    manufacturer: str | None
    markings: str | None
    cage: str | None
    nsn: str | None
    lot: str | None
    manufactured: str | None
    serial: str | None
    confidence: str | None
    note: str | None
    refs: tuple[str, ...]
    taxonomy_version: str | None
    created_seq: int
    created_at: str
    created_by: str
    updated_seq: int
    updated_at: str
    updated_by: str
    item_sha256: str
    item_md5: str
    item_name: str
    crop: Path

    @property
    def notices(self) -> list[Notice]:
        """Format notices on the codes as they stand (computed now, never stored)."""
        return check_codes({"cage": self.cage, "nsn": self.nsn, "manufactured": self.manufactured})

    def to_json(self) -> dict[str, Any]:
        x, y, w, h = self.region.bbox()
        data = {k: v for k, v in self.__dict__.items() if k not in ("region", "crop", "refs")}
        return {**data, "refs": list(self.refs), "region": self.region.to_json(), "bbox": [x, y, w, h],
                "crop": str(self.crop) if self.crop.is_file() else None,
                "notices": [n.__dict__ for n in self.notices]}


SELECT = (
    "SELECT f.*, i.sha256 AS item_sha256, i.md5 AS item_md5, i.display_name AS item_name"
    " FROM fragments f JOIN items i ON i.id = f.item_id"
)
_SKIP = {"shape", "bbox_x", "bbox_y", "bbox_w", "bbox_h"}


def fragment_from_row(case: Case, row: dict[str, Any]) -> Fragment:
    values = {k: v for k, v in row.items() if k not in _SKIP}
    values["region"] = from_json(json.loads(row["region"]))
    values["refs"] = tuple(json.loads(row["refs"]))
    values["crop"] = crop_path(case.root, row["id"])
    return Fragment(**values)


def get_fragment(case: Case, ref: str) -> Fragment:
    """A fragment by id or unique id prefix (4+ characters)."""
    ref = ref.strip().lower()
    rows = list(case.db.query(f"{SELECT} WHERE f.id = ?", [ref]))
    if not rows and len(ref) >= 4:
        rows = list(case.db.query(f"{SELECT} WHERE f.id LIKE ? LIMIT 2", [ref.replace("%", "").replace("_", "") + "%"]))
        if len(rows) > 1:
            raise FragmentNotFound(f"'{ref}' matches more than one fragment; type more characters")
    if not rows:
        raise FragmentNotFound(f"no fragment matches '{ref}'")
    return fragment_from_row(case, rows[0])
