"""The case-level table of incidents with their structured facts: sorted, filtered, exported to CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Literal, get_args

from ..case import Case
from .errors import WorkflowError

SortKey = Literal["time", "title", "object_struck", "killed", "killed_children", "injured", "injured_children",
                  "warning", "items"]
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)


@dataclass(frozen=True)
class IncidentRow:
    incident_id: str
    title: str
    time: str | None
    window_start: str | None
    window_end: str | None
    lat: float | None
    lon: float | None
    object_struck: str | None
    killed: int | None
    killed_children: int | None
    killed_confidence: str | None
    injured: int | None
    injured_children: int | None
    injured_confidence: str | None
    warning: str | None
    munition: str | None
    items: int
    sources: str            # the sources of both figures, in words
    description: str | None


@dataclass(frozen=True)
class IncidentTableFilter:
    object_struck: str | None = None
    warning: str | None = None
    min_killed: int | None = None
    text: str | None = None  # in title, description or munition (case-insensitive)


_ORDER: dict[str, str] = {
    "time": "coalesce(i.time_utc, f.window_start)", "title": "i.title", "object_struck": "f.object_struck",
    "killed": "f.killed", "killed_children": "f.killed_children", "injured": "f.injured",
    "injured_children": "f.injured_children", "warning": "f.warning", "items": "items",
}


def incident_table(case: Case, flt: IncidentTableFilter | None = None, *, sort: SortKey = "time",
                   descending: bool = False) -> list[IncidentRow]:
    """Every incident with its facts (blank where none are recorded); unknown values sort last."""
    if sort not in _ORDER:
        raise WorkflowError(f"cannot sort incidents by '{sort}': choose {', '.join(SORT_KEYS)}")
    flt = flt or IncidentTableFilter()
    where: list[str] = []
    args: list[Any] = []
    for column, value in (("f.object_struck", flt.object_struck), ("f.warning", flt.warning)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if flt.min_killed is not None:
        where.append("f.killed >= ?")
        args.append(flt.min_killed)
    if flt.text:
        where.append("(i.title LIKE ? OR coalesce(f.description, i.note, '') LIKE ?"
                     " OR coalesce(f.munition, '') LIKE ?)")
        args += [f"%{flt.text}%"] * 3
    order = _ORDER[sort]
    rows = case.conn.execute(
        "SELECT i.incident_id, i.title, i.time, f.window_start, f.window_end, i.lat, i.lon, f.object_struck,"
        " f.killed, f.killed_children, f.killed_confidence, f.injured, f.injured_children, f.injured_confidence,"
        " f.warning, f.munition,"
        " (SELECT count(*) FROM incident_items x WHERE x.incident_id = i.incident_id) AS items,"
        " f.killed_sources, f.injured_sources, coalesce(f.description, i.note)"
        " FROM incidents i LEFT JOIN incident_facts f ON f.incident_id = i.incident_id"
        f"{' WHERE ' + ' AND '.join(where) if where else ''}"
        f" ORDER BY {order} IS NULL, {order} {'DESC' if descending else 'ASC'}, i.title",
        args).fetchall()
    return [IncidentRow(*r[:17], _sources(r[17], r[18]), r[19]) for r in rows]


def incidents_csv(rows: list[IncidentRow]) -> str:
    """CSV text, one incident per line. Cells that a spreadsheet would run as a formula are quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f.name for f in fields(IncidentRow)])
    for row in rows:
        writer.writerow([_cell(v) for v in asdict(row).values()])
    return out.getvalue()


def export_incidents_csv(case: Case, path: Path | None = None, flt: IncidentTableFilter | None = None, *,
                         sort: SortKey = "time", descending: bool = False) -> Path:
    """Write the table atomically (default ``CASE/exports/incidents.csv``); returns the path."""
    target = path or case.root / "exports" / "incidents.csv"
    text = incidents_csv(incident_table(case, flt, sort=sort, descending=descending))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        raise WorkflowError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _sources(killed: str | None, injured: str | None) -> str:
    parts = []
    for figure, text in (("killed", killed), ("injured", injured)):
        for s in json.loads(text) if text else []:
            parts.append(f"{figure}: " + (f"item {s['item_id'][:8]}" if "item_id" in s else s["note"]))
    return "; ".join(parts)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
