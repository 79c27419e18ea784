"""Export a chain-of-custody report: gather, write every format, manifest, timestamp, bundle, record.

The export is written into a hidden ``.partial`` folder and moved into place (or zipped) only when
complete, so a cancelled or failed export leaves nothing that looks finished. The finished export
is then recorded in the case as a ``report.exported`` event (scope, formats, item ids, manifest
hash): what left the building is itself in the signed log. The event changes no projection.
"""

from __future__ import annotations

import os
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from .. import events as ev
from ..case import Case
from ..workflow.vocabulary import PERSON_REGISTERED, PERSON_ROLE_SET
from . import manifest as mf
from .errors import ReportCancelled, ReportError
from .gather import gather
from .scope import Scope, resolve_scope
from .tabular import items_csv, report_json
from .timestamp import (
    TimestampError, ask_authority, build_request, check_reply, read_reply, request_nonce, signer_of,
)

REPORT_EXPORTED = "report.exported"
Format = Literal["html", "pdf", "json", "csv"]
FORMATS: tuple[str, ...] = get_args(Format)
FILE_NAMES: dict[str, str] = {"html": "report.html", "pdf": "report.pdf", "json": "report.json", "csv": "items.csv"}
EVENTS_FILE = "events.jsonl"
ORIGINALS = "originals"
_LOG_CONTEXT_KINDS = (ev.CASE_CREATED, PERSON_REGISTERED, PERSON_ROLE_SET)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ExportOptions:
    formats: tuple[str, ...] = ("html", "json")
    include_originals: bool = False
    bundle: bool = False
    tsa_url: str | None = None          # RFC 3161 authority; None: write the request (.tsq) only


@dataclass
class ExportResult:
    path: Path                          # the export folder, or the bundle zip
    export_id: str
    manifest_sha256: str
    item_count: int
    files: list[str]                    # relative paths listed in the manifest
    event_seq: int                      # the report.exported event
    timestamp: str                      # "stamped", "request_only" (no URL) or "failed: …"
    timestamp_time: str | None = None
    log_head: dict[str, Any] = field(default_factory=dict)   # the head the report was made at
    warnings: list[str] = field(default_factory=list)


