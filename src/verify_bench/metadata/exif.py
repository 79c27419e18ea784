"""EXIF and XMP from image bytes: every raw tag, plus the normalised fields they state.

Parsers meet hostile input here (see HOSTILE-INPUT.md). exifread runs with ``details=False``
(no MakerNotes, no thumbnails); any exception from any parser becomes a ``Problem`` and
whatever was read so far is kept. This still has to run inside the sandboxed worker: a
native crash or an endless loop cannot be caught from Python.

XMP is parsed with ElementTree only after refusing DOCTYPE/ENTITY declarations, so no
entity is ever expanded; packets and values are size-bounded.
"""

from __future__ import annotations

import logging
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from fractions import Fraction
from io import BytesIO
from typing import Any

import exifread
from exifread.core.ifd_tag import IfdTag

from ..media.analysis import FieldValue, MetaEntry, Problem

MAX_VALUE_CHARS = 2000            # longer raw values are cut and marked
MAX_ENTRIES = 2000                # raw entries kept per family (EXIF tags, XMP properties)
XMP_SCAN_BYTES = 16 * 1024 * 1024  # where to look for an XMP packet in the file
MAX_XMP_BYTES = 2 * 1024 * 1024   # larger packets are not parsed
MAX_XMP_DEPTH = 8                 # nesting of XMP structs followed

Tags = dict[str, Any]
Add = Callable[[str, Any], None]

_EXIFREAD_FORMATS = {"JPEG", "MPO", "TIFF"}       # exifread reads the file itself
_CONTAINER_FORMATS = {"HEIF", "PNG", "WEBP"}      # the container library extracts the EXIF blob first


def read_image_metadata(data: bytes, fmt: str) -> tuple[list[MetaEntry], list[FieldValue], list[Problem]]:
    """Raw EXIF/XMP entries, normalised fields (sources "exif", "xmp") and problems; never raises.

    ``fmt`` is a Pillow format name ("JPEG", "PNG", "TIFF", "WEBP", "GIF", "HEIF").
    """
    problems: list[Problem] = []
    fmt = fmt.upper()
    exif_blob = xmp_packet = None
    container_error = ""
    if fmt in _CONTAINER_FORMATS:
        try:
            exif_blob, xmp_packet = _container_blobs(data, fmt)
        except Exception as exc:  # noqa: BLE001 - any parser exception is expected
            container_error = f"{fmt} container could not be read for metadata: {_describe(exc)}"
    tags: Tags = {}
    if fmt in _EXIFREAD_FORMATS or fmt in _CONTAINER_FORMATS:
        tiff = _tiff_stream(exif_blob) if exif_blob else None
        tags = _run_exifread(tiff if tiff is not None else data, problems)
        if container_error and not tags:
            problems.append(_problem(container_error))
    raw = _exif_entries(tags, problems)
    try:
        fields = _exif_fields(tags, raw)
    except Exception as exc:  # noqa: BLE001 - hostile values must not cost the raw entries
        fields = []
        problems.append(_problem(f"EXIF values could not be normalised: {_describe(exc)}"))
    # A JPEG's XMP is in its header (APP1 segments): the picture data after it is not searched, nor the
    # images a multi-picture file appends (theirs is not this picture's XMP).
    end = _jpeg_header_length(data) if fmt == "JPEG" and xmp_packet is None else len(data)
    xmp_raw, xmp_fields = _read_xmp(xmp_packet or data, problems, end)
    return raw + xmp_raw, fields + xmp_fields, problems


# --- EXIF ------------------------------------------------------------------------------


def _container_blobs(data: bytes, fmt: str) -> tuple[bytes | None, bytes | None]:
    """(EXIF blob, XMP packet) as the container library reports them; nothing is decoded."""
    if fmt == "HEIF":
        import pillow_heif

        info = pillow_heif.open_heif(BytesIO(data)).info
    else:
        from PIL import Image

        with Image.open(BytesIO(data), formats=[fmt]) as im:
            info = dict(im.info)
    exif, xmp = info.get("exif"), info.get("xmp")
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8")
    return (exif if isinstance(exif, bytes) else None), (xmp if isinstance(xmp, bytes) else None)


