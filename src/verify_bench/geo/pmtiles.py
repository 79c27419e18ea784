"""Read raster PMTiles v3 files (one file: header, directories, tiles): read-only, through a memory map.

Format (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): a 127-byte header; a root
directory and leaf directories of entries ``(tile_id, offset, length, run_length)`` stored as
varint columns (tile ids and offsets delta-encoded), usually gzip-compressed; tile ids number the
tiles of all zoom levels along a Hilbert curve. An entry with ``run_length`` 0 points to a leaf
directory; ``run_length`` n > 0 means n consecutive tile ids share the same bytes.

Written here rather than taken from the ``pmtiles`` package (used by the tests, as the reference
writer): its reader parses the header and root directory again for every tile, always gunzips
directories whatever the header says, and puts no bound on what a hostile file decompresses to.
"""

from __future__ import annotations

import json
import mmap
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from .errors import TileError
from .tiles import MAX_TILE_BYTES, TileInfo, check_tile, plain_text

HEADER_BYTES = 127
MAX_DIRECTORY_BYTES = 32_000_000     # a decompressed directory (a few MB for planet-scale files)
MAX_METADATA_BYTES = 4_000_000
MAX_DEPTH = 4                        # root + 3 levels of leaves, as the spec allows
_COMPRESSION = {0: "unknown", 1: "none", 2: "gzip", 3: "brotli", 4: "zstd"}
_TILE_TYPES = {0: "unknown", 1: "mvt", 2: "png", 3: "jpeg", 4: "webp", 5: "avif", 6: "mlt"}


@dataclass(frozen=True)
class Entry:
    tile_id: int
    offset: int
    length: int
    run_length: int


@dataclass(frozen=True)
class Header:
    root_offset: int
    root_length: int
    metadata_offset: int
    metadata_length: int
    leaf_offset: int
    leaf_length: int
    data_offset: int
    data_length: int
    internal_compression: str
    tile_compression: str
    tile_type: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]


def zxy_to_tile_id(z: int, x: int, y: int) -> int:
    """The tile id of ``z/x/y``: all tiles of lower zooms, then the Hilbert-curve position within zoom ``z``."""
    check_tile(z, x, y)
    acc = ((1 << (2 * z)) - 1) // 3
    n = 1 << z
    d = 0
    s = n >> 1
    while s > 0:
        rx = 1 if x & s else 0
        ry = 1 if y & s else 0
        d += s * s * ((3 * rx) ^ ry)
        if ry == 0:  # rotate the quadrant
            if rx == 1:
                x, y = n - 1 - x, n - 1 - y
            x, y = y, x
        s >>= 1
    return acc + d


def read_header(data: bytes) -> Header:
    if len(data) < HEADER_BYTES or data[:7] != b"PMTiles":
        raise TileError("not a PMTiles file (no 'PMTiles' magic)")
    if data[7] != 3:
        raise TileError(f"PMTiles version {data[7]} is not supported (version 3 is)")

    def u64(pos: int) -> int:
        return int.from_bytes(data[pos:pos + 8], "little")

    def i32(pos: int) -> float:
        return int.from_bytes(data[pos:pos + 4], "little", signed=True) / 1e7

    return Header(
        root_offset=u64(8), root_length=u64(16), metadata_offset=u64(24), metadata_length=u64(32),
        leaf_offset=u64(40), leaf_length=u64(48), data_offset=u64(56), data_length=u64(64),
        internal_compression=_COMPRESSION.get(data[97], f"code {data[97]}"),
        tile_compression=_COMPRESSION.get(data[98], f"code {data[98]}"),
        tile_type=_TILE_TYPES.get(data[99], f"code {data[99]}"),
        min_zoom=data[100], max_zoom=data[101], bounds=(i32(102), i32(106), i32(110), i32(114)),
    )


def read_directory(data: bytes) -> list[Entry]:
    """Entries of a decompressed directory; raises :class:`TileError` on a malformed one."""
    pos = 0

    def varint() -> int:
        nonlocal pos
        result = shift = 0
        while True:
            if pos >= len(data):
                raise TileError("a PMTiles directory ends in the middle of a number")
            byte = data[pos]
            pos += 1
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise TileError("a PMTiles directory holds a number longer than 64 bits")

    count = varint()
    if count > len(data):  # every entry takes at least four bytes
        raise TileError(f"a PMTiles directory claims {count} entries in {len(data)} bytes")
    ids, tile_id = [], 0
    for _ in range(count):
        tile_id += varint()
        ids.append(tile_id)
    runs = [varint() for _ in range(count)]
    lengths = [varint() for _ in range(count)]
    offsets: list[int] = []
    for i in range(count):
        value = varint()
        offsets.append(offsets[i - 1] + lengths[i - 1] if i > 0 and value == 0 else value - 1)
        if offsets[i] < 0:
            raise TileError("a PMTiles directory entry has no offset")
    return [Entry(*e) for e in zip(ids, offsets, lengths, runs)]


