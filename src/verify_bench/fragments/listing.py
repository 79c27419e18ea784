"""The fragments of a case: filtered lists and CSV / JSON exports with item hashes and regions."""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ..case import Case
from ..geo.incidents import find_incident
from .cage import manufacturer_for
from .model import SELECT, Fragment, fragment_from_row
from .taxonomy import Taxonomy, case_taxonomy

ExportFormat = Literal["csv", "json"]


@dataclass(frozen=True)
class FragmentFilter:
    """All given conditions must hold. Text matches ignore case; ``code`` searches CAGE, NSN, lot,
    serial, date of manufacture and markings; ``text`` searches those and designation, manufacturer and
    note (a search box); ``category``/``component`` accept ids, labels or aliases;
    ``incident`` (id, id prefix or title) keeps fragments on items linked to that incident."""

    item: str | None = None
    incident: str | None = None
    category: str | None = None
    component: str | None = None
    designation: str | None = None
    code: str | None = None
    confidence: str | None = None
    text: str | None = None


def list_fragments(case: Case, filters: FragmentFilter | None = None) -> list[Fragment]:
    """Fragments in the order they were tagged."""
    f = filters or FragmentFilter()
    tax = case_taxonomy(case)
    where: list[str] = []
    args: list[Any] = []
    if f.item:
        where.append("f.item_id = ?")
        args.append(case.find_item(f.item)["id"])
    if f.incident:
        where.append("f.item_id IN (SELECT item_id FROM incident_items WHERE incident_id = ?)")
        args.append(find_incident(case, f.incident).incident_id)
    for kind in ("category", "component"):
        typed = getattr(f, kind)
        if typed:
            # the term's id, or the text as typed (tags saved before the term joined the taxonomy)
            where.append(f"lower(f.{kind}) IN (lower(?), lower(?))")
            args.extend([tax.resolve(kind, typed) or typed, typed])
    if f.designation:
        where.append("instr(lower(f.designation), lower(?)) > 0")
        args.append(f.designation)
    if f.code:
        where.append("(" + " OR ".join(f"instr(lower(coalesce(f.{c}, '')), lower(?)) > 0"
                                       for c in _CODE_FIELDS) + ")")
        args.extend([f.code] * len(_CODE_FIELDS))
    if f.text:
        where.append("(" + " OR ".join(f"instr(lower(coalesce(f.{c}, '')), lower(?)) > 0"
                                       for c in _TEXT_FIELDS) + ")")
        args.extend([f.text] * len(_TEXT_FIELDS))
    if f.confidence:
        where.append("f.confidence = ?")
        args.append(f.confidence)
    sql = SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY f.created_seq"
    return [fragment_from_row(case, r) for r in case.db.query(sql, args)]


_CODE_FIELDS = ("cage", "nsn", "lot", "serial", "manufactured", "markings")
_TEXT_FIELDS = ("designation", "manufacturer", "note", *_CODE_FIELDS)

#: CSV columns, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "id", "item_id", "item_sha256", "item_md5", "item_name", "frame_ts", "shape", "region", "bbox_x", "bbox_y",
    "bbox_w", "bbox_h", "category", "category_label", "component", "component_label", "designation",
    "manufacturer", "markings", "cage", "cage_name", "nsn", "lot", "manufactured", "serial", "confidence", "note",
    "refs", "taxonomy_version", "crop", "notices", "created_at", "created_by", "updated_at", "updated_by",
)


def fragment_record(f: Fragment, tax: Taxonomy, cage_names: dict[str, str] | None = None,
                    root: Path | None = None) -> dict[str, Any]:
    """One fragment as a JSON-ready record: labels, CAGE name (from the user's table), crop path."""
    record = f.to_json()
    x, y, w, h = f.region.bbox()
    crop = record["crop"]
    if crop and root is not None:
        crop = Path(crop).relative_to(root).as_posix()
    record.update(
        category_label=tax.label("category", f.category), component_label=tax.label("component", f.component),
        cage_name=manufacturer_for(cage_names or {}, f.cage), shape=f.region.shape, bbox_x=x, bbox_y=y,
        bbox_w=w, bbox_h=h, crop=crop,
    )
    return record


def render_export(case: Case, fragments: list[Fragment], fmt: ExportFormat,
                  cage_names: dict[str, str] | None = None) -> str:
    """The export's text. JSON carries the case's head hash so the export can be tied to the log."""
    tax = case_taxonomy(case)
    records = [fragment_record(f, tax, cage_names, case.root) for f in fragments]
    if fmt == "json":
        seq, head = case.head()
        doc = {"case": case.title, "exported_at": _now(), "head": f"{seq}:{head}",
               "taxonomy_version": tax.version, "region_grid": "stored original pixels, before EXIF orientation",
               "fragments": records}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({**r, "region": json.dumps(r["region"], separators=(",", ":")),
                         "refs": ";".join(r["refs"]), "notices": " | ".join(n["message"] for n in r["notices"])})
    return out.getvalue()


def export_fragments(case: Case, fragments: list[Fragment], fmt: ExportFormat, *, path: Path | None = None,
                     cage_names: dict[str, str] | None = None) -> Path:
    """Write the export (atomically) to ``path``, by default ``exports/fragments-<UTC time>.<fmt>``."""
    target = path or case.root / "exports" / f"fragments-{_now().replace(':', '')}.{fmt}"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(render_export(case, fragments, fmt, cage_names), encoding="utf-8", newline="")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
