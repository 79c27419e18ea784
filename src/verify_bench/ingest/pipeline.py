"""Import files into a case: scan → preserve + parse (worker processes) → record (one writer).

The parent process is the only writer. Workers preserve each file and then ask
the writer to record it (``item.imported`` / ``item.sighted``) before they parse
anything; the parse result (or the worker's fate: error, timeout, out of memory,
crash) becomes ``item.analysed``. Events are committed in small batches; a kill
loses at most the last uncommitted batch, and running the same import again
resumes: files already sighted with the same path, size and mtime are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import events as ev
from ..allocator import return_large_blocks
from ..case import Case
from ..errors import EventLogError, IngestError
from ..metadata.filename import fields_from_filename
from ..metadata.sidecars import SidecarError, read_info_json, sidecar_fields
from ..originals import TEMP, fsync_dir, importing
from . import paths, testhooks
from .archives import ArchiveLimits
from .progress import FileOutcome, ImportProgress, ImportSummary
from .sandbox import Question, TaskResult, WorkerPool
from .scan import Candidate, scan
from .worker import ANALYSE, SKIP, preserve_and_analyse, worker_init

if TYPE_CHECKING:
    from ..similarity.service import LiveMatcher

ProgressFn = Callable[[ImportProgress], None]
OutcomeFn = Callable[[FileOutcome], None]

COMMIT_SECONDS = 0.5
COMMIT_EVENTS = 200
#: How often matching catches up with committed items during an import (and always at its end).
LIVE_MATCH_SECONDS = 5.0


@dataclass
class ImportOptions:
    source_url: str | None = None
    note: str | None = None
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    time_limit: float = 120.0          # seconds per file (parsing a long video counts)
    memory_limit: int | None = 3 * 2**30
    archive_limits: ArchiveLimits = field(default_factory=ArchiveLimits)


def run_import(
    case: Case,
    inputs: Iterable[str | bytes | os.PathLike[str]],
    *,
    options: ImportOptions | None = None,
    progress: ProgressFn | None = None,
    on_file: OutcomeFn | None = None,
    cancel: Callable[[], bool] = lambda: False,
) -> ImportSummary:
    """Import ``inputs`` (files, folders, archives). Never raises for a bad file."""
    return_large_blocks()  # the live duplicate index reallocates its tables as it grows
    options = options or ImportOptions()
    inputs = list(inputs)
    batch_id = str(uuid.uuid4())
    extract_dir = case.root / TEMP / f"extract-{batch_id}"
    state = ImportProgress()
    summary = ImportSummary(batch_id, "interrupted")
    run = _ImportRun(case, options, batch_id, summary, state, progress or (lambda p: None), on_file)
    started = False
    # importing: no other process may clean our temp files meanwhile
    with importing(case.root), _page_cache(case.conn, IMPORT_CACHE_KIB):
        try:
            found = scan(inputs, extract_to=extract_dir, limits=options.archive_limits, cancel=cancel, exclude=case.root)
            state.files_total = len(found.candidates) + len(found.skipped)
            state.bytes_total = found.total_bytes
            todo, known = run.sort_out(found.candidates)
            _check_space(case.root, sum(c.size for c in todo))
            state.phase = "importing"
            with case.write():
                case.append(ev.IMPORT_STARTED, {
                    "batch_id": batch_id,
                    "inputs": [paths.display(paths.to_bytes(os.path.abspath(i))) for i in inputs],
                    "source_url": options.source_url,
                    "note": options.note,
                    "files": state.files_total,
                    "bytes": state.bytes_total,
                })
            started = True
            for skipped in found.skipped:
                run.reject(skipped.path, skipped.reason, skipped.message)
            for c, (item_id, sha256) in known:
                run.mark_known(c, item_id, sha256)
            try:
                run.process(todo, cancel)
            except (sqlite3.Error, EventLogError) as exc:
                raise _write_failed(case, exc) from exc
            summary.state = "cancelled" if cancel() else "completed"
        finally:
            if started:
                run.finish()
            shutil.rmtree(extract_dir, ignore_errors=True)
    return summary


#: SQLite's page cache while importing, in KiB (a case connection keeps 64 MiB for browsing). Writing
#: touches the recent end of the log and one leaf of each index per item; a larger cache only held
#: more of the case as it grew (64 MiB after 5,000 photos) without making the import faster.
IMPORT_CACHE_KIB = 16 * 1024


@contextmanager
def _page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """``PRAGMA cache_size`` of ``conn`` at most ``kib`` KiB for the block, then as it was."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    if before >= 0 or -before > kib:  # a negative cache_size is in KiB, a positive one in pages
        conn.execute(f"PRAGMA cache_size = {-kib}")
        conn.execute("PRAGMA shrink_memory")  # give back what the larger cache held
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


