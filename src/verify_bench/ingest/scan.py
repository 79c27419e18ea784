"""Turn the user's inputs (files, folders, archives) into a list of files to import.

Folders are walked without following symbolic links; links, FIFOs, devices and
sockets are never opened and are reported with a reason. Archives are preserved
as items themselves and their members extracted safely into the case's temp area.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..metadata.sidecars import find_sidecar
from . import paths
from .archives import ArchiveError, ArchiveLimits, ArchiveResult, extract_archive, is_archive
from .sandbox import TaskResult, WorkerPool

SIDECAR_SUFFIX = b".info.json"


@dataclass(frozen=True)
class Candidate:
    """One file to preserve and analyse."""

    path: bytes                 # where to read it now
    origin: bytes               # the path as received (for an archive member: the archive's path)
    member: str | None          # archive member, "outer.zip!/dir/a.jpg", or None
    size: int
    mtime_ns: int
    sidecar: bytes | None = None  # a yt-dlp .info.json next to it

    @property
    def display(self) -> str:
        shown = paths.display(self.origin)
        return f"{shown}!/{self.member.split('!/', 1)[1]}" if self.member else shown

    @property
    def name(self) -> str:
        return self.member.rsplit("/", 1)[-1] if self.member else paths.basename(self.origin)


@dataclass(frozen=True)
class Skipped:
    """An input that was not imported, and why (``reason`` is a short code)."""

    path: bytes
    reason: str
    message: str


@dataclass
class ScanResult:
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(c.size for c in self.candidates)


def scan(
    inputs: Iterable[str | bytes | os.PathLike[str]],
    *,
    extract_to: Path,
    limits: ArchiveLimits | None = None,
    cancel: Callable[[], bool] = lambda: False,
    exclude: Path | None = None,
) -> ScanResult:
    """List the files to import. Archive members are extracted below ``extract_to``.

    ``exclude`` is a folder never walked into: the case itself, when the user imports a
    folder that contains it.
    """
    result = ScanResult()
    excluded = os.path.realpath(os.fsencode(exclude)) if exclude is not None else None
    for given in inputs:
        if cancel():
            break
        raw = paths.to_bytes(given)
        absolute = os.path.abspath(raw)
        try:
            st = os.stat(absolute)  # a path the user named explicitly may be a link: follow it
        except OSError as exc:
            result.skipped.append(Skipped(absolute, "unreadable", _os_message(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(absolute, result, cancel, excluded)
        else:
            _add_file(absolute, st, result)
    _attach_sidecars(result)
    _expand_archives(result, extract_to, limits or ArchiveLimits(), cancel)
    return result


def _walk(root: bytes, result: ScanResult, cancel: Callable[[], bool], excluded: bytes | None) -> None:
    def on_error(exc: OSError) -> None:
        where = paths.to_bytes(exc.filename) if exc.filename else root
        result.skipped.append(Skipped(where, "unreadable", _os_message(exc)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        if cancel():
            return
        if excluded is not None:
            dirnames[:] = [d for d in dirnames if os.path.realpath(os.path.join(dirpath, d)) != excluded]
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            full = os.path.join(dirpath, name)
            try:
                st = os.lstat(full)
            except OSError as exc:
                result.skipped.append(Skipped(full, "unreadable", _os_message(exc)))
                continue
            _add_file(full, st, result)


def _add_file(path: bytes, st: os.stat_result, result: ScanResult) -> None:
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        result.skipped.append(Skipped(path, "symlink", "symbolic link inside a folder: not followed"))
    elif not stat.S_ISREG(mode):
        kind = "FIFO" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "socket"
        result.skipped.append(Skipped(path, "special_file", f"{kind}, not a regular file: never opened"))
    else:
        result.candidates.append(Candidate(path, path, None, st.st_size, st.st_mtime_ns))


def _attach_sidecars(result: ScanResult) -> None:
    updated = []
    for c in result.candidates:
        if c.member is None and not c.origin.endswith(SIDECAR_SUFFIX):
            found = find_sidecar(Path(os.fsdecode(c.origin)))
            if found is not None:
                c = Candidate(c.path, c.origin, c.member, c.size, c.mtime_ns, os.fsencode(found))
        updated.append(c)
    result.candidates = updated


ARCHIVE_TIME_LIMIT = 900.0
ARCHIVE_MEMORY_LIMIT = 2 * 2**30


def _extract_in_worker(task: tuple[str, str, ArchiveLimits], channel: object) -> ArchiveResult | str:
    """Runs in a disposable process: archive libraries can hang or exhaust memory on hostile input."""
    path, dest, limits = task
    try:
        return extract_archive(Path(path), Path(dest), limits=limits)
    except ArchiveError as exc:
        return f"members not extracted: {exc}"


def _expand_archives(result: ScanResult, extract_to: Path, limits: ArchiveLimits, cancel: Callable[[], bool]) -> None:
    archives = [c for c in result.candidates if is_archive(Path(os.fsdecode(c.path)))]
    if not archives:
        return
    members: list[Candidate] = []
    with WorkerPool(_extract_in_worker, workers=1, time_limit=ARCHIVE_TIME_LIMIT,
                    memory_limit=ARCHIVE_MEMORY_LIMIT) as pool:
        tasks: dict[int, Candidate] = {}
        for n, c in enumerate(archives):
            dest = extract_to / f"archive-{n}"
            dest.mkdir(parents=True, exist_ok=True)
            tasks[pool.submit((os.fsdecode(c.path), str(dest), limits))] = c
        while pool.pending() and not cancel():
            for done in pool.poll(timeout=0.2):
                if isinstance(done, TaskResult):
                    members.extend(_record_extraction(result, tasks[done.task_id], done))
    result.candidates.extend(members)


def _record_extraction(result: ScanResult, archive: Candidate, done: TaskResult) -> list[Candidate]:
    if done.outcome != "ok":
        result.skipped.append(Skipped(archive.origin, "archive_refused",
                                      f"members not extracted ({done.outcome}): {done.message}"))
        return []
    if isinstance(done.value, str):
        result.skipped.append(Skipped(archive.origin, "archive_refused", done.value))
        return []
    for refused in done.value.refused:
        member = refused.member.split("!/", 1)[-1].encode("utf-8", "surrogateescape")
        result.skipped.append(Skipped(archive.origin + b"!/" + member, refused.reason, refused.message))
    # Members carry the archive's mtime: extraction time says nothing about the evidence.
    return [Candidate(os.fsencode(f.path), archive.origin, f.member, f.size, archive.mtime_ns)
            for f in done.value.files]


def _os_message(exc: OSError) -> str:
    return exc.strerror or str(exc)