def _tiff_stream(blob: bytes) -> bytes | None:
    """The TIFF structure inside an EXIF blob (without "Exif\\0\\0"), or None if it is not one."""
    if blob.startswith(b"Exif\x00\x00"):
        blob = blob[6:]
    return blob if blob[:4] in (b"II*\x00", b"MM\x00*") else None


class _Warnings(logging.Handler):
    """Collects exifread's warnings ("Possibly corrupted field ...") instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed log call must not break parsing
            message = str(record.msg)
        if message not in self.messages and len(self.messages) < 10:
            self.messages.append(message)


@contextmanager
def _exifread_warnings() -> Iterator[_Warnings]:
    logger = logging.getLogger("exifread")
    handler, propagate = _Warnings(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _run_exifread(data: bytes, problems: list[Problem]) -> Tags:
    with _exifread_warnings() as warnings:
        try:
            tags = exifread.process_file(BytesIO(data), details=False, extract_thumbnail=False)
        except Exception as exc:  # noqa: BLE001 - any exception type is expected (#245 etc.)
            problems.append(_problem(f"EXIF could not be read: {_describe(exc)}"))
            return {}
    if tags:  # with no tags the warnings only say "no EXIF here"
        problems.extend(_problem(f"EXIF: {m}") for m in warnings.messages)
    return dict(tags)


_KEY = re.compile(r"(IFD \d+|\S+) (.+)", re.S)


def _exif_entries(tags: Tags, problems: list[Problem]) -> list[MetaEntry]:
    entries = []
    for name, tag in tags.items():
        if not isinstance(tag, IfdTag):  # JPEGThumbnail and other binary extras
            continue
        if len(entries) == MAX_ENTRIES:
            problems.append(_problem(f"EXIF has more than {MAX_ENTRIES} tags; the rest were not kept"))
            break
        m = _KEY.fullmatch(name)
        source, key = m.groups() if m else ("EXIF", name)
        entries.append(MetaEntry(source, key, _bounded(str(tag.printable))))
    return entries


_EXIF_DATES = (  # (date tag, sub-second tag, offset tag), most to least preferred for taken_at
    ("EXIF DateTimeOriginal", "EXIF SubSecTimeOriginal", "EXIF OffsetTimeOriginal"),
    ("EXIF DateTimeDigitized", "EXIF SubSecTimeDigitized", "EXIF OffsetTimeDigitized"),
    ("Image DateTime", "EXIF SubSecTime", "EXIF OffsetTime"),
)
_EXIF_TEXT = {
    "make": ("Image Make",),
    "model": ("Image Model",),
    "software": ("Image Software",),
    "lens": ("EXIF LensModel", "EXIF LensMake"),
    "description": ("Image ImageDescription",),
    "author": ("Image Artist",),
}


def _exif_fields(tags: Tags, raw: list[MetaEntry]) -> list[FieldValue]:
    """Normalised fields (source "exif"); a taken_at not from DateTimeOriginal gets a raw "note"."""
    fields: list[FieldValue] = []

    def add(field: str, value: Any) -> None:
        if value is not None:
            fields.append(FieldValue(field, value, "exif"))

    for date_tag, subsec_tag, offset_tag in _EXIF_DATES:
        taken = _exif_datetime(_text(tags.get(date_tag)), _text(tags.get(subsec_tag)))
        if taken is not None:
            add("taken_at", taken)
            add("taken_at_offset", _offset(_text(tags.get(offset_tag))))
            if date_tag != _EXIF_DATES[0][0]:
                raw.append(MetaEntry("note", "taken_at", f"from {date_tag} (no usable DateTimeOriginal)"))
            break
    for field, names in _EXIF_TEXT.items():
        add(field, next((t for t in (_text(tags.get(n)) for n in names) if t), None))
    orientation = _first_int(tags.get("Image Orientation"))
    add("orientation", orientation if orientation in range(1, 9) else None)
    _exif_gps(tags, add)
    return fields


def _exif_gps(tags: Tags, add: Add) -> None:
    lat = _coordinate(_numbers(tags.get("GPS GPSLatitude")), _text(tags.get("GPS GPSLatitudeRef")), "NS", 90)
    lon = _coordinate(_numbers(tags.get("GPS GPSLongitude")), _text(tags.get("GPS GPSLongitudeRef")), "EW", 180)
    if lat is not None and lon is not None:
        add("gps_lat", lat)
        add("gps_lon", lon)
    alt = _numbers(tags.get("GPS GPSAltitude"))
    if alt:
        add("gps_alt", -alt[0] if _first_int(tags.get("GPS GPSAltitudeRef")) == 1 else alt[0])
    direction = _numbers(tags.get("GPS GPSImgDirection"))
    if direction and 0 <= direction[0] <= 360:
        add("gps_direction", direction[0])
    add("gps_time", _gps_time(_text(tags.get("GPS GPSDate")), _numbers(tags.get("GPS GPSTimeStamp"))))


def _text(tag: IfdTag | None) -> str | None:
    """A text tag's value without NULs and surrounding blanks; None if empty or not text."""
    if tag is None:
        return None
    value = tag.values
    if isinstance(value, bytes):  # exifread leaves non-UTF-8 text as bytes
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    return value.replace("\x00", " ").strip()[:MAX_VALUE_CHARS] or None


