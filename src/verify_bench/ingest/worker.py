"""What one parse worker does with one file: preserve it, then analyse it.

Runs inside a disposable process (:mod:`verify_bench.ingest.sandbox`). Phase one
reads the file once, hashing and copying the same bytes into the store, and sends the
parent what it preserved; only then does phase two feed the bytes already in memory to
the metadata parsers and the reduced-size decoder. The worker does not wait for the
parent to record the item: that message is in the pipe before any parser runs, and the
parent reads everything a worker sent before it looks at how the worker ended, so a parser
crash still finds the item recorded and can never cost the original. The parent's answer
(parse, or skip bytes analysed before) is read after the parse, which a skip discards.

Durability, in order: the copy is written to the case's temp area and fsynced (the fsync runs while
the same bytes are hashed); only then is it renamed to its content address (so no name in the store
ever holds half-written bytes), and only then is the parent told. Before each commit the parent
fsyncs every store folder that received a name since the last one
(:meth:`verify_bench.ingest.pipeline._ImportRun._commit`), so no event naming an original commits
before the original's name is on disk. (One sync per folder and batch, where each worker used to
sync its file's folder itself: ext4 then writes those renames in one journal commit instead of one
per file, and two workers wait on the disk less.)
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
import uuid
from pathlib import Path
from typing import Any

from ..media.analysis import Analysis, Problem, analysis_to_json
from ..media.sniff import HEAD_BYTES, sniff
from ..originals import TEMP, extension_for, find_stored, make_read_only, relpath_for
from . import testhooks
from .derived import write_derived

CHUNK = 4 * 2**20
#: Images up to this size are kept in memory after the single read; larger files are streamed.
INLINE_LIMIT = 256 * 2**20

ANALYSE = "analyse"
SKIP = "skip"


class FileChangedError(OSError):
    """The source changed while it was being copied."""


def worker_init() -> None:
    """Run once per worker process (whose native thread pools the sandbox keeps to one thread each)."""
    from ..media import image  # noqa: F401 - import heavy modules before the first file
    from ..metadata import exif  # noqa: F401
    # media.video (PyAV, half a second) is imported by the first video: photo imports never need it.


def preserve_and_analyse(task: dict[str, Any], channel: Any) -> dict[str, Any]:
    """Task: ``{"path": bytes, "name": str, "case_root": str}``.

    Returns ``{"analysis": …}``, ``{"skipped": True}``, or ``{"not_preserved": {"reason", "message"}}``
    when the file could not be read or copied (reasons: ``disk_full``, ``io_error``, ``not_preserved``).
    """
    root = Path(task["case_root"])
    try:
        preserved, data, head = _preserve(task["path"], task["name"], root)
    except OSError as exc:  # the reason matters to the user: a full disk is not a bad file
        return {"not_preserved": {"reason": not_preserved_reason(exc), "message": f"{type(exc).__name__}: {exc}"}}
    channel.pose(preserved)  # the parent records the item while we parse
    testhooks.worker_fault(task["name"], channel)
    analysis = analyse(data, head, root / preserved["stored_path"])
    if channel.answer() != ANALYSE:
        return {"skipped": True}
    write_derived(root, preserved["sha256"], analysis)
    return {"analysis": analysis_to_json(analysis)}


def not_preserved_reason(exc: OSError) -> str:
    """A short code for why a file could not be copied into the store."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "disk_full"
    if exc.errno == errno.EIO:
        return "io_error"
    return "not_preserved"


