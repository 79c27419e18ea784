"""An opt-in XYZ tile server (``https://…/{z}/{x}/{y}.png``) with a disk cache that keeps the map working offline.

:class:`TileServerSource` is a tile source like the local files: ``tile(z, x, y)`` gives the bytes or
None, and never raises for network trouble. It answers from the cache while a tile is fresh (by the
server's ``Cache-Control: max-age`` / ``Expires``, else :data:`DEFAULT_FRESH_S`), revalidates stale
tiles with ``If-None-Match`` / ``If-Modified-Since``, and after a failed connection stops asking the
network for :data:`RETRY_AFTER_S` seconds, serving whatever is cached, stale or not: no network
means the basemap and the cached tiles, without a stream of errors. ``status`` says which.

The cache lives in the platform's cache folder, one sub-folder per URL template, capped in size
(least recently used tiles go first). Plain urllib: no Qt, no extra dependency.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .. import __version__
from .errors import TileError
from .tiles import MAX_TILE_BYTES, TileInfo, check_tile, sniff_format

DEFAULT_FRESH_S = 24 * 3600          # when the server says nothing about freshness
RETRY_AFTER_S = 30.0                 # after a failed connection, serve from the cache this long
DEFAULT_CACHE_BYTES = 512 * 1024 * 1024
TIMEOUT_S = 5.0
USER_AGENT = f"VerifyBench/{__version__} (offline-first map; tile cache)"
_PLACEHOLDERS = re.compile(r"\{([a-z-]+)\}")


def check_template(template: str) -> str:
    """The template, stripped, if it is an http(s) URL with ``{z}``, ``{x}`` and ``{y}``; else a clear error."""
    template = template.strip()
    parts = urlsplit(template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TileError("a tile server URL starts with https:// (or http://) and names a server")
    names = set(_PLACEHOLDERS.findall(template))
    missing = [p for p in ("z", "x", "y") if p not in names and not (p == "y" and "-y" in names)]
    if missing:
        raise TileError(f"the URL needs {', '.join('{' + m + '}' for m in missing)}: "
                        "e.g. https://tile.example.org/{z}/{x}/{y}.png")
    unknown = names - {"z", "x", "y", "-y", "s"}
    if unknown:
        raise TileError(f"unknown placeholder {', '.join('{' + u + '}' for u in sorted(unknown))}; "
                        "use {z}, {x}, {y} (or {-y} for TMS rows) and {s} for a/b/c sub-domains")
    return template


@dataclass(frozen=True)
class TileServer:
    """A tile server as the user configured it in the settings."""

    template: str
    attribution: str = ""
    name: str = ""
    min_zoom: int = 0
    max_zoom: int = 19

    def __post_init__(self) -> None:
        object.__setattr__(self, "template", check_template(self.template))
        if not (0 <= self.min_zoom <= self.max_zoom <= 24):
            raise TileError("zoom levels of a tile server go from 0 to 24, the smallest first")

    @property
    def key(self) -> str:
        """The cache sub-folder of this template."""
        return hashlib.sha256(self.template.encode()).hexdigest()[:16]

    def url(self, z: int, x: int, y: int) -> str:
        check_tile(z, x, y)
        values = {"z": z, "x": x, "y": y, "-y": (1 << z) - 1 - y, "s": "abc"[(x + y) % 3]}
        return _PLACEHOLDERS.sub(lambda m: str(values[m.group(1)]), self.template)


@dataclass(frozen=True)
class CachedTile:
    data: bytes
    expires: float
    etag: str | None
    last_modified: str | None

    def fresh(self, now: float) -> bool:
        return now < self.expires


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("verify-bench", appauthor=False)) / "tiles"


class TileCache:
    """Tiles on disk: ``<root>/<server key>/<z>/<x>/<y>.tile`` beside a ``.json`` of its freshness."""

    def __init__(self, root: Path | None = None, *, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.root = root or default_cache_dir()
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._written = 0

    def folder(self, server: TileServer) -> Path:
        return self.root / server.key

    def _paths(self, server: TileServer, z: int, x: int, y: int) -> tuple[Path, Path]:
        base = self.folder(server) / str(z) / str(x) / str(y)
        return base.with_suffix(".tile"), base.with_suffix(".json")

    def get(self, server: TileServer, z: int, x: int, y: int) -> CachedTile | None:
        data_path, meta_path = self._paths(server, z, x, y)
        try:
            data = data_path.read_bytes()
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            os.utime(meta_path)  # recently used: pruned last
        except (OSError, ValueError):
            return None
        return CachedTile(data, float(meta.get("expires", 0)), meta.get("etag"), meta.get("last_modified"))

    def put(self, server: TileServer, z: int, x: int, y: int, tile: CachedTile) -> None:
        data_path, meta_path = self._paths(server, z, x, y)
        data_path.parent.mkdir(parents=True, exist_ok=True)
        note = self.folder(server) / "source.txt"
        if not note.exists():
            note.write_text(server.template + "\n", encoding="utf-8")
        _write_atomic(data_path, tile.data)
        _write_atomic(meta_path, json.dumps({"expires": tile.expires, "etag": tile.etag,
                                             "last_modified": tile.last_modified}).encode())
        with self._lock:
            self._written += len(tile.data)
            due = self._written > self.max_bytes // 20
            if due:
                self._written = 0
        if due:
            self.prune()

    def refresh(self, server: TileServer, z: int, x: int, y: int, tile: CachedTile) -> None:
        """Store new freshness for an unchanged tile (a 304 answer)."""
        _, meta_path = self._paths(server, z, x, y)
        _write_atomic(meta_path, json.dumps({"expires": tile.expires, "etag": tile.etag,
                                             "last_modified": tile.last_modified}).encode())

    def size(self) -> int:
        return sum(size for _, size, _ in self._files())

    def prune(self) -> int:
        """Remove least recently used tiles until the cache is below 90 % of its cap; returns bytes freed."""
        with self._lock:
            files = self._files()
            total = sum(size for _, size, _ in files)
            freed = 0
            for data_path, size, _used in sorted(files, key=lambda f: f[2]):
                if total - freed <= self.max_bytes * 0.9:
                    break
                for path in (data_path, data_path.with_suffix(".json")):
                    try:
                        path.unlink()
                    except OSError:
                        pass
                freed += size
            return freed

    def _files(self) -> list[tuple[Path, int, float]]:
        """``(tile path, bytes, last used)`` of every cached tile."""
        found = []
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                if name.endswith(".tile"):
                    path = Path(folder) / name
                    try:
                        size = path.stat().st_size
                        used = path.with_suffix(".json").stat().st_mtime
                    except OSError:
                        continue
                    found.append((path, size, used))
        return found


def _write_atomic(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    temp.write_bytes(data)
    os.replace(temp, path)


def freshness(headers: dict[str, str], now: float) -> float | None:
    """When a response stops being fresh, from ``Cache-Control`` / ``Expires``; None: do not store it."""
    control = {k.strip().lower(): v.strip() for k, _, v in
               (part.partition("=") for part in headers.get("cache-control", "").split(",")) if k.strip()}
    if "no-store" in control:
        return None
    if "no-cache" in control:
        return now  # store, but revalidate before every use
    try:
        return now + max(0, int(control.get("max-age", "").strip('"')))
    except ValueError:
        pass
    if headers.get("expires"):
        try:
            return email.utils.parsedate_to_datetime(headers["expires"]).timestamp()
        except (TypeError, ValueError):
            return now
    return now + DEFAULT_FRESH_S


class TileServerSource:
    """Tiles of a :class:`TileServer` through a :class:`TileCache`; offline-tolerant (see the module notes)."""

    def __init__(self, server: TileServer, cache: TileCache | None = None, *, timeout: float = TIMEOUT_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.server = server
        self.cache = cache or TileCache()
        self.timeout = timeout
        self.clock = clock
        host = urlsplit(server.template).hostname or "tile server"
        self.info = TileInfo(name=server.name or host, kind="xyz", format="", min_zoom=server.min_zoom,
                             max_zoom=server.max_zoom, bounds=None, attribution=server.attribution)
        self._lock = threading.Lock()
        self._offline_until = 0.0
        self.last_error: str | None = None
        self.fetched = 0        # tiles downloaded (200 answers)
        self.from_cache = 0     # tiles answered from the disk cache

    @property
    def offline(self) -> bool:
        """True while the network is being left alone after a failed connection."""
        return self.clock() < self._offline_until

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        check_tile(z, x, y)
        now = self.clock()
        cached = self.cache.get(self.server, z, x, y)
        if cached is not None and (cached.fresh(now) or self.offline):
            return self._cached(cached)
        if self.offline:
            return None
        request = urllib.request.Request(self.server.url(z, x, y), headers={"User-Agent": USER_AGENT})
        if cached is not None and cached.etag:
            request.add_header("If-None-Match", cached.etag)
        if cached is not None and cached.last_modified:
            request.add_header("If-Modified-Since", cached.last_modified)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = response.read(MAX_TILE_BYTES + 1)
                headers = {k.lower(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as exc:
            if exc.code == 304 and cached is not None:
                headers = {k.lower(): v for k, v in exc.headers.items()}
                renewed = CachedTile(cached.data, freshness(headers, now) or now, headers.get("etag", cached.etag),
                                     headers.get("last-modified", cached.last_modified))
                self.cache.refresh(self.server, z, x, y, renewed)
                return self._cached(cached)
            self.last_error = f"the tile server answered {exc.code} {exc.reason}"
            return self._cached(cached) if cached is not None else None
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            with self._lock:
                self._offline_until = now + RETRY_AFTER_S
            reason = getattr(exc, "reason", exc)
            self.last_error = f"cannot reach {urlsplit(self.server.template).hostname}: {reason}"
            return self._cached(cached) if cached is not None else None
        self._offline_until = 0.0
        self.last_error = None
        if len(data) > MAX_TILE_BYTES or sniff_format(data) is None:
            self.last_error = "the tile server sent something that is not a PNG, JPEG or WebP tile"
            return self._cached(cached) if cached is not None else None
        self.fetched += 1
        expires = freshness(headers, now)
        if expires is not None:
            self.cache.put(self.server, z, x, y, CachedTile(data, expires, headers.get("etag"),
                                                            headers.get("last-modified")))
        return data

    def _cached(self, cached: CachedTile) -> bytes:
        self.from_cache += 1
        return cached.data

    def close(self) -> None:
        """Nothing to release: connections are not kept open."""
