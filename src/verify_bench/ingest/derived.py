"""Rebuildable files derived from originals: thumbnails and video keyframe strips."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from ..media.analysis import Analysis
from ..originals import TEMP
from . import testhooks

THUMBS = "derived/thumbs"
STRIPS = "derived/strips"


def thumb_path(root: Path, sha256: str) -> Path:
    return root / THUMBS / sha256[:2] / f"{sha256}.jpg"


def strip_path(root: Path, sha256: str) -> Path:
    return root / STRIPS / sha256[:2] / f"{sha256}.jpg"


def write_derived(root: Path, sha256: str, analysis: Analysis) -> None:
    if analysis.thumbnail_jpeg:
        write_atomic(root, thumb_path(root, sha256), analysis.thumbnail_jpeg)
    if analysis.strip_jpeg:
        write_atomic(root, strip_path(root, sha256), analysis.strip_jpeg)


def write_atomic(root: Path, path: Path, data: bytes) -> None:
    """Write a derived file of the case at ``root`` via its temp area (same disk), which opening the case
    clears after a kill. Outside an import, hold :func:`~verify_bench.originals.importing` around it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = root / TEMP / f"{uuid.uuid4().hex}.derived.tmp"
    try:
        tmp.write_bytes(data)
        testhooks.crash_point("thumbnail_write")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