def _numbers(tag: IfdTag | None) -> list[float] | None:
    """A numeric tag's values as finite floats; None if any is missing, not a number or n/0."""
    if tag is None or isinstance(tag.values, (str, bytes)):
        return None
    out = []
    for v in tag.values:
        if isinstance(v, tuple) and len(v) == 1:  # FLOAT/DOUBLE values come as 1-tuples
            v = v[0]
        if isinstance(v, Fraction):
            if v.denominator == 0:  # exifread keeps n/0 as a Ratio whose float() raises
                return None
            v = v.numerator / v.denominator
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            return None
        out.append(float(v))
    return out or None


def _first_int(tag: IfdTag | None) -> int | None:
    values = getattr(tag, "values", None)
    if isinstance(values, list) and values and isinstance(values[0], int):
        return values[0]
    return None


_EXIF_DATETIME = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")


def _exif_datetime(text: str | None, subsec: str | None) -> str | None:
    """"2017:02:22 10:10:10" (+ sub-seconds "123") -> "2017-02-22T10:10:10.123"; None if not a real time."""
    m = _EXIF_DATETIME.match(text or "")
    if m is None:
        return None
    digits = subsec if subsec and subsec.isdigit() and subsec.isascii() else ""
    return _iso(*(int(g) for g in m.groups()), frac=digits)


def _iso(y: int, mo: int, d: int, h: int, mi: int, s: int, frac: str = "") -> str | None:
    """Local ISO 8601 text of a valid calendar time; ``frac`` keeps up to 6 stated sub-second digits."""
    frac = frac[:6]
    try:
        dt = datetime(y, mo, d, h, mi, s, int(frac.ljust(6, "0")) if frac else 0)
    except (ValueError, OverflowError):
        return None
    return dt.isoformat(timespec="microseconds" if len(frac) > 3 else "milliseconds" if frac else "seconds")


_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


def _offset(text: str | None) -> str | None:
    """A stated UTC offset as "+HH:MM" ("Z" -> "+00:00"); None if absent or malformed."""
    if text == "Z":
        return "+00:00"
    m = _OFFSET.fullmatch(text or "")
    if m is None or int(m[2]) > 14 or int(m[3]) >= 60:
        return None
    return f"{m[1]}{m[2]}:{m[3]}"


