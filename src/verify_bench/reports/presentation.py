"""Wording and number formats shared by the HTML and PDF reports (so both read the same)."""

from __future__ import annotations

import re
from typing import Any

#: Characters that are invisible or reorder text (bidi overrides and isolates, C0/C1 controls): a name
#: such as "photo\u202egpj.exe" must not display as something it is not. Reports show them as ⟨U+XXXX⟩.
_HIDDEN = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

CHECK_RESULT_LABELS = {"pass": "pass", "fail": "FAIL", "unknown": "unknown", None: "not recorded"}


def describe_scope(data: dict[str, Any]) -> str:
    return str(data["report"]["scope"].get("description") or "the whole case")


def fmt_bytes(n: int | None) -> str:
    if n is None:
        return "—"
    if n >= 1_000_000:
        return f"{n:,} bytes ({n / 1e6:.1f} MB)"
    return f"{n:,} bytes ({n / 1e3:.1f} KB)" if n >= 1000 else f"{n:,} bytes"


def fmt_coord(value: float | None) -> str:
    return "—" if value is None else f"{value:.6f}"


def fmt_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt_value(v) for v in value)
    return str(value)


def sidecar_lines(sidecar: dict[str, Any] | None) -> list[tuple[str, str]]:
    """What a downloaded file's sidecar says about where it was published, as label/value pairs."""
    if not sidecar:
        return []
    labels = (("webpage_url", "page"), ("uploader", "uploader"), ("uploader_id", "uploader id"),
              ("channel", "channel"), ("timestamp", "uploaded at"), ("upload_date", "upload date"),
              ("title", "title"), ("extractor", "platform"), ("id", "post id"))
    return [(label, str(sidecar[key])) for key, label in labels if sidecar.get(key)]


def time_range(candidate: dict[str, Any] | None) -> str:
    if not candidate:
        return "—"
    earliest, latest = candidate["earliest"], candidate["latest"]
    return earliest if earliest == latest else f"{earliest} – {latest}"


def visible(value: Any) -> Any:
    """Text with invisible and reordering control characters shown as ``⟨U+XXXX⟩`` (other values unchanged)."""
    if not isinstance(value, str):
        return value
    return _HIDDEN.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", value)