def parse_formats(values: Sequence[str]) -> tuple[str, ...]:
    """``("html,pdf", "json")`` -> ``("html", "pdf", "json")``; raises for an unknown format."""
    found = [v.strip().lower() for value in values for v in value.split(",") if v.strip()]
    for f in found:
        if f not in FORMATS:
            raise ReportError(f"unknown format '{f}': choose from {', '.join(FORMATS)}")
    if not found:
        raise ReportError(f"choose at least one format: {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(found))


def export_report(case: Case, scope: Scope, out_dir: Path | str, options: ExportOptions, *,
                  progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> ExportResult:
    """Write a report of ``scope`` into a new folder (or zip) under ``out_dir`` and record the export."""
    formats = parse_formats(options.formats)
    case.signer  # noqa: B018 - unlock the exporter's key now: a locked profile fails before any work is done
    resolved = resolve_scope(case, scope)
    if not resolved.item_ids:
        raise ReportError(f"no item is in the scope ({resolved.description}): there is nothing to report")
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from exc
    now = datetime.now(UTC)
    generated_at = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    name = _free_name(out_dir, f"report-{now:%Y%m%dT%H%M%SZ}")
    export_id = str(uuid.uuid4())
    work = out_dir / f".{name}.partial"
    step = _Steps(progress, cancel)
    try:
        work.mkdir()
        result = _write(case, resolved, work, formats, options, export_id, generated_at, step)
        final = out_dir / (f"{name}.zip" if options.bundle else name)
        if options.bundle:
            step("bundling", 0, 1)
            _zip(work, final, name)
            shutil.rmtree(work)
        else:
            os.replace(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        if options.bundle:
            (out_dir / f"{name}.zip").unlink(missing_ok=True)
        raise
    result.path = final
    try:
        with case.write():
            event = case.append(REPORT_EXPORTED, {
                "export_id": export_id, "name": final.name, "generated_at": generated_at,
                "scope": resolved.record, "item_ids": resolved.item_ids, "formats": list(formats),
                "include_originals": options.include_originals, "bundle": options.bundle,
                "manifest_sha256": result.manifest_sha256, "files": len(result.files),
                "log_head": result.log_head, "timestamp": result.timestamp,
            })
    except BaseException:
        # An export the log does not record must not look valid: remove it.
        shutil.rmtree(final, ignore_errors=True) if final.is_dir() else final.unlink(missing_ok=True)
        raise
    result.event_seq = event.seq
    step("done", 1, 1)
    return result


def _write(case: Case, resolved: Any, work: Path, formats: tuple[str, ...], options: ExportOptions,
           export_id: str, generated_at: str, step: _Steps) -> ExportResult:
    with _snapshot(case):
        data = gather(case, resolved, export_id=export_id, generated_at=generated_at, formats=list(formats),
                      progress=step, cancel=step.cancelled)
        excerpt = _log_excerpt(case, data)
    entries: list[dict[str, Any]] = []
    # report.json is always written: it is the complete record that the other formats render.
    (work / FILE_NAMES["json"]).write_bytes(report_json(data))
    report_sha = mf.sha256_file(work / FILE_NAMES["json"])
    entries.append(mf.file_entry(work, work / FILE_NAMES["json"], "data"))
    if "csv" in formats:
        (work / FILE_NAMES["csv"]).write_bytes(items_csv(data))
        entries.append(mf.file_entry(work, work / FILE_NAMES["csv"], "data"))
    images = _images(case, data)
    if "html" in formats:
        step("html", 0, 1)
        from .html import render_html
        (work / FILE_NAMES["html"]).write_bytes(render_html(data, report_sha, images))
        entries.append(mf.file_entry(work, work / FILE_NAMES["html"], "report"))
    if "pdf" in formats:
        step("pdf", 0, 1)
        from .pdf import render_pdf
        render_pdf(data, report_sha, images, work / FILE_NAMES["pdf"])
        entries.append(mf.file_entry(work, work / FILE_NAMES["pdf"], "report"))
    step("event log", 0, 1)
    (work / EVENTS_FILE).write_bytes(excerpt)
    entries.append(mf.file_entry(work, work / EVENTS_FILE, "event_log"))
    if options.include_originals:
        entries += _copy_originals(case, data, work, step)
    manifest = {
        "manifest_version": mf.MANIFEST_VERSION,
        "export_id": export_id,
        "generated_at": generated_at,
        "generated_by": data["report"]["generated_by"],
        "app_version": data["report"]["app_version"],
        "case": data["case"],
        "scope": data["report"]["scope"],
        "item_count": data["report"]["item_count"],
        "log_head": {k: data["log"][k] for k in ("head_seq", "head_hash", "head_event_id", "head_key_id",
                                                  "head_signature", "head_actor", "head_at")},
        "report_json_sha256": report_sha,
        "includes_originals": options.include_originals,
        "files": sorted(entries, key=lambda e: e["path"]),
    }
    manifest_sha = mf.write_manifest(work, manifest)
    stamp, stamp_time, warnings = _timestamp(work, manifest_sha, options.tsa_url)
    return ExportResult(work, export_id, manifest_sha, data["report"]["item_count"],
                        [e["path"] for e in manifest["files"]], 0, stamp, stamp_time,
                        {"seq": data["log"]["head_seq"], "hash": data["log"]["head_hash"]}, warnings)


@contextmanager
def _snapshot(case: Case) -> Iterator[None]:
    """One read transaction, so that every query sees the log at the same head while an import may be writing."""
    if case.conn.in_transaction:
        yield
        return
    case.conn.execute("BEGIN")
    try:
        yield
    finally:
        if case.conn.in_transaction:
            case.conn.execute("COMMIT")


def _images(case: Case, data: dict[str, Any]) -> dict[str, Path]:
    """Derived images the HTML and PDF embed: thumbnails and fragment crops, by their case-relative path."""
    found: dict[str, Path] = {}
    for item in data["items"]:
        paths = [item["thumbnail"]["derived_path"]] if item["thumbnail"] else []
        paths += [f["crop"] for f in item["fragments"] if f.get("crop")]
        for rel in paths:
            path = case.root / rel
            if path.is_file():
                found[rel] = path
    return found


def _log_excerpt(case: Case, data: dict[str, Any]) -> bytes:
    """Every event of the reported items, the events that register people's keys, the import batches of
    the items, the events of the incidents they show, and the head event: one canonical JSON event per
    line, as stored (hash and signature)."""
    item_ids = [i["id"] for i in data["items"]]
    batches = {s["batch_id"] for i in data["items"] for s in i["sightings"] if s["batch_id"]}
    wanted: set[int] = set()
    conn = case.conn
    for chunk in _chunks(item_ids, 500):
        wanted.update(r[0] for r in conn.execute(
            f"SELECT seq FROM events WHERE item_id IN ({', '.join('?' * len(chunk))})", chunk))
    wanted.update(r[0] for r in conn.execute(
        f"SELECT seq FROM events WHERE kind IN ({', '.join('?' * len(_LOG_CONTEXT_KINDS))})", _LOG_CONTEXT_KINDS))
    for chunk in _chunks(sorted(batches), 500):
        wanted.update(r[0] for r in conn.execute(
            f"SELECT seq FROM events WHERE kind IN (?, ?) AND json_extract(payload, '$.batch_id') IN"
            f" ({', '.join('?' * len(chunk))})", (ev.IMPORT_STARTED, ev.IMPORT_FINISHED, *chunk)))
    incidents = [i["incident_id"] for i in data["incidents"]]
    for chunk in _chunks(incidents, 500):
        wanted.update(r[0] for r in conn.execute(
            f"SELECT seq FROM events WHERE kind LIKE 'incident.%' AND json_extract(payload, '$.incident_id') IN"
            f" ({', '.join('?' * len(chunk))})", chunk))
    wanted.add(data["log"]["head_seq"])
    lines = []
    for chunk in _chunks(sorted(wanted), 500):
        for row in case.db.query(
                f"SELECT * FROM events WHERE seq IN ({', '.join('?' * len(chunk))}) ORDER BY seq", chunk):
            e = ev.event_from_row(row)
            lines.append(ev.canonical_json({
                "seq": e.seq, "id": e.id, "at": e.at, "actor": e.actor, "kind": e.kind, "item_id": e.item_id,
                "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash, "key_id": e.key_id,
                "signature": e.signature}))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _copy_originals(case: Case, data: dict[str, Any], work: Path, step: _Steps) -> list[dict[str, Any]]:
    folder = work / ORIGINALS
    folder.mkdir()
    entries = []
    items = data["items"]
    for n, item in enumerate(items):
        step("originals", n, len(items))
        source = case.root / item["stored_path"]
        target = folder / Path(item["stored_path"]).name
        if not source.is_file():
            raise ReportError(f"the original of item {item['id'][:8]} is missing from the case ({item['stored_path']});"
                              " run 'verify-bench verify'")
        with source.open("rb") as src, target.open("wb") as dst:
            while chunk := src.read(1 << 20):
                if step.cancelled():
                    raise ReportCancelled("the export was cancelled")
                dst.write(chunk)
        entry = mf.file_entry(work, target, "original", item_id=item["id"])
        if entry["sha256"] != item["sha256"]:
            raise ReportError(f"the stored original of item {item['id'][:8]} no longer has its recorded SHA-256;"
                              " run 'verify-bench verify'")
        entries.append(entry)
    return entries


def _timestamp(work: Path, manifest_sha: str, url: str | None) -> tuple[str, str | None, list[str]]:
    request = build_request(manifest_sha)
    (work / "manifest.tsq").write_bytes(request)
    if not url:
        return "request_only", None, []
    try:
        reply = ask_authority(url, request)
        info = read_reply(reply)
        check_reply(info, manifest_sha, request_nonce(request))
        signer_of(reply)
    except TimestampError as exc:
        return f"failed: {exc}", None, [f"{exc}; the request is saved as manifest.tsq to be stamped later"]
    (work / "manifest.tsr").write_bytes(reply)
    return "stamped", info.gen_time, []


def _zip(work: Path, target: Path, name: str) -> None:
    tmp = target.with_name(f".{target.name}.partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                zf.write(path, f"{name}/{path.relative_to(work).as_posix()}")
    os.replace(tmp, target)


def _free_name(out_dir: Path, base: str) -> str:
    for n in range(1, 1000):
        name = base if n == 1 else f"{base}-{n}"
        if not any((out_dir / p).exists() for p in (name, f"{name}.zip", f".{name}.partial")):
            return name
    raise ReportError(f"{out_dir} already holds too many reports named {base}")


def _chunks(values: list[Any], size: int) -> list[list[Any]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


class _Steps:
    """Progress reports and cancellation polls."""

    def __init__(self, progress: Progress | None, cancel: Callable[[], bool] | None) -> None:
        self.progress = progress
        self.cancel = cancel

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel()

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.cancelled():
            raise ReportCancelled("the export was cancelled; nothing was recorded")
        if self.progress is not None:
            self.progress(label, done, total)
