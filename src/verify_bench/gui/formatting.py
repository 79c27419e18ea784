"""How values read on screen: sizes, times, durations, statuses."""

from __future__ import annotations

STATUS_LABELS = {"pending": "Analysing…", "ok": "OK", "problems": "Problems", "failed": "Failed"}


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def short_time(value: str | None) -> str:
    """ISO-ish timestamps as ``YYYY-MM-DD HH:MM:SS`` (offsets and fractions dropped for lists)."""
    if not value:
        return ""
    text = value.replace("T", " ")
    return text[:19]


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.1f} s"
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def eta(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    total = int(round(seconds))
    return f"{total // 60}:{total % 60:02d}"


#: Normalised field names as people read them.
FIELD_LABELS = {
    "taken_at": "Taken", "taken_at_offset": "Time zone offset", "make": "Camera make", "model": "Camera model",
    "software": "Software", "lens": "Lens", "orientation": "Orientation", "gps_lat": "GPS latitude",
    "gps_lon": "GPS longitude", "gps_alt": "GPS altitude (m)", "gps_direction": "GPS direction (°)",
    "gps_time": "GPS time", "creation_time": "Created (container)", "codec": "Codec", "frame_rate": "Frame rate",
    "rotation": "Rotation", "title": "Title", "uploader": "Uploader", "upload_date": "Upload date",
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


#: Event kinds as a history line reads.
EVENT_LABELS = {
    "item.imported": "Imported: bytes preserved in the case",
    "item.sighted": "Seen at a path or URL (sighting recorded)",
    "item.analysed": "Analysed: metadata, hashes, thumbnail",
    "item.flagged": "Flag changed (e.g. sensitive)",
    "match.confirmed": "Match confirmed",
    "match.rejected": "Match rejected",
}