def _coordinate(parts: list[float] | None, ref: str | None, refs: str, limit: float) -> float | None:
    """Degrees[, minutes[, seconds]] + hemisphere -> signed decimal degrees; None if unusable."""
    if not parts or len(parts) > 3 or min(parts) < 0 or not ref or ref[0].upper() not in refs:
        return None
    value = sum(p / 60**i for i, p in enumerate(parts))
    if value > limit:
        return None
    return -value if ref[0].upper() == refs[1] else value


def _gps_time(date: str | None, hms: list[float] | None) -> str | None:
    """GPSDateStamp "YYYY:MM:DD" + GPSTimeStamp [h, m, s] -> "YYYY-MM-DDTHH:MM:SS[.fff]Z"."""
    m = re.fullmatch(r"(\d{4})[:-](\d{2})[:-](\d{2})", date or "")
    if m is None or not hms or len(hms) != 3 or min(hms) < 0 or max(hms) >= 60:
        return None
    seconds = int(hms[2])
    millis = min(round((hms[2] - seconds) * 1000), 999)
    text = _iso(int(m[1]), int(m[2]), int(m[3]), int(hms[0]), int(hms[1]), seconds, f"{millis:03d}" if millis else "")
    return text + "Z" if text else None


# --- XMP -------------------------------------------------------------------------------

_XMP_START = (b"<x:xmpmeta", b"<x:xapmeta")
_DECLARATION = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RDF_SYNTAX = {_RDF + "about", _RDF + "parseType", _RDF + "ID", _RDF + "nodeID", _XML_LANG}
_PREFIXES = {  # the usual prefix for well-known namespaces, whatever a file calls them ("xap:" -> "xmp:")
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://purl.org/dc/elements/1.1/": "dc",
}


def _read_xmp(data: bytes, problems: list[Problem], end: int) -> tuple[list[MetaEntry], list[FieldValue]]:
    """Find (starting before ``end``), parse and flatten the first XMP packet in ``data``; problems, not exceptions."""
    try:
        packet = _xmp_span(data, end)
        if packet is None:
            return [], []
        pairs = _parse_xmp(packet)
    except Exception as exc:  # noqa: BLE001 - any exception type is expected
        problems.append(_problem(f"XMP could not be read: {_describe(exc)}"))
        return [], []
    if len(pairs) >= MAX_ENTRIES:
        problems.append(_problem(f"XMP has {MAX_ENTRIES} or more properties; only the first {MAX_ENTRIES} were kept"))
    raw = [MetaEntry("XMP", key, _bounded(value)) for key, value in pairs[:MAX_ENTRIES]]
    first: dict[str, str] = {}
    for key, value in pairs:
        first.setdefault(key, value.strip())
    try:
        return raw, _xmp_fields(first)
    except Exception as exc:  # noqa: BLE001 - hostile values must not cost the raw entries
        problems.append(_problem(f"XMP values could not be normalised: {_describe(exc)}"))
        return raw, []


def _xmp_span(data: bytes, end: int) -> bytes | None:
    """The bytes from "<x:xmpmeta" (starting in the first ``end`` or XMP_SCAN_BYTES) to its end tag, or None.

    The first "<x:xmpmeta" wins, else the first "<x:xapmeta" (older writers), found in one pass over
    the bytes: a photo without XMP is scanned once, not once per spelling.
    """
    scan = min(end, XMP_SCAN_BYTES)
    found: dict[bytes, int] = {}
    at = data.find(b"<x:x", 0, scan)
    while at >= 0 and _XMP_START[0] not in found:
        tag = data[at:at + len(_XMP_START[0])]
        if tag in _XMP_START and at + len(tag) <= scan:
            found.setdefault(tag, at)
        at = data.find(b"<x:x", at + 1, scan)
    for start_tag in _XMP_START:
        start = found.get(start_tag, -1)
        if start < 0:
            continue
        end_tag = b"</" + start_tag[1:] + b">"
        end = data.find(end_tag, start, start + MAX_XMP_BYTES)
        if end < 0:
            close = data.find(b">", start, start + MAX_XMP_BYTES)
            if close > 0 and data[close - 1] == ord("/"):
                return None  # an empty <x:xmpmeta .../>
            raise ValueError(f"XMP packet has no end within {MAX_XMP_BYTES} bytes (truncated or oversize)")
        return data[start:end + len(end_tag)]
    return None


