"""What one parse worker does with one file: preserve it, then analyse it.

Runs inside a disposable process (:mod:`verify_bench.ingest.sandbox`). Phase one
reads the file once, hashing and copying the same bytes into the store; the parent
records the item *before* phase two parses anything, so a parser crash can never
cost the original. Phase two feeds the bytes already in memory to the metadata
parsers and the reduced-size decoder.
"""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from pathlib import Path
from typing import Any

from ..media.analysis import Analysis, analysis_to_json
from ..media.sniff import HEAD_BYTES, sniff
from ..originals import TEMP, extension_for, find_stored, fsync_dir, make_read_only, relpath_for
from .derived import write_derived

CHUNK = 4 * 2**20
#: Images up to this size are kept in memory after the single read; larger files are streamed.
INLINE_LIMIT = 256 * 2**20

ANALYSE = "analyse"
SKIP = "skip"


class FileChangedError(OSError):
    """The source changed while it was being copied."""


def worker_init() -> None:
    """Run once per worker process: keep native libraries to one thread each (we parallelise by process)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from ..media import image, video  # noqa: F401 - import heavy modules before the first file
    from ..metadata import exif  # noqa: F401


def preserve_and_analyse(task: dict[str, Any], channel: Any) -> dict[str, Any]:
    """Task: ``{"path": bytes, "name": str, "case_root": str}``. Returns ``{"analysis": …}`` or ``{"skipped": True}``."""
    root = Path(task["case_root"])
    preserved, data, head = _preserve(task["path"], task["name"], root)
    if channel.ask(preserved) != ANALYSE:
        return {"skipped": True}
    analysis = analyse(data, head, root / preserved["stored_path"])
    write_derived(root, preserved["sha256"], analysis)
    return {"analysis": analysis_to_json(analysis)}


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
                    sha.update(data)
                    md5.update(data)
                    out.write(data)
                    size = len(data)
                else:
                    size = 0
                    while size < before.st_size and (chunk := f.read(min(CHUNK, before.st_size - size))):
                        sha.update(chunk)
                        md5.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
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


def _place(root: Path, tmp: Path, sha256: str, ext: str) -> str:
    """Move a fully written temp file to its content address (or drop it: those bytes are stored already)."""
    existing = find_stored(root, sha256)
    if existing is not None:
        return existing
    rel = relpath_for(sha256, ext)
    final = root / rel
    final.parent.mkdir(parents=True, exist_ok=True)
    make_read_only(tmp)
    os.replace(tmp, final)
    fsync_dir(final.parent)
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
    analysis.mime = analysis.mime or sniffed.mime
    analysis.format = analysis.format or sniffed.format
    return analysis
