""""Have we seen this picture or video?": a file outside the case against the case, without importing it.

The file is hashed (SHA-256 for an exact match) and analysed exactly as the import would, in a
disposable worker process under the import's limits, then its hashes are searched in an index of
the case's hashes. Nothing is written to the case.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..case import Case
from ..errors import VerifyBenchError
from ..ingest.sandbox import TaskResult, WorkerPool
from ..ingest.worker import analyse, worker_init
from ..media.analysis import analysis_to_json
from ..media.sniff import HEAD_BYTES
from .matching import CodeRows, Matcher
from .service import DEFAULT_THRESHOLD, load_rows

QUERY_ID = "<query>"


class SimilarityError(VerifyBenchError):
    """The file could not be read or analysed."""


@dataclass
class Lookup:
    """What the case holds of one outside file."""

    path: str
    sha256: str
    media_type: str
    exact: str | None = None                 # the item with these very bytes
    low_information: bool = False            # near-uniform picture: not searched
    matches: list[dict[str, Any]] = field(default_factory=list)   # {"item_id", "kind", "distance", "evidence"}


def analyse_file(task: dict[str, Any], channel: Any) -> dict[str, Any]:
    """Worker task: analyse one file as the import does (``{"path": str}`` -> analysis as JSON)."""
    path = Path(task["path"])
    data = path.read_bytes()
    return analysis_to_json(analyse(data, data[:HEAD_BYTES], path))


def similar_to_file(case: Case, path: Path | str, *, threshold: int = DEFAULT_THRESHOLD,
                    time_limit: float = 120.0) -> Lookup:
    """Exact and near matches of the file at ``path`` among the case's items."""
    path = Path(path)
    try:
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise SimilarityError(f"cannot read {path}: {exc.strerror or exc}") from exc
    analysis = _analyse(path, time_limit)
    row = case.conn.execute("SELECT id FROM items WHERE sha256 = ?", (sha256,)).fetchone()
    found = Lookup(str(path), sha256, analysis["media_type"], exact=row[0] if row else None,
                   low_information=bool(analysis.get("low_information")))
    if found.low_information or not analysis["hashes"]:
        return found
    matcher = Matcher(threshold)
    matcher.load(*load_rows(case))
    hashes = analysis["hashes"]
    bits = [int(h["bits"], 16) for h in hashes]
    rows = CodeRows([QUERY_ID] * len(hashes), [h["frame_ts"] for h in hashes], [h["algo"] for h in hashes],
                    [b - (1 << 64) if b >= 1 << 63 else b for b in bits])
    for m in matcher.query(rows, {QUERY_ID: analysis["media_type"]}):
        other = m.b if m.a == QUERY_ID else m.a
        if other != found.exact:
            found.matches.append({"item_id": other, "kind": m.kind, "distance": m.distance, "evidence": m.evidence})
    found.matches.sort(key=lambda m: (m["distance"], m["item_id"]))
    return found


def _analyse(path: Path, time_limit: float) -> dict[str, Any]:
    with WorkerPool(analyse_file, workers=1, time_limit=time_limit, initializer=worker_init) as pool:
        pool.submit({"path": str(path)})
        while True:
            for msg in pool.poll(timeout=0.5):
                if isinstance(msg, TaskResult):
                    if msg.outcome != "ok":
                        raise SimilarityError(f"cannot analyse {path}: {msg.outcome}: {msg.message}")
                    return msg.value
