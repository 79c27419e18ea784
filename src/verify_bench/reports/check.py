"""``check-report``: re-check an export (folder or bundle zip) without trusting the app that made it.

Every file is re-hashed and compared with ``manifest.json``; the manifest with ``manifest.sha256``
(and with a hash the user got elsewhere, e.g. from the case's ``report.exported`` event); each
event of the log excerpt with its own hash, its neighbours' links and its signature; the originals
and the report's items with the SHA-256 the log recorded when they were imported; and a timestamp
reply, when present, with the manifest hash. Every difference is a :class:`Finding` with a code.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .. import events as ev
from ..workflow.signatures import check_signatures
from .manifest import ABOUT_MANIFEST, MANIFEST, MANIFEST_SHA256
from .schema import validate
from .timestamp import TimestampError, read_reply, request_imprint, signer_of

HTML_META = re.compile(rb'<meta name="verify-bench:report-json-sha256" content="([0-9a-f]{64})"')
PDF_KEYWORD = re.compile(rb"report-json-sha256:([0-9a-f]{64})")


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    path: str | None = None
    severity: str = "error"     # "notice" is reported without failing the check


@dataclass
class CheckReport:
    path: str
    manifest_sha256: str | None = None
    files_checked: int = 0
    bytes_checked: int = 0
    events_checked: int = 0
    timestamp: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Source:
    """The files of an export, from a folder or a zip (one top folder inside is allowed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self.names: dict[str, Any] = {}
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and not p.is_symlink():
                    self.names[p.relative_to(path).as_posix()] = p
        elif zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            members = [m for m in self._zip.infolist() if not m.is_dir()]
            tops = {PurePosixPath(m.filename).parts[0] for m in members}
            prefix = f"{tops.pop()}/" if len(tops) == 1 and all("/" in m.filename for m in members) else ""
            for m in members:
                self.names[m.filename[len(prefix):]] = m
        else:
            raise FileNotFoundError(f"{path} is neither an export folder nor a zip bundle")

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        ref = self.names[name]
        with (self._zip.open(ref) if self._zip is not None else Path(ref).open("rb")) as fh:
            yield fh

    def read(self, name: str, limit: int = 1 << 30) -> bytes:
        with self.open(name) as fh:
            return fh.read(limit)

    def sha256(self, name: str, cancel: Callable[[], bool] | None = None) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        with self.open(name) as fh:
            while chunk := fh.read(1 << 20):
                if cancel is not None and cancel():
                    raise InterruptedError("the check was cancelled")
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def check_export(path: Path | str, *, expect_manifest: str | None = None,
                 progress: Callable[[str, int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> CheckReport:
    """Re-check the export at ``path``; ``expect_manifest`` is a manifest SHA-256 obtained independently."""
    path = Path(path)
    report = CheckReport(str(path))
    try:
        source = _Source(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.findings.append(Finding("export_unreadable", f"cannot read {path}: {exc}"))
        return report
    try:
        _check(source, report, expect_manifest, progress, cancel)
    finally:
        source.close()
    return report


def _check(source: _Source, report: CheckReport, expect: str | None,
           progress: Callable[[str, int, int], None] | None, cancel: Callable[[], bool] | None) -> None:
    add = report.findings.append
    if MANIFEST not in source.names:
        add(Finding("manifest_missing", f"there is no {MANIFEST}: nothing says what this export should hold"))
        return
    raw = source.read(MANIFEST)
    actual = hashlib.sha256(raw).hexdigest()
    report.manifest_sha256 = actual
    if MANIFEST_SHA256 in source.names:
        stated = source.read(MANIFEST_SHA256, 1000).decode("ascii", "replace").split()[:1]
        if stated != [actual]:
            add(Finding("manifest_altered", f"{MANIFEST} hashes to {actual}, but {MANIFEST_SHA256} says"
                        f" {stated[0] if stated else '(nothing)'}", MANIFEST))
    else:
        add(Finding("manifest_hash_missing", f"there is no {MANIFEST_SHA256} beside the manifest", MANIFEST,
                    severity="notice"))
    if expect and expect.strip().lower() != actual:
        add(Finding("manifest_unexpected", f"{MANIFEST} hashes to {actual}, not to the expected {expect.strip()}",
                    MANIFEST))
    try:
        manifest = json.loads(raw.decode("utf-8"))
        files = manifest["files"]
        listed = {f["path"]: f for f in files}
    except (ValueError, KeyError, TypeError) as exc:
        add(Finding("manifest_invalid", f"{MANIFEST} cannot be read: {exc}", MANIFEST))
        return
    hashes = _check_files(source, listed, report, progress, cancel)
    events = _check_log(source, manifest, report)
    _check_report_json(source, manifest, hashes, events, report)
    _check_originals(listed, hashes, events, report)
    _check_timestamp(source, actual, report)


def _check_files(source: _Source, listed: dict[str, dict[str, Any]], report: CheckReport,
                 progress: Callable[[str, int, int], None] | None,
                 cancel: Callable[[], bool] | None) -> dict[str, str]:
    add = report.findings.append
    hashes: dict[str, str] = {}
    for n, (name, entry) in enumerate(sorted(listed.items())):
        if progress is not None:
            progress(name, n, len(listed))
        if name not in source.names:
            add(Finding("file_missing", f"{name} is listed in the manifest but is not in the export", name))
            continue
        digest, size = source.sha256(name, cancel)
        hashes[name] = digest
        report.files_checked += 1
        report.bytes_checked += size
        if digest != entry.get("sha256"):
            add(Finding("file_altered", f"{name} hashes to {digest}, but the manifest lists {entry.get('sha256')}",
                        name))
        elif size != entry.get("size"):
            add(Finding("file_altered", f"{name} holds {size:,} bytes, but the manifest lists {entry.get('size')}",
                        name))
    for name in sorted(set(source.names) - set(listed) - ABOUT_MANIFEST):
        add(Finding("file_unlisted", f"{name} is in the export but not in the manifest", name))
    return hashes


def _check_log(source: _Source, manifest: dict[str, Any], report: CheckReport) -> dict[int, ev.Event]:
    """The log excerpt: each event's hash, links between neighbours, signatures, the head."""
    from .export import EVENTS_FILE

    add = report.findings.append
    events: dict[int, ev.Event] = {}
    if EVENTS_FILE not in source.names:
        return events
    for n, line in enumerate(source.read(EVENTS_FILE).decode("utf-8", "replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            e = ev.Event(row["seq"], row["id"], row["at"], row["actor"], row["kind"], row["item_id"], row["payload"],
                         row["prev_hash"], row["hash"], row.get("key_id"), row.get("signature"))
        except (ValueError, KeyError, TypeError) as exc:
            add(Finding("event_invalid", f"{EVENTS_FILE} line {n} is not an event: {exc}", EVENTS_FILE))
            continue
        if ev.recompute_hash(e) != e.hash:
            add(Finding("event_altered", f"event {e.seq} ({e.kind}) in {EVENTS_FILE} no longer matches its hash",
                        EVENTS_FILE))
        prev = events.get(e.seq - 1)
        if prev is not None and e.prev_hash != prev.hash:
            add(Finding("chain_broken", f"event {e.seq} names previous hash {e.prev_hash}, but event {prev.seq}"
                        f" hashes to {prev.hash}", EVENTS_FILE))
        events[e.seq] = e
    report.events_checked = len(events)
    for f in check_signatures(sorted(events.values(), key=lambda x: x.seq)):
        add(Finding(f.code, f"{EVENTS_FILE}: {f.message}", EVENTS_FILE, f.severity))
    head = manifest.get("log_head") or {}
    head_event = events.get(head.get("head_seq"))
    if head_event is None or head_event.hash != head.get("head_hash"):
        add(Finding("head_mismatch", f"the manifest's log head {head.get('head_seq')}:{head.get('head_hash')} is not"
                    f" the matching event of {EVENTS_FILE}", EVENTS_FILE))
    return events


def _imported(events: dict[int, ev.Event]) -> dict[str, str]:
    """item id -> the SHA-256 its ``item.imported`` event recorded."""
    return {e.item_id: str(e.payload.get("sha256")) for e in events.values()
            if e.kind == ev.ITEM_IMPORTED and e.item_id and isinstance(e.payload, dict)}


def _check_report_json(source: _Source, manifest: dict[str, Any], hashes: dict[str, str],
                       events: dict[int, ev.Event], report: CheckReport) -> None:
    from .export import FILE_NAMES

    add = report.findings.append
    name = FILE_NAMES["json"]
    stated = manifest.get("report_json_sha256")
    if name in hashes and stated != hashes[name]:
        add(Finding("report_json_mismatch", f"the manifest says {name} hashes to {stated}, but it hashes to"
                    f" {hashes[name]}", name))
    for rendering, pattern in ((FILE_NAMES["html"], HTML_META), (FILE_NAMES["pdf"], PDF_KEYWORD)):
        if rendering in hashes:
            found = pattern.search(source.read(rendering))
            if found is None or found.group(1).decode() != hashes.get(name):
                add(Finding("report_reference_mismatch", f"{rendering} does not name the SHA-256 of this {name}"
                            f" ({hashes.get(name)})", rendering))
    if name not in hashes:
        return
    try:
        data = json.loads(source.read(name))
    except ValueError as exc:
        add(Finding("report_json_invalid", f"{name} cannot be read: {exc}", name))
        return
    problems = validate(data)
    for problem in problems[:20]:
        add(Finding("report_json_invalid", f"{name} does not follow its schema: {problem}", name))
    if problems or not events:
        return
    items = data["items"]
    logged = _imported(events)
    for item in items:
        recorded = logged.get(item.get("id"))
        if recorded is None:
            add(Finding("item_not_in_log", f"item {item.get('id')} of {name} has no item.imported event in the log"
                        " excerpt", name))
        elif recorded != item.get("sha256"):
            add(Finding("report_log_mismatch", f"{name} gives item {item.get('id')} SHA-256 {item.get('sha256')},"
                        f" but the log recorded {recorded} when it was imported", name))


def _check_originals(listed: dict[str, dict[str, Any]], hashes: dict[str, str], events: dict[int, ev.Event],
                     report: CheckReport) -> None:
    add = report.findings.append
    logged = _imported(events)
    for name, entry in sorted(listed.items()):
        if entry.get("role") != "original" or name not in hashes:
            continue
        recorded = logged.get(entry.get("item_id"))
        if recorded is None:
            add(Finding("original_not_in_log", f"{name} (item {entry.get('item_id')}) has no item.imported event in"
                        " the log excerpt", name))
        elif recorded != hashes[name]:
            add(Finding("original_altered", f"{name} hashes to {hashes[name]}, but the log recorded {recorded} when"
                        " it was imported", name))


def _check_timestamp(source: _Source, manifest_sha: str, report: CheckReport) -> None:
    add = report.findings.append
    if "manifest.tsr" in source.names:
        try:
            info = read_reply(source.read("manifest.tsr", 1 << 20))
        except TimestampError as exc:
            add(Finding("timestamp_invalid", str(exc), "manifest.tsr"))
            return
        report.timestamp = {"state": "stamped", "gen_time": info.gen_time, "serial_number": info.serial_number,
                            "policy": info.policy, "tsa": info.tsa, "signed_by": None}
        try:
            report.timestamp["signed_by"] = signer_of(source.read("manifest.tsr", 1 << 20))
        except TimestampError as exc:
            add(Finding("timestamp_signature_invalid", str(exc), "manifest.tsr"))
        if info.hash_algorithm != "sha256" or info.hashed_message != manifest_sha:
            add(Finding("timestamp_mismatch", f"manifest.tsr stamps {info.hash_algorithm} {info.hashed_message},"
                        f" not this manifest ({manifest_sha})", "manifest.tsr"))
    elif "manifest.tsq" in source.names:
        report.timestamp = {"state": "request_only"}
        try:
            imprint = request_imprint(source.read("manifest.tsq", 1 << 16))
        except TimestampError as exc:
            add(Finding("timestamp_invalid", str(exc), "manifest.tsq"))
            return
        if imprint != manifest_sha:
            add(Finding("timestamp_mismatch", f"manifest.tsq asks to stamp {imprint}, not this manifest"
                        f" ({manifest_sha})", "manifest.tsq"))
        add(Finding("timestamp_not_stamped", "manifest.tsq is a timestamp request that has not been stamped yet"
                    " (see docs/reports.md)", "manifest.tsq", severity="notice"))