def _preserve(src: bytes, name: str, root: Path) -> tuple[dict[str, Any], bytes | None, bytes]:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(src, flags)
    with os.fdopen(fd, "rb", buffering=0) as f:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise OSError(f"not a regular file (mode {stat.filemode(before.st_mode)})")
        head = f.read(HEAD_BYTES)
        f.seek(0)
        sniffed = sniff(head)
        tmp = root / TEMP / f"{uuid.uuid4().hex}.part"
        sha, md5 = hashlib.sha256(), hashlib.md5()
        data: bytes | None = None
        try:
            with open(tmp, "xb") as out:
                # Read no more than the size at open: a file that keeps growing must not keep us reading.
                if sniffed.media_type == "image" and before.st_size <= INLINE_LIMIT:
                    data = f.read(before.st_size)
                    testhooks.io_point("write")
                    out.write(data)
                    out.flush()
                    testhooks.crash_point("after_temp_write")
                    # The disk writes while we hash (hashlib and fsync both release the GIL).
                    synced = _Fsync(out.fileno())
                    try:
                        sha.update(data)
                        md5.update(data)
                    finally:
                        synced.wait()
                    size = len(data)
                else:
                    size = 0
                    while size < before.st_size and (chunk := f.read(min(CHUNK, before.st_size - size))):
                        sha.update(chunk)
                        md5.update(chunk)
                        testhooks.io_point("write")
                        out.write(chunk)
                        size += len(chunk)
                    out.flush()
                    testhooks.crash_point("after_temp_write")
                    _fsync(out.fileno())
                testhooks.crash_point("after_fsync")
            after = os.fstat(fd)
            changed = (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or size != before.st_size
            stored = _place(root, tmp, sha.hexdigest(), extension_for(name))
        finally:
            if tmp.exists():
                tmp.unlink()
    preserved = {
        "sha256": sha.hexdigest(),
        "md5": md5.hexdigest(),
        "size": size,
        "stored_path": stored,
        "media_type": sniffed.media_type,
        "mime": sniffed.mime,
        "format": sniffed.format,
        "changed_during_copy": changed,
    }
    return preserved, data, head


def _fsync(fd: int) -> None:
    testhooks.io_point("fsync")
    os.fsync(fd)


class _Fsync:
    """:func:`_fsync` in a thread, started at once; :meth:`wait` joins it and raises what it raised."""

    def __init__(self, fd: int) -> None:
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, args=(fd,))
        self._thread.start()

    def _run(self, fd: int) -> None:
        try:
            _fsync(fd)
        except OSError as exc:
            self._error = exc

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def _place(root: Path, tmp: Path, sha256: str, ext: str) -> str:
    """Move a fully written temp file to its content address (or drop it: those bytes are stored already)."""
    existing = find_stored(root, sha256)
    if existing is not None:
        return existing
    rel = relpath_for(sha256, ext)
    final = root / rel
    final.parent.mkdir(parents=True, exist_ok=True)
    make_read_only(tmp)
    testhooks.io_point("rename")
    os.replace(tmp, final)  # made durable by the parent, which syncs this folder before it commits the item
    testhooks.crash_point("after_rename")
    return rel


def analyse(data: bytes | None, head: bytes, stored: Path) -> Analysis:
    """Everything we can learn from the bytes; never raises for bad input."""
    sniffed = sniff(head)
    if sniffed.media_type == "image":
        from ..media.image import analyze_image
        from ..metadata.exif import read_image_metadata

        if data is None:
            data = stored.read_bytes()
        analysis = analyze_image(data, sniffed.format or "")
        raw, fields, problems = read_image_metadata(data, sniffed.format or "")
        analysis.raw.extend(raw)
        analysis.fields[:0] = fields
        analysis.problems.extend(problems)
    elif sniffed.media_type == "video":
        from ..media.video import analyze_video

        analysis = analyze_video(str(stored), sniffed.format)
    else:
        analysis = Analysis("other")
        analysis.problems.extend(_unrecognised(head, stored))
    analysis.mime = analysis.mime or sniffed.mime
    analysis.format = analysis.format or sniffed.format
    return analysis


#: Extensions that promise a picture or a video: content we cannot place under one is a finding.
MEDIA_EXTENSIONS = frozenset({"jpg", "jpeg", "jpe", "png", "gif", "webp", "tif", "tiff", "heic", "heif", "avif", "dng",
                              "mp4", "m4v", "mov", "3gp", "3g2", "avi", "mkv", "webm", "ts", "mts", "m2ts"})


def _unrecognised(head: bytes, stored: Path) -> list[Problem]:
    """Why a file that is neither a picture nor a video deserves a note (empty, or named as media)."""
    if not head:
        return [Problem("truncated", "the file is empty", "sniff")]
    ext = stored.suffix.lower().lstrip(".")
    if ext in MEDIA_EXTENSIONS:
        return [Problem("unsupported", f"named .{ext}, but its content is not a picture or video format we read",
                        "sniff")]
    return []
