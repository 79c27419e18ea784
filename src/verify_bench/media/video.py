"""Safe, keyframe-only analysis of videos with PyAV: metadata, keyframe hashes, thumbnail, strip.

Opening: FFmpeg may only use the ``file`` protocol and one of the demuxers in
:data:`ALLOWED_DEMUXERS` (``format_whitelist``, and the opened demuxer is checked again), none of
which opens other files (QuickTime data references stay off). A playlist (HLS ``.m3u8``,
``concat``) can therefore never make FFmpeg open other files or URLs.

Keyframes: only keyframe packets are read and decoded (``discard=nonkey`` on the stream and
``skip_frame=NONKEY`` in the decoder). At most one keyframe per :data:`MIN_KEYFRAME_GAP` seconds is
hashed (intra-only codecs flag every frame as key), and at most :data:`MAX_KEYFRAMES` per video
(longer videos widen the gap to ``duration / MAX_KEYFRAMES``). Each hashed keyframe is scaled by
FFmpeg to a grey picture with a short side of :data:`HASH_SHORT_SIDE` px (FFmpeg's luma plane, not
Pillow's RGB->L: within a bit or two for the same picture), turned upright, and hashed by
:func:`.hashing.fingerprint`. Low-information keyframes (black frames, fades) are not hashed, so they
cannot match every other video's black frames; a video whose every keyframe is low-information keeps
their hashes and is flagged ``low_information``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from typing import Any, BinaryIO

import av
from av.container import InputContainer
from av.stream import Discard, Disposition
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from .analysis import Analysis, FieldValue, MetaEntry, PerceptualHash, Problem
from ..similarity.variants import fingerprint_with_variants
from .sniff import HEAD_BYTES, sniff

ALLOWED_DEMUXERS = frozenset({"mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "mpegts"})
MIN_KEYFRAME_GAP = 0.5
MAX_KEYFRAMES = 2000
HASH_SHORT_SIDE = 320
THUMB_SIZE = 320
STRIP_TILES = 10
STRIP_HEIGHT = 90
THUMB_QUALITY = 85

_OPEN_OPTIONS = {
    "protocol_whitelist": "file",
    "format_whitelist": ",".join(sorted(ALLOWED_DEMUXERS)),
    "enable_drefs": "0",  # QuickTime data references to other files: never followed (FFmpeg's default too)
}
_LOCATION_KEYS = ("com.apple.quicktime.location.ISO6709", "location", "location-eng", "©xyz")
_TEXT_FIELDS = {
    "make": ("com.apple.quicktime.make", "make", "com.android.manufacturer"),
    "model": ("com.apple.quicktime.model", "model", "com.android.model"),
    "software": ("com.apple.quicktime.software", "software", "encoder"),
    "title": ("com.apple.quicktime.title", "title"),
    "description": ("com.apple.quicktime.description", "description", "comment"),
    "author": ("com.apple.quicktime.author", "artist", "author"),
}
#: QuickTime and Unix epoch zero: what muxers write when the clock was never set.
_UNSET_TIMES = (datetime(1904, 1, 1, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC))
_TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
_TRUNCATION_WORDS = ("truncat", "partial file")


def analyze_video(path: str, fmt: str | None) -> Analysis:
    """Metadata, keyframe hashes, thumbnail and keyframe strip of the video at ``path``.

    ``fmt`` is the FFmpeg demuxer named by the sniffer (``None``: let FFmpeg probe, among the allowed
    demuxers only). Never raises for bad input (``MemoryError`` excepted); what was learned before a
    failure is kept, and the failure becomes a :class:`Problem`.
    """
    analysis = Analysis("video", format=fmt)
    if fmt is not None and fmt not in ALLOWED_DEMUXERS:
        analysis.problems.append(Problem("unsupported", f"demuxer {fmt!r} is not allowed", "decode"))
        return analysis
    stage = "decode"
    try:
        with av.open(path, format=fmt, options=dict(_OPEN_OPTIONS), metadata_errors="replace") as container:
            if not set(container.format.name.split(",")) <= ALLOWED_DEMUXERS:
                analysis.problems.append(
                    Problem("unsupported", f"demuxer {container.format.name!r} is not allowed", "decode")
                )
                return analysis
            analysis.format = container.format.name
            stage = "metadata"
            _read_metadata(container, analysis)
            stream = next((s for s in container.streams.video if _is_picture_track(s)), None)
            if stream is None:
                analysis.problems.append(Problem("unsupported", "no decodable video stream", "decode"))
                return analysis
            stage = "decode"
            _read_keyframes(container, stream, analysis)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any exception type is expected from a parser
        analysis.problems.append(_classify(exc, path, stage))
        return analysis
    if _cut_short(path):
        analysis.problems.append(Problem("truncated", "the file ends before its container says it does", "decode"))
    elif not analysis.hashes:
        analysis.problems.append(Problem("corrupt", "no keyframe could be decoded", "decode"))
    return analysis


def _is_picture_track(stream: VideoStream) -> bool:
    """A decodable moving-picture track: not a codec-less data track, not embedded cover art."""
    return stream.codec_context is not None and not stream.disposition & Disposition.attached_pic


def parse_iso6709(s: str) -> tuple[float, float, float | None]:
    """``(lat, lon, alt)`` from an ISO 6709 point such as ``+51.4169-000.0806/``.

    Accepts degrees (``±DD.D±DDD.D``), degrees and minutes (``±DDMM.M±DDDMM.M``) and degrees, minutes
    and seconds (``±DDMMSS.S±DDDMMSS.S``), an optional altitude in metres, an optional ``CRS…`` suffix
    and the closing ``/``. Raises ``ValueError`` for anything else or out-of-range values.
    """
    m = re.fullmatch(r"\s*([+-]\d+(?:\.\d*)?)([+-]\d+(?:\.\d*)?)([+-]\d+(?:\.\d*)?)?(?:CRS[^/]*)?/?\s*", s)
    if m is None:
        raise ValueError(f"not an ISO 6709 point: {s!r}")
    lat, lon = _angle(m.group(1), 2, 90), _angle(m.group(2), 3, 180)
    return lat, lon, float(m.group(3)) if m.group(3) else None


def _angle(text: str, degree_digits: int, limit: float) -> float:
    """One signed ISO 6709 angle; the count of digits before the point tells D, DM or DMS."""
    whole, _, frac = text[1:].partition(".")
    extra = len(whole) - degree_digits
    if extra <= 0:
        value = float(text[1:])
    elif extra in (2, 4):
        parts = [float(whole[:degree_digits])] + [float(whole[i : i + 2]) for i in range(degree_digits, len(whole), 2)]
        parts[-1] += float(f"0.{frac}") if frac else 0.0
        if any(part >= 60 for part in parts[1:]):
            raise ValueError(f"ISO 6709 minutes or seconds out of range: {text!r}")
        value = sum(part / 60**i for i, part in enumerate(parts))
    else:
        raise ValueError(f"ambiguous ISO 6709 angle: {text!r}")
    if value > limit:
        raise ValueError(f"ISO 6709 angle out of range: {text!r}")
    return -value if text[0] == "-" else value


def _read_metadata(container: InputContainer, analysis: Analysis) -> None:
    """Every container and stream tag into ``raw``; the ones we understand into ``fields``."""
    tags: dict[str, str] = {}
    for stream in container.streams:
        for key, value in stream.metadata.items():
            analysis.raw.append(MetaEntry(f"stream:{stream.index}", key, value))
            tags.setdefault(key, value)
    for key, value in container.metadata.items():
        analysis.raw.append(MetaEntry("container", key, value))
        tags[key] = value  # the container's own statement wins over a stream's

    def put(name: str, value: Any) -> None:
        analysis.fields.append(FieldValue(name, value, "container"))

    created = _utc_time(tags.get("creation_time", ""))
    if created is not None:
        put("creation_time", created)
    local = _local_time(tags.get("com.apple.quicktime.creationdate", ""))
    if local is not None:
        put("taken_at", local[0])
        if local[1]:
            put("taken_at_offset", local[1])
    for key in _LOCATION_KEYS:
        try:
            lat, lon, alt = parse_iso6709(tags.get(key, ""))
        except ValueError:
            continue
        put("gps_lat", lat)
        put("gps_lon", lon)
        if alt is not None:
            put("gps_alt", alt)
        break
    for name, keys in _TEXT_FIELDS.items():
        value = next((tags[k].strip() for k in keys if tags.get(k, "").strip()), None)
        if value is not None:
            put(name, value)


def _utc_time(text: str) -> str | None:
    """UTC ISO 8601 (``…Z``); a time without a zone is UTC, as QuickTime and Matroska define it."""
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    if dt in _UNSET_TIMES:
        return None
    return dt.replace(tzinfo=None).isoformat() + "Z"


def _local_time(text: str) -> tuple[str, str | None] | None:
    """Wall-clock time and ``+HH:MM`` offset (Apple's ``creationdate`` states both)."""
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    offset = dt.utcoffset()
    if offset is None:
        return dt.isoformat(), None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return dt.replace(tzinfo=None).isoformat(), f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass
class _Keyframes:
    """What the keyframe pass keeps: bounded however long the video is."""

    duration: float | None
    sar: float
    rotation: int | None = None
    informative: list[PerceptualHash] = field(default_factory=list)
    flat: list[PerceptualHash] = field(default_factory=list)
    thumbnail: Image.Image | None = None  # the first informative keyframe
    fallback: Image.Image | None = None  # the first keyframe, if none is informative
    tiles: dict[int, Image.Image] = field(default_factory=dict)


def _read_keyframes(container: InputContainer, stream: VideoStream, analysis: Analysis) -> None:
    cc = stream.codec_context
    duration = _duration(container, stream)
    analysis.duration = duration
    analysis.fields.append(FieldValue("codec", cc.name, "container"))
    rate = stream.average_rate or stream.guessed_rate
    if rate:
        analysis.fields.append(FieldValue("frame_rate", round(float(rate), 3), "container"))
    tag_rotation = _tag_rotation(stream.metadata.get("rotate", ""))
    analysis.width, analysis.height = cc.width or None, cc.height or None
    state = _Keyframes(duration, float(stream.sample_aspect_ratio or 1))
    try:
        _decode_keyframes(container, stream, state, tag_rotation)
    finally:
        _conclude(state, analysis, tag_rotation)


def _decode_keyframes(
    container: InputContainer, stream: VideoStream, state: _Keyframes, tag_rotation: int | None
) -> None:
    stream.discard = Discard.nonkey
    stream.codec_context.skip_frame = "NONKEY"
    gap = max(MIN_KEYFRAME_GAP, (state.duration or 0.0) / MAX_KEYFRAMES)
    start, time_base = stream.start_time or 0, stream.time_base
    next_ts, hashed = -math.inf, 0
    for packet in container.demux(stream):
        pts = packet.pts if packet.pts is not None else packet.dts
        if packet.size and (not packet.is_keyframe or pts is None or float((pts - start) * time_base) < next_ts):
            continue
        for frame in stream.decode(packet):
            if frame.pts is None:
                continue
            ts = round(float((frame.pts - start) * time_base), 3)
            if state.rotation is None:
                state.rotation = (-frame.rotation) % 360 or tag_rotation or 0
            _take_keyframe(frame, ts, state)
            hashed += 1
            next_ts = ts + gap
        if hashed >= MAX_KEYFRAMES:
            break


def _take_keyframe(frame: VideoFrame, ts: float, state: _Keyframes) -> None:
    w, h = _display_size(frame, state)
    grey = _picture(frame, state, min(1.0, HASH_SHORT_SIDE / min(w, h)), "gray")
    hashes, flat = fingerprint_with_variants(grey, ts)
    (state.flat if flat else state.informative).extend(hashes)
    if state.thumbnail is None and (state.fallback is None or not flat):
        picture = _picture(frame, state, min(1.0, THUMB_SIZE / max(w, h)), "rgb24")
        if flat:
            state.fallback = picture
        else:
            state.thumbnail = picture
    slot = min(STRIP_TILES - 1, int(ts * STRIP_TILES / state.duration)) if state.duration else len(state.tiles)
    if slot < STRIP_TILES and slot not in state.tiles:
        state.tiles[slot] = _picture(frame, state, min(STRIP_HEIGHT / h, THUMB_SIZE / w), "rgb24")


def _conclude(state: _Keyframes, analysis: Analysis, tag_rotation: int | None) -> None:
    rotation = state.rotation if state.rotation is not None else tag_rotation
    if rotation is not None:
        analysis.fields.append(FieldValue("rotation", rotation, "container"))
        if rotation in (90, 270) and analysis.width and analysis.height:
            analysis.width, analysis.height = analysis.height, analysis.width
    analysis.hashes = state.informative or state.flat
    analysis.low_information = bool(state.flat) and not state.informative
    picture = state.thumbnail or state.fallback
    if picture is not None:
        analysis.thumbnail_jpeg = _jpeg(picture)
    if state.tiles:
        tiles = [state.tiles[k] for k in sorted(state.tiles)]
        strip = Image.new("RGB", (sum(t.width for t in tiles), max(t.height for t in tiles)))
        x = 0
        for tile in tiles:
            strip.paste(tile, (x, 0))
            x += tile.width
        analysis.strip_jpeg = _jpeg(strip)


def _display_size(frame: VideoFrame, state: _Keyframes) -> tuple[float, float]:
    """Upright display size in pixels: sample aspect ratio and rotation applied."""
    w, h = frame.width * state.sar, float(frame.height)
    return (h, w) if state.rotation in (90, 270) else (w, h)


def _picture(frame: VideoFrame, state: _Keyframes, scale: float, pix_fmt: str) -> Image.Image:
    """The frame scaled by FFmpeg to ``scale`` times its upright display size, as an upright PIL image."""
    w, h = _display_size(frame, state)
    out_w, out_h = max(1, round(w * scale)), max(1, round(h * scale))
    if state.rotation in (90, 270):
        out_w, out_h = out_h, out_w
    small = frame.reformat(width=out_w, height=out_h, format=pix_fmt)
    img = Image.fromarray(small.to_ndarray(), "L" if pix_fmt == "gray" else "RGB")
    return img.transpose(_TRANSPOSE[state.rotation]) if state.rotation in _TRANSPOSE else img


def _jpeg(img: Image.Image) -> bytes:
    out = BytesIO()
    img.save(out, "JPEG", quality=THUMB_QUALITY)
    return out.getvalue()


def _duration(container: InputContainer, stream: VideoStream) -> float | None:
    if container.duration:
        return container.duration / av.time_base
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def _tag_rotation(text: str) -> int | None:
    """The legacy ``rotate`` tag (clockwise degrees), when present and a multiple of 90."""
    try:
        degrees = round(float(text)) % 360
    except ValueError:
        return None
    return degrees if degrees % 90 == 0 else None


def _classify(exc: Exception, path: str, stage: str) -> Problem:
    message = f"{type(exc).__name__}: {exc}"[:300]
    if _cut_short(path) or any(word in message.lower() for word in _TRUNCATION_WORDS):
        return Problem("truncated", message, stage)
    return Problem("corrupt", message, stage)


def _cut_short(path: str) -> bool:
    """Whether the container's own length fields reach past the end of the file."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
            size = f.seek(0, 2)
            kind = sniff(head).format
            if kind in ("mov", "mp4", "3gp"):
                return _bmff_cut_short(f, size)
    except OSError:
        return False
    if kind == "avi":
        return int.from_bytes(head[4:8], "little") + 8 > size
    if kind == "matroska":
        return _matroska_cut_short(head, size)
    if kind == "mpegts":  # 188-byte packets, or 192 with the M2TS timecode
        return size % 188 != 0 and size % 192 != 0
    return False


def _bmff_cut_short(f: BinaryIO, size: int, max_boxes: int = 10_000) -> bool:
    """ISO BMFF / QuickTime: a top-level box that runs past the end of the file."""
    offset = 0
    for _ in range(max_boxes):
        if offset + 8 > size:
            return offset != size
        f.seek(offset)
        header = f.read(16)
        box_size = int.from_bytes(header[:4], "big")
        if box_size == 1 and len(header) == 16:
            box_size = int.from_bytes(header[8:16], "big")
        if box_size == 0:
            return False  # the last box runs to the end of the file by definition
        if box_size < 8:
            return False  # malformed rather than short: the demuxer reports it
        offset += box_size
    return offset > size


def _matroska_cut_short(head: bytes, size: int) -> bool:
    """Matroska/WebM: the EBML header and the Segment's stated size against the file size."""
    header_len, header_size = _ebml_vint(head, 4)
    segment = 4 + header_len + header_size
    if header_len == 0 or segment + 4 >= len(head) or head[segment : segment + 4] != b"\x18\x53\x80\x67":
        return False
    seg_len, seg_size = _ebml_vint(head, segment + 4)
    unknown = seg_len > 0 and seg_size == (1 << (7 * seg_len)) - 1
    return seg_len > 0 and not unknown and segment + 4 + seg_len + seg_size > size


def _ebml_vint(data: bytes, pos: int) -> tuple[int, int]:
    """``(length, value)`` of the EBML variable-length integer at ``pos``; ``(0, 0)`` if malformed."""
    if pos >= len(data) or data[pos] == 0:
        return 0, 0
    length = 9 - data[pos].bit_length()
    if pos + length > len(data):
        return 0, 0
    value = data[pos] & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    return length, value
