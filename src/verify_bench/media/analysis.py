"""Plain data passed from the parse worker to the case store.

Everything here is picklable and JSON-able (see :func:`analysis_to_json`), because
it crosses a process boundary and is then written into an event payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

MediaType = Literal["image", "video", "other"]
#: "phash", "dhash", and the matching variants named in verify_bench.similarity.variants.MATCH_ALGOS.
HashAlgo = str
ProblemKind = Literal[
    "unsupported",       # not a format we parse; preserved and hashed only
    "truncated",         # the file ends early
    "corrupt",           # the parser rejected the data
    "metadata",          # metadata could not be read (picture may still be fine)
    "decompression_bomb",  # refused: too many pixels
    "timeout",           # the worker ran past its time limit
    "out_of_memory",     # the worker ran past its memory limit
    "crashed",           # the worker process died (native crash)
]


@dataclass(frozen=True)
class MetaEntry:
    """One raw tag exactly as a source states it (``source`` e.g. "EXIF", "GPS", "XMP", "container")."""

    source: str
    key: str
    value: str


@dataclass(frozen=True)
class FieldValue:
    """A normalised field as one source states it; several sources may disagree.

    ``field`` is one of :data:`NORMALISED_FIELDS`; ``value`` is a JSON scalar.
    ``source`` names where it came from: "exif", "xmp", "container", "filename", "sidecar", "decoder".
    """

    field: str
    value: Any
    source: str


@dataclass(frozen=True)
class PerceptualHash:
    """A 64-bit perceptual hash as 16 lowercase hex digits.

    ``frame_ts`` is the time in seconds for a video keyframe, ``None`` for a still.
    ``pipeline`` names the pinned decode/resize/grey pipeline and its version.
    """

    algo: HashAlgo
    bits: str
    frame_ts: float | None
    pipeline: str


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str
    stage: str = ""  # "sniff", "metadata", "decode", "hash", "thumbnail", "worker"


@dataclass
class Analysis:
    """Everything the parse worker learned about one file."""

    media_type: MediaType
    mime: str | None = None
    format: str | None = None          # container/codec family, e.g. "JPEG", "HEIF", "mov,mp4"
    width: int | None = None           # after orientation/rotation is applied
    height: int | None = None
    duration: float | None = None      # seconds, videos only
    raw: list[MetaEntry] = field(default_factory=list)
    fields: list[FieldValue] = field(default_factory=list)
    hashes: list[PerceptualHash] = field(default_factory=list)
    low_information: bool = False      # near-uniform picture: its hashes are noise
    thumbnail_jpeg: bytes | None = None  # upright, longest side <= 320 px
    strip_jpeg: bytes | None = None      # videos: keyframe strip
    problems: list[Problem] = field(default_factory=list)


NORMALISED_FIELDS: tuple[str, ...] = (
    "taken_at",          # local wall-clock ISO 8601 "YYYY-MM-DDTHH:MM:SS[.ffffff]"
    "taken_at_offset",   # "+HH:MM" when the file states it; absent = zone unknown
    "make",
    "model",
    "software",
    "lens",
    "orientation",       # EXIF orientation 1..8
    "gps_lat",           # decimal degrees, north positive
    "gps_lon",           # decimal degrees, east positive
    "gps_alt",           # metres above sea level (negative below)
    "gps_direction",     # degrees, image direction
    "gps_time",          # UTC ISO 8601 from GPSDateStamp + GPSTimeStamp
    "creation_time",     # videos: container creation_time, UTC ISO 8601
    "codec",
    "frame_rate",
    "rotation",          # videos: display rotation in degrees
    "title",
    "description",
    "author",
)


def analysis_to_json(analysis: Analysis) -> dict[str, Any]:
    """JSON form for event payloads; binary thumbnails are left out (they live in derived/)."""
    # Built by hand: dataclasses.asdict deep-copies every value and costs ~1 ms per photo.
    return {
        "media_type": analysis.media_type,
        "mime": analysis.mime,
        "format": analysis.format,
        "width": analysis.width,
        "height": analysis.height,
        "duration": analysis.duration,
        "raw": [{"source": m.source, "key": m.key, "value": m.value} for m in analysis.raw],
        "fields": [{"field": f.field, "value": f.value, "source": f.source} for f in analysis.fields],
        "hashes": [{"algo": h.algo, "bits": h.bits, "frame_ts": h.frame_ts, "pipeline": h.pipeline}
                   for h in analysis.hashes],
        "low_information": analysis.low_information,
        "problems": [{"kind": p.kind, "message": p.message, "stage": p.stage} for p in analysis.problems],
    }
