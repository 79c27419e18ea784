"""yt-dlp ``.info.json`` sidecars: where and when a downloaded file was published.

The upload time is when the platform received the file, not when it was recorded, so it
stays in :class:`SourceRecord` and never becomes ``taken_at``.
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..media.analysis import FieldValue

SIDECAR_SUFFIX = ".info.json"
MAX_TEXT = 2_000           # characters kept of a short text field (title, names, URLs)
MAX_DESCRIPTION = 20_000   # characters kept of the description
MAX_RAW_KEYS = 200         # scalar fields kept in ``raw``


class SidecarError(ValueError):
    """The sidecar is not a usable yt-dlp info JSON (invalid, not an object, too large)."""


@dataclass(frozen=True)
class SourceRecord:
    """What a yt-dlp sidecar says about the post a file was downloaded from (texts bounded)."""

    webpage_url: str | None
    uploader: str | None
    uploader_id: str | None
    channel: str | None
    upload_date: str | None  # "YYYY-MM-DD"
    timestamp: str | None    # upload instant, UTC "YYYY-MM-DDTHH:MM:SSZ"
    title: str | None
    description: str | None
    extractor: str | None
    id: str | None
    duration: float | None   # seconds
    raw: dict[str, Any] = field(default_factory=dict)  # top-level scalar fields only


def find_sidecar(media_path: Path) -> Path | None:
    """``<stem>.info.json`` or ``<name>.info.json`` beside the file, if it is a regular file (not a link)."""
    for candidate in (media_path.with_name(media_path.stem + SIDECAR_SUFFIX),
                      media_path.with_name(media_path.name + SIDECAR_SUFFIX)):
        try:
            if stat.S_ISREG(os.lstat(candidate).st_mode):
                return candidate
        except OSError:
            continue
    return None


def read_info_json(path: Path, *, max_bytes: int = 20_000_000) -> SourceRecord:
    """Parse a sidecar. Raises :class:`SidecarError` for bad content and ``OSError`` if it cannot be read."""
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SidecarError(f"sidecar {path.name} is larger than {max_bytes} bytes: not read")
    try:
        obj = json.loads(data, parse_constant=lambda _: None)  # NaN/Infinity literals -> null
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise SidecarError(f"sidecar {path.name} is not valid JSON: {type(exc).__name__}: {exc}") from None
    if not isinstance(obj, dict):
        raise SidecarError(f"sidecar {path.name} holds a JSON {type(obj).__name__}, not an object")
    return SourceRecord(
        webpage_url=_text(obj, "webpage_url"),
        uploader=_text(obj, "uploader"),
        uploader_id=_text(obj, "uploader_id"),
        channel=_text(obj, "channel"),
        upload_date=_upload_date(obj.get("upload_date")),
        timestamp=_timestamp(obj.get("timestamp")),
        title=_text(obj, "title"),
        description=_text(obj, "description", MAX_DESCRIPTION),
        extractor=_text(obj, "extractor") or _text(obj, "extractor_key"),
        id=_text(obj, "id"),
        duration=_number(obj.get("duration")),
        raw=_scalars(obj),
    )


def sidecar_fields(rec: SourceRecord) -> list[FieldValue]:
    """Normalised fields a sidecar states (source "sidecar"): title, description, author (the uploader)."""
    values = {"title": rec.title, "description": rec.description, "author": rec.uploader or rec.channel}
    return [FieldValue(name, value, "sidecar") for name, value in values.items() if value]


def _text(obj: dict[str, Any], key: str, limit: int = MAX_TEXT) -> str | None:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):  # ids are sometimes numbers
        value = str(value)
    if not isinstance(value, str):
        return None
    return _unicode(value.strip()[:limit]) or None


def _unicode(text: str) -> str:
    """``text`` with lone surrogates (JSON may spell them, ``"\\ud800"``) as U+FFFD: events hold UTF-8 only."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _upload_date(value: Any) -> str | None:
    """yt-dlp's "YYYYMMDD" -> "YYYY-MM-DD"; None unless it is a real date."""
    if not (isinstance(value, str) and len(value) == 8 and value.isdigit() and value.isascii()):
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").date().isoformat()
    except ValueError:
        return None


def _timestamp(value: Any) -> str | None:
    """Seconds since the epoch -> UTC "YYYY-MM-DDTHH:MM:SSZ"."""
    number = _number(value)
    if number is None:
        return None
    try:
        return datetime.fromtimestamp(int(number), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _scalars(obj: dict[str, Any]) -> dict[str, Any]:
    """The small top-level fields: strings (bounded), numbers, booleans and nulls; lists and objects dropped."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if len(out) == MAX_RAW_KEYS:
            break
        if isinstance(value, str):
            out[_unicode(key[:MAX_TEXT])] = _unicode(value[:MAX_TEXT])
        elif value is None or isinstance(value, (bool, int)) or (isinstance(value, float) and math.isfinite(value)):
            out[_unicode(key[:MAX_TEXT])] = value
    return out
