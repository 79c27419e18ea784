"""The content-addressed store of originals inside a case folder.

``originals/ab/cd/<sha256>.<ext>`` holds the exact bytes received, read-only.
Files are written to ``originals/.tmp/`` first, fsynced, then renamed into place,
so a kill leaves either nothing or a complete file (plus a temp file that the next
open of the case removes).
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

ORIGINALS = "originals"
TEMP = "originals/.tmp"
_EXT = re.compile(r"^[a-z0-9]{1,10}$")


def extension_for(name: str) -> str:
    """A safe, lower-case extension from an original's name ("" when there is none)."""
    _, dot, ext = name.rpartition(".")
    ext = ext.lower()
    return ext if dot and _EXT.match(ext) else ""


def relpath_for(sha256: str, ext: str) -> str:
    """Where the bytes with this SHA-256 live, relative to the case folder (always "/"-separated)."""
    name = f"{sha256}.{ext}" if ext else sha256
    return f"{ORIGINALS}/{sha256[:2]}/{sha256[2:4]}/{name}"


def find_stored(case_root: Path, sha256: str) -> str | None:
    """The relative path of an already stored copy of these bytes, whatever its extension."""
    folder = case_root / ORIGINALS / sha256[:2] / sha256[2:4]
    if not folder.is_dir():
        return None
    for entry in folder.iterdir():
        if entry.name == sha256 or entry.name.startswith(sha256 + "."):
            return f"{ORIGINALS}/{sha256[:2]}/{sha256[2:4]}/{entry.name}"
    return None


def make_read_only(path: Path) -> None:
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (a no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


LOCK_NAME = ".importing.lock"
#: Where file locks are unavailable, only temp files older than this are taken for left-overs.
STALE_SECONDS = 6 * 3600


@contextmanager
def importing(case_root: Path) -> Iterator[None]:
    """Held (shared) for the whole of an import, so that no other process cleans its temp files."""
    tmp = case_root / TEMP
    tmp.mkdir(parents=True, exist_ok=True)
    with open(tmp / LOCK_NAME, "a") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_SH)
        yield


def _nobody_importing(lock_path: Path) -> bool:
    if fcntl is None or not lock_path.exists():
        return fcntl is not None
    with open(lock_path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        fcntl.flock(lock, fcntl.LOCK_UN)
        return True


def clean_temp(case_root: Path) -> int:
    """Remove temporary files left by an interrupted import; returns how many were removed.

    While any process imports into the case (it holds :func:`importing`), nothing is removed.
    """
    tmp = case_root / TEMP
    removed = 0
    if not tmp.is_dir():
        return 0
    everything = _nobody_importing(tmp / LOCK_NAME)
    cutoff = time.time() - STALE_SECONDS
    for dirpath, dirnames, filenames in os.walk(tmp, topdown=False):
        for name in filenames:
            full = os.path.join(dirpath, name)
            if name == LOCK_NAME or not (everything or os.lstat(full).st_mtime < cutoff):
                continue
            os.chmod(full, stat.S_IWUSR | stat.S_IRUSR)
            os.unlink(full)
            removed += 1
        for name in dirnames:
            try:
                os.rmdir(os.path.join(dirpath, name))
            except OSError:  # not empty: files of a running import
                pass
    return removed


def iter_stored(case_root: Path) -> list[str]:
    """Relative paths of every file in the store (temp area excluded)."""
    base = case_root / ORIGINALS
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base):
        if Path(dirpath) == base:
            dirnames[:] = [d for d in dirnames if d != ".tmp"]
        for name in filenames:
            found.append(Path(dirpath, name).relative_to(case_root).as_posix())
    return sorted(found)
