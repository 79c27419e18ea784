"""Original paths as received: raw bytes for provenance, a safe display form for people."""

from __future__ import annotations

import base64
import os


def to_bytes(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> bytes:
    return os.fsencode(path)


def display(path: bytes) -> str:
    """Readable text for a path; undecodable bytes become ``\\xNN`` escapes (never lossy in b64 form)."""
    return path.decode("utf-8", errors="backslashreplace")


def b64(path: bytes) -> str:
    return base64.b64encode(path).decode("ascii")


def from_b64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def basename(path: bytes) -> str:
    return display(os.path.basename(path))