def find_entry(entries: list[Entry], tile_id: int) -> Entry | None:
    """The entry holding ``tile_id``: an exact match, a run that covers it, or the leaf directory it is in."""
    lo, hi = 0, len(entries) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if entries[mid].tile_id < tile_id:
            lo = mid + 1
        elif entries[mid].tile_id > tile_id:
            hi = mid - 1
        else:
            return entries[mid]
    if hi >= 0:
        before = entries[hi]
        if before.run_length == 0 or tile_id - before.tile_id < before.run_length:
            return before
    return None


class PMTiles:
    """An open PMTiles v3 file of raster tiles; directories are cached, tiles read from the memory map."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            with self.path.open("rb") as f:
                self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise TileError(f"cannot read {self.path.name}: {getattr(exc, 'strerror', None) or exc}") from exc
        try:
            self.header = read_header(self._map[:HEADER_BYTES])
            self.info = self._read_info()
        except TileError as exc:
            self._map.close()
            raise TileError(f"{self.path.name}: {exc}") from None
        self._lock = threading.Lock()
        self._leaves: OrderedDict[tuple[int, int], list[Entry]] = OrderedDict()
        self._root = self._directory(self.header.root_offset, self.header.root_length)

    def _read_info(self) -> TileInfo:
        h = self.header
        if h.tile_type not in ("png", "jpeg", "webp"):
            raise TileError(f"it holds {h.tile_type} tiles; only raster tiles (PNG, JPEG, WebP) can be shown")
        if h.internal_compression not in ("none", "gzip", "unknown"):
            raise TileError(f"its directories are compressed with {h.internal_compression}; gzip or none is "
                            "supported (re-pack it with 'pmtiles convert')")
        metadata = {}
        if h.metadata_length:
            raw = self._decompress(self._slice(h.metadata_offset, h.metadata_length, "metadata"), MAX_METADATA_BYTES,
                                   h.internal_compression)
            try:
                metadata = json.loads(raw) if raw.strip() else {}
            except ValueError:
                metadata = {}
        metadata = metadata if isinstance(metadata, dict) else {}
        west, south, east, north = h.bounds
        bounds = (west, south, east, north) if -180 <= west < east <= 180 and -90 <= south < north <= 90 else None
        return TileInfo(name=str(metadata.get("name") or self.path.stem), kind="pmtiles", format=h.tile_type,
                        min_zoom=min(h.min_zoom, 30), max_zoom=min(max(h.max_zoom, h.min_zoom), 30), bounds=bounds,
                        attribution=plain_text(str(metadata.get("attribution") or "")))

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The encoded tile at XYZ ``z/x/y``, or None where the file has none."""
        tile_id = zxy_to_tile_id(z, x, y)
        entries = self._root
        for _depth in range(MAX_DEPTH):
            entry = find_entry(entries, tile_id)
            if entry is None:
                return None
            if entry.run_length > 0:
                if entry.length > MAX_TILE_BYTES:
                    raise TileError(f"{self.path.name}: tile {z}/{x}/{y} is larger than "
                                    f"{MAX_TILE_BYTES // 1_000_000} MB")
                data = self._slice(self.header.data_offset + entry.offset, entry.length, "tile")
                return self._decompress(data, MAX_TILE_BYTES, self.header.tile_compression)
            entries = self._leaf(self.header.leaf_offset + entry.offset, entry.length)
        raise TileError(f"{self.path.name}: directories nest deeper than {MAX_DEPTH} levels")

    def close(self) -> None:
        self._map.close()

    # ---- reading ----------------------------------------------------------------------------
    def _leaf(self, offset: int, length: int) -> list[Entry]:
        key = (offset, length)
        with self._lock:
            found = self._leaves.get(key)
            if found is not None:
                self._leaves.move_to_end(key)
                return found
        found = self._directory(offset, length)
        with self._lock:
            self._leaves[key] = found
            while len(self._leaves) > 64:
                self._leaves.popitem(last=False)
        return found

    def _directory(self, offset: int, length: int) -> list[Entry]:
        try:
            raw = self._slice(offset, length, "directory")
            return read_directory(self._decompress(raw, MAX_DIRECTORY_BYTES, self.header.internal_compression))
        except TileError as exc:
            raise TileError(f"{self.path.name}: {exc}") from None

    def _slice(self, offset: int, length: int, what: str) -> bytes:
        if offset < 0 or length < 0 or offset + length > len(self._map):
            raise TileError(f"its {what} at bytes {offset}–{offset + length} lies beyond the end of the file "
                            f"({len(self._map)} bytes): truncated?")
        return self._map[offset:offset + length]

    def _decompress(self, data: bytes, limit: int, compression: str) -> bytes:
        """``data`` as stored with ``compression`` (the header's internal or tile compression), unpacked."""
        if compression == "none" or (compression == "unknown" and not data.startswith(b"\x1f\x8b")):
            return data
        if compression not in ("gzip", "unknown"):
            raise TileError(f"{compression} compression is not supported")
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = inflater.decompress(data, limit + 1)
        except zlib.error as exc:
            raise TileError(f"damaged gzip data: {exc}") from None
        if len(out) > limit:
            raise TileError(f"gzip data unpacks to more than {limit // 1_000_000} MB")
        return out