def _jpeg_header_length(data: bytes) -> int:
    """Where a JPEG's first scan (its picture data) starts; the whole length if its markers do not lead there."""
    pos = 2 if data[:2] == b"\xff\xd8" else len(data)
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan
            return pos
        if marker == 0xFF:  # fill byte
            pos += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            pos += 2
        else:
            pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return len(data)


def _parse_xmp(packet: bytes) -> list[tuple[str, str]]:
    """(key, value) pairs of every property, keys "prefix:Name" with "/" and "[n]" for structs and lists."""
    text = packet.decode("utf-8")
    if _DECLARATION.search(text):
        raise ValueError("refused: the packet declares a DOCTYPE/ENTITY (entity expansion risk)")
    parser = ET.XMLPullParser(events=("start-ns", "start"))
    parser.feed(text)
    parser.close()
    prefixes: dict[str, str] = {}
    root = None
    for event, payload in parser.read_events():
        if event == "start-ns":
            prefixes.setdefault(payload[1], payload[0])
        elif root is None:
            root = payload
    prefixes.update(_PREFIXES)

    def name(tag: str) -> str:
        uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        return f"{prefixes.get(uri, uri)}:{local}" if uri else local

    pairs: list[tuple[str, str]] = []
    for rdf in root.iter(_RDF + "RDF") if root is not None else ():
        for description in rdf.findall(_RDF + "Description"):
            _xmp_struct(description, "", pairs, name, 0)
    return pairs


def _xmp_struct(el: ET.Element, path: str, out: list[tuple[str, str]], name: Callable[[str], str],
                depth: int) -> None:
    """Properties of a description or struct: attribute form and element form."""
    if depth > MAX_XMP_DEPTH or len(out) >= MAX_ENTRIES:
        return
    for attr, value in el.attrib.items():
        if attr not in _RDF_SYNTAX:
            out.append((path + name(attr), value))
    for child in el:
        if child.tag == _RDF + "Description":
            _xmp_struct(child, path, out, name, depth + 1)
        else:
            _xmp_property(child, path + name(child.tag), out, name, depth + 1)


def _xmp_property(el: ET.Element, key: str, out: list[tuple[str, str]], name: Callable[[str], str],
                  depth: int) -> None:
    """One property: a resource, a list (simple values joined by "; "), a struct, or text."""
    if _RDF + "resource" in el.attrib:
        out.append((key, el.attrib[_RDF + "resource"]))
        return
    container = next((c for c in el if c.tag in (_RDF + "Alt", _RDF + "Seq", _RDF + "Bag")), None)
    if container is not None:
        items = container.findall(_RDF + "li")
        if all(len(li) == 0 and set(li.attrib) <= {_XML_LANG} for li in items):
            out.append((key, "; ".join((li.text or "").strip() for li in items)))
        else:
            for i, li in enumerate(items, 1):
                _xmp_struct(li, f"{key}[{i}]/", out, name, depth)
    elif len(el) or set(el.attrib) - _RDF_SYNTAX:
        _xmp_struct(el, key + "/", out, name, depth)
    elif el.attrib.get(_RDF + "parseType") != "Resource":  # an empty struct states nothing
        out.append((key, (el.text or "").strip()))


