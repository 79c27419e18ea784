"""``manifest.json``: every file of an export with its SHA-256 and size, and the log head it was made at.

The manifest cannot list itself, and the report files cannot show the hash of a manifest that lists
them. So: the manifest lists every file (reports, data, originals, the event-log excerpt); its own
SHA-256 is written beside it in ``manifest.sha256`` (the format ``sha256sum -c`` reads), printed by the
CLI, recorded in the case's log (``report.exported``) and, optionally, timestamped (RFC 3161). The
HTML and PDF reports show the SHA-256 of ``report.json``, the complete data they render.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
MANIFEST_SHA256 = "manifest.sha256"
MANIFEST_VERSION = 1
#: Files beside the manifest that it does not (cannot) list: they are about the manifest itself.
ABOUT_MANIFEST = frozenset({MANIFEST, MANIFEST_SHA256, "manifest.tsq", "manifest.tsr"})
_CHUNK = 1 << 20


def sha256_file(path: Path, cancel: Callable[[], bool] | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if cancel is not None and cancel():
                from .errors import ReportCancelled
                raise ReportCancelled("the export was cancelled")
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(root: Path, path: Path, role: str, **extra: Any) -> dict[str, Any]:
    return {"path": path.relative_to(root).as_posix(), "role": role, "size": path.stat().st_size,
            "sha256": sha256_file(path), **extra}


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as written: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(root: Path, manifest: dict[str, Any]) -> str:
    """Write ``manifest.json`` and ``manifest.sha256``; return the manifest's SHA-256."""
    data = manifest_bytes(manifest)
    (root / MANIFEST).write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    (root / MANIFEST_SHA256).write_text(f"{digest}  {MANIFEST}\n", encoding="ascii")
    return digest