#: Room kept free beyond the originals: thumbnails, the database, its journal.
SPACE_MARGIN_BYTES = 64 * 2**20
SPACE_MARGIN_RATIO = 0.05


def _check_space(root: Path, needed: int) -> None:
    """Refuse an import that clearly cannot fit (``needed``: bytes of the files not yet in the case)."""
    free = shutil.disk_usage(root).free
    want = int(needed * (1 + SPACE_MARGIN_RATIO)) + SPACE_MARGIN_BYTES
    if free < want:
        raise IngestError(
            f"not enough free space for this import: it needs about {want / 1e9:.2f} GB on the case's disk, "
            f"{free / 1e9:.2f} GB is free. Free some space or import fewer files; nothing was imported."
        )


@dataclass(frozen=True)
class _Recorded:
    """What the writer recorded for a task once its bytes were preserved."""

    item_id: str
    status: str
    sha256: str
    media_type: str
    changed_during_copy: bool
    skip: bool  # told not to parse: these bytes were analysed before


class _ImportRun:
    """State of one import: the pool, the open write batch, and what each task has done so far."""

    def __init__(self, case: Case, options: ImportOptions, batch_id: str, summary: ImportSummary,
                 state: ImportProgress, progress: ProgressFn, on_file: OutcomeFn | None) -> None:
        self.case = case
        self.options = options
        self.batch_id = batch_id
        self.summary = summary
        self.state = state
        self.progress = progress
        self.on_file = on_file
        self.batch_started = 0.0
        self.batch_events = 0
        self.tasks: dict[int, Candidate] = {}
        self.recorded: dict[int, _Recorded] = {}
        self.unsynced: set[Path] = set()  # store folders given new names since the last commit
        # Near-duplicate matching as items land, not only as a batch (its modules load in the background
        # while the workers start, see process()).
        self._live: LiveMatcher | None = None
        self._matching_loaded: threading.Thread | None = None
        self.live_matched = time.monotonic()

    # ---- the write batch -------------------------------------------------------------------
    def _append(self, kind: str, payload: dict[str, Any], item_id: str | None = None) -> None:
        if not self.case.conn.in_transaction:
            self.case.conn.execute("BEGIN IMMEDIATE")
            self.batch_started = time.monotonic()
            self.batch_events = 0
        self.case.append(kind, payload, item_id=item_id)
        self.batch_events += 1
        testhooks.crash_point("in_transaction")

    def _commit_if_due(self, force: bool = False) -> None:
        if self.case.conn.in_transaction and (
            force or self.batch_events >= COMMIT_EVENTS or time.monotonic() - self.batch_started >= COMMIT_SECONDS
        ):
            self._commit()
            if time.monotonic() - self.live_matched >= LIVE_MATCH_SECONDS:
                self.live().refresh()
                self.live_matched = time.monotonic()

    def _commit(self) -> None:
        # The store folders of the originals this batch names: their new names become durable first.
        for folder in self.unsynced:
            fsync_dir(folder)
        self.unsynced.clear()
        try:
            self.case.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _write_failed(self.case, exc) from exc
        testhooks.crash_point("after_commit")

    def live(self) -> LiveMatcher:
        if self._live is None:
            if self._matching_loaded is not None:
                self._matching_loaded.join()
            from ..similarity.service import LiveMatcher

            self._live = LiveMatcher(self.case)
        return self._live

    # ---- the work -------------------------------------------------------------------------
    def process(self, todo: list[Candidate], cancel: Callable[[], bool]) -> None:
        if not todo:
            return
        items = self.case.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] + len(todo)
        self._matching_loaded = threading.Thread(target=_load_matching, args=(items,), name="load-matching",
                                                 daemon=True)
        self._matching_loaded.start()
        root = str(self.case.root)
        with WorkerPool(preserve_and_analyse, workers=self.options.workers, time_limit=self.options.time_limit,
                        memory_limit=self.options.memory_limit, initializer=worker_init, prefetch=True) as pool:
            for c in todo:
                self.tasks[pool.submit({"path": c.path, "name": c.name, "case_root": root})] = c
            cancelled = False
            while pool.pending():
                if cancel() and not cancelled:
                    cancelled = True
                    for task_id in pool.cancel_pending():
                        self.tasks.pop(task_id)
                # Questions first: a worker waiting for its answer is idle; a result can wait a moment.
                for msg in sorted(pool.poll(timeout=0.2), key=lambda m: not isinstance(m, Question)):
                    if isinstance(msg, Question):
                        self._on_preserved(msg.task_id, msg.payload, pool.reply)
                    elif isinstance(msg, TaskResult):
                        self._on_result(msg)
                self._commit_if_due()
                self.progress(self.state)

    def sort_out(self, candidates: list[Candidate]) -> tuple[list[Candidate], list[tuple[Candidate, tuple[str, str]]]]:
        """The files still to import, and those (with item id and SHA-256) that this very file (path, member,
        size, mtime) brought in and had analysed before."""
        todo, known = [], []
        for c in candidates:
            row = self.case.conn.execute(
                "SELECT s.item_id, i.sha256 FROM sightings s JOIN items i ON i.id = s.item_id"
                " WHERE s.original_path_b64 = ? AND s.archive_member IS ? AND s.size = ? AND s.mtime_ns = ?"
                " AND i.analysis != 'pending' LIMIT 1",
                (paths.b64(c.origin), c.member, c.size, c.mtime_ns),
            ).fetchone()
            if row is None:
                todo.append(c)
            else:
                known.append((c, (row[0], row[1])))
        return todo, known

    def mark_known(self, c: Candidate, item_id: str, sha256: str) -> None:
        self._done(c, FileOutcome(c.display, "known", item_id, sha256))

    def _on_preserved(self, task_id: int, p: dict[str, Any], reply: Callable[[int, str], None]) -> None:
        """Tell the worker whether its parse counts, then record the preserved bytes and this sighting.

        The worker sent this before any parser ran and is parsing meanwhile; it reads the answer only
        afterwards (a skip discards the parse). The pool hands over everything a worker sent before it
        reports how the worker ended, and this one thread appends the events before it handles that
        end, so a parser crash is only seen once the original is recorded (and a failed append stops
        the import, as it always did).
        """
        c = self.tasks[task_id]
        self.state.current = c.display
        row = self.case.conn.execute("SELECT id, analysis FROM items WHERE sha256 = ?", (p["sha256"],)).fetchone()
        skip = row is not None and row[1] != "pending"
        reply(task_id, SKIP if skip else ANALYSE)
        with self.case.write():  # a savepoint: the pair commits together or not at all
            if row is None:
                item_id, status = str(uuid.uuid4()), "imported"
                self._append(ev.ITEM_IMPORTED, {
                    "sha256": p["sha256"], "md5": p["md5"], "size": p["size"], "stored_path": p["stored_path"],
                    "media_type": p["media_type"], "mime": p["mime"], "format": p["format"],
                    "display_name": c.name,
                }, item_id)
            else:
                item_id, status = row[0], "sighted"
            if not self._has_sighting(item_id, c):
                self._append(ev.ITEM_SIGHTED, self._sighting(c, p), item_id)
            elif status == "sighted":
                status = "analysed_again"
        self.recorded[task_id] = _Recorded(item_id, status, p["sha256"], p["media_type"], p["changed_during_copy"],
                                           skip)
        self.unsynced.add((self.case.root / p["stored_path"]).parent)

    def _has_sighting(self, item_id: str, c: Candidate) -> bool:
        return self.case.conn.execute(
            "SELECT 1 FROM sightings WHERE item_id = ? AND original_path_b64 = ? AND archive_member IS ?"
            " AND size = ? AND mtime_ns = ?",
            (item_id, paths.b64(c.origin), c.member, c.size, c.mtime_ns),
        ).fetchone() is not None

    def _sighting(self, c: Candidate, preserved: dict[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "batch_id": self.batch_id,
            "original_path": c.display,
            "original_path_b64": paths.b64(c.origin),
            "archive_member": c.member,
            "size": c.size,
            "mtime_ns": c.mtime_ns,
            "mtime": datetime.fromtimestamp(c.mtime_ns / 1e9, timezone.utc).isoformat(),
            "source_url": self.options.source_url,
            "note": self.options.note,
            "changed_during_copy": preserved["changed_during_copy"],
            "sidecar": None,
            "fields": [vars(f) for f in fields_from_filename(c.name)],
        }
        if c.sidecar is not None:
            payload["sidecar"], extra = _read_sidecar(c.sidecar)
            payload["fields"].extend(extra)
        return payload

    def _on_result(self, result: TaskResult) -> None:
        c = self.tasks.pop(result.task_id)
        recorded = self.recorded.pop(result.task_id, None)
        if recorded is None:  # failed before the bytes were preserved: nothing to keep
            if result.outcome == "ok" and "not_preserved" in result.value:
                reason, message = result.value["not_preserved"]["reason"], result.value["not_preserved"]["message"]
            else:
                reason = "not_preserved" if result.outcome == "error" else result.outcome
                message = result.message
            self.reject(c.origin, reason, message, member=c.member, size=c.size)
            return
        item_id, status, sha256, media_type = recorded.item_id, recorded.status, recorded.sha256, recorded.media_type
        problems: list[tuple[str, str]] = []
        if recorded.changed_during_copy:
            problems.append(("changed_during_copy", "the file changed while it was being copied: the case holds "
                             "the bytes that were read, which may differ from the file now on disk"))
        if recorded.skip:  # a parse of bytes analysed before (the worker parses before it reads the answer)
            pass
        elif result.outcome == "ok" and "analysis" in result.value:
            analysis = result.value["analysis"]
            problems += [(x["kind"], x["message"]) for x in analysis["problems"]]
            self._append(ev.ITEM_ANALYSED, {"outcome": "ok", "analysis": analysis}, item_id)
        elif result.outcome != "ok":
            kind = "crashed" if result.outcome == "error" else result.outcome
            message = f"the parser failed: {result.message}"
            problems.append((kind, message))
            self._append(ev.ITEM_ANALYSED, {
                "outcome": result.outcome,
                "analysis": {"media_type": media_type, "raw": [], "fields": [], "hashes": [], "low_information": False,
                             "problems": [{"kind": kind, "message": message, "stage": "worker"}]},
            }, item_id)
        self._done(c, FileOutcome(c.display, status, item_id, sha256, tuple(problems)))  # type: ignore[arg-type]

    def reject(self, path: bytes, reason: str, message: str, *, member: str | None = None, size: int = 0) -> None:
        shown = paths.display(path) + (f"!/{member.split('!/', 1)[1]}" if member else "")
        self._append(ev.FILE_REJECTED, {
            "batch_id": self.batch_id, "original_path": shown, "original_path_b64": paths.b64(path),
            "archive_member": member, "reason": reason, "message": message,
        })
        self._done(None, FileOutcome(shown, "rejected", problems=((reason, message),)), size)

    def _done(self, c: Candidate | None, outcome: FileOutcome, size: int = 0) -> None:
        self.summary.add(outcome)
        self.state.files_done += 1
        self.state.bytes_done += c.size if c else size
        self.summary.bytes += c.size if c else 0
        if outcome.problems:
            self.state.errors += 1
        if self.on_file is not None:
            self.on_file(outcome)

    def finish(self) -> None:
        """Commit what is done and close the batch with its summary (also after Ctrl-C)."""
        self.state.phase = "finishing"
        self.summary.files_total = self.state.files_total
        self.summary.seconds = round(self.state.elapsed, 3)
        try:
            if self.case.conn.in_transaction:
                self._commit()
            self.live().refresh()
            summary = {k: v for k, v in vars(self.summary).items() if k not in ("batch_id", "state")}
            with self.case.write():
                self.case.append(ev.IMPORT_FINISHED, {"batch_id": self.batch_id, "state": self.summary.state,
                                                      "summary": summary})
        except (sqlite3.Error, EventLogError) as exc:
            raise _write_failed(self.case, exc) from exc
        self.progress(self.state)


def _write_failed(case: Case, exc: Exception) -> IngestError:
    """Roll back what could not be committed and name the failure (a full disk, most often)."""
    if case.conn.in_transaction:
        try:
            case.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
    cause = exc.__cause__ if isinstance(exc, EventLogError) and exc.__cause__ else exc
    full = getattr(cause, "sqlite_errorcode", None) == 13 or "full" in str(cause)  # SQLITE_FULL
    what = "the case's disk is full" if full else f"the case could not be written ({cause})"
    then = "free some space and run" if full else "run"
    return IngestError(f"import stopped: {what}. Files recorded so far are safe; {then} the same import again "
                       "to bring in the rest.")


def _load_matching(items: int) -> None:
    """Import the matching modules, and numba's compiled search if a case of ``items`` items will need it.

    numba takes about a second to import and load its kernels: in the background, while the workers
    start, rather than in the middle of the import, stalling the workers waiting for the writer.
    """
    from ..similarity.service import needs_compiled_search

    if needs_compiled_search(items):
        from ..similarity.index import warm_up

        warm_up()


def _read_sidecar(path: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The sidecar's source record and its field values; a broken sidecar is recorded as such."""
    try:
        record = read_info_json(Path(os.fsdecode(path)))
    except (SidecarError, OSError) as exc:
        return {"path": paths.display(path), "error": str(exc)}, []
    data = json.loads(json.dumps(vars(record), default=str))
    data["path"] = paths.display(path)
    return data, [vars(f) for f in sidecar_fields(record)]