_XMP_TEXT = {
    "make": ("tiff:Make",),
    "model": ("tiff:Model",),
    "software": ("xmp:CreatorTool", "tiff:Software"),
    "lens": ("exifEX:LensModel", "aux:Lens"),
    "description": ("dc:description", "tiff:ImageDescription"),
    "author": ("dc:creator", "tiff:Artist"),
}
_XMP_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?"
)
_XMP_COORDINATE = re.compile(r"(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])", re.I)


def _xmp_fields(x: dict[str, str]) -> list[FieldValue]:
    """Normalised fields (source "xmp") from the first value of each property."""
    fields: list[FieldValue] = []

    def add(field: str, value: Any) -> None:
        if value is not None:
            fields.append(FieldValue(field, value, "xmp"))

    for key in ("exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"):
        taken = _xmp_datetime(x.get(key))
        if taken is not None:
            add("taken_at", taken[0])
            add("taken_at_offset", taken[1])
            break
    for field, names in _XMP_TEXT.items():
        add(field, next((x[n][:MAX_VALUE_CHARS] for n in names if x.get(n)), None))
    orientation = x.get("tiff:Orientation", "")
    add("orientation", int(orientation) if orientation in tuple("12345678") else None)
    lat = _xmp_coordinate(x.get("exif:GPSLatitude"), "NS", 90)
    lon = _xmp_coordinate(x.get("exif:GPSLongitude"), "EW", 180)
    if lat is not None and lon is not None:
        add("gps_lat", lat)
        add("gps_lon", lon)
    alt = _rational(x.get("exif:GPSAltitude"))
    if alt is not None:
        add("gps_alt", -alt if x.get("exif:GPSAltitudeRef") == "1" else alt)
    direction = _rational(x.get("exif:GPSImgDirection"))
    add("gps_direction", direction if direction is not None and 0 <= direction <= 360 else None)
    add("gps_time", _xmp_utc(x.get("exif:GPSTimeStamp")))
    return fields


def _xmp_datetime(text: str | None) -> tuple[str, str | None] | None:
    """ISO "2005-09-07T15:07:40-07:00" -> ("2005-09-07T15:07:40", "-07:00"); dates without a time -> None."""
    m = _XMP_DATETIME.fullmatch(text or "")
    if m is None:
        return None
    wall = _iso(*(int(g or 0) for g in m.groups()[:6]), frac=m[7] or "")
    return (wall, _offset(m[8])) if wall else None


def _xmp_utc(text: str | None) -> str | None:
    """An XMP date-time as UTC "...Z" (XMP's GPSTimeStamp is UTC when it states no offset)."""
    taken = _xmp_datetime(text)
    if taken is None:
        return None
    wall, offset = taken
    dt = datetime.fromisoformat(wall)
    if offset:
        sign = -1 if offset[0] == "-" else 1
        try:
            dt -= sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
        except OverflowError:  # year 1 or 9999
            return None
    frac = wall[20:]
    return dt.isoformat(timespec="microseconds" if len(frac) > 3 else "milliseconds" if frac else "seconds") + "Z"


def _xmp_coordinate(text: str | None, refs: str, limit: float) -> float | None:
    """XMP GPSCoordinate "51,30.5N" or "51,30,30N" -> signed decimal degrees."""
    m = _XMP_COORDINATE.fullmatch((text or "").replace(" ", ""))
    if m is None:
        return None
    parts = [float(g) for g in m.groups()[:3] if g is not None]
    return _coordinate(parts, m[4], refs, limit)


def _rational(text: str | None) -> float | None:
    """XMP rational "1234/10" (or a plain number) as a float; None for n/0 or junk."""
    num, _, den = (text or "").partition("/")
    try:
        value = float(num) / float(den or 1)
    except (ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


# --- shared ----------------------------------------------------------------------------


def _bounded(value: str) -> str:
    if len(value) <= MAX_VALUE_CHARS:
        return value
    return f"{value[:MAX_VALUE_CHARS]}… [truncated: {len(value)} characters]"


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:300]}"


def _problem(message: str) -> Problem:
    return Problem(kind="metadata", message=message, stage="metadata")
