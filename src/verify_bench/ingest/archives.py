"""Safe extraction of untrusted zip and tar archives (also .tar.gz/.tgz/.tar.bz2/.tar.xz).

Every member is checked here, not by ``tarfile``'s extraction filters (which have
been bypassed): only regular files are written, names with ``..``, absolute paths,
drive letters or backslash tricks are refused, and so are links, devices and FIFOs.
Budgets bound the total bytes written, the member count, each member's compression
ratio and the nesting depth; sizes are counted while streaming, never taken from
headers. Zip entries whose data ranges overlap (the "overlap" bombs of CVE-2024-0450)
fail the whole archive.

Member names never reach the file system: each file is written to
``<dest>/<tmp>/<n>/<sanitised base name>`` (a nested archive's members under
``<n>.x/``), so no name can escape ``dest``, collide, or be invalid on the host. The
names as stored are kept in :attr:`Extracted.member` as virtual paths such as
``outer.zip!/dir/inner.tar!/a.jpg``: zip names decoded as the archive says (UTF-8
when flag 0x800 is set, else cp437), tar names as UTF-8 with ``surrogateescape``
(``name.encode("utf-8", "surrogateescape")`` gives the raw bytes back).

Parsing hostile archives can still exhaust memory or time inside ``zipfile`` and
``tarfile`` themselves: call :func:`extract_archive` inside a sandbox worker.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import re
import shutil
import stat
import struct
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

Reason = Literal[
    "traversal", "link", "special_file", "too_large", "too_many_members", "ratio", "too_deep",
    "overlap", "corrupt", "encrypted", "unsupported", "cancelled",
]

_CHUNK = 2**20
_TAR_BLOCK = 512
_MAX_EXTENDED_HEADER = 2**20  # pax / GNU long-name headers are read into memory by tarfile
_TAR_READAHEAD = 2**16  # compressed bytes a decompressor may have read ahead of a member
_MAX_SAFE_NAME = 60  # characters of the base name kept on disk (≤ 240 bytes in UTF-8)
_ABORTING: frozenset[str] = frozenset({"too_large", "too_many_members", "cancelled"})
_COMPRESSED: tuple[tuple[bytes, Callable[[IO[bytes]], io.BufferedIOBase]], ...] = (
    (b"\x1f\x8b", lambda f: gzip.GzipFile(fileobj=f)),
    (b"BZh", bz2.BZ2File),
    (b"\xfd7zXZ\x00", lzma.LZMAFile),
)
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)
_DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveError(Exception):
    """The archive as a whole cannot be extracted safely; ``reason`` is a short code."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


@dataclass(frozen=True)
class ArchiveLimits:
    max_total_bytes: int = 8 * 2**30  # written across all members and nesting levels
    max_members: int = 100_000  # entries of every kind, across all nesting levels
    max_ratio: float = 200.0  # uncompressed : compressed, per member ...
    ratio_min_bytes: int = 2**20  # ... once the member's output passes this size
    max_depth: int = 3  # levels of archives inside the given one that are opened (0: none)


@dataclass(frozen=True)
class Extracted:
    path: Path  # the file on disk, inside dest
    member: str  # virtual path, "outer.zip!/dir/inner.tar!/a.jpg"
    size: int  # bytes written


@dataclass(frozen=True)
class Refused:
    member: str  # virtual path, as in Extracted
    reason: str  # a Reason code
    message: str


@dataclass
class ArchiveResult:
    files: list[Extracted] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


class _Skip(Exception):
    """This member is refused; the rest of the archive goes on."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


def is_archive(path: Path) -> bool:
    """True for a zip, or a tar (plain or gzip/bzip2/xz-compressed), judged by content, not name."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as f:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            head = f.read(_TAR_BLOCK)
            if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
                return True
            for magic, opener in _COMPRESSED:
                if head.startswith(magic):
                    f.seek(0)
                    with opener(f) as stream:
                        head = stream.read(_TAR_BLOCK)
                    break
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - unreadable or not what its magic claims
            return False
    return _is_tar_header(head)


def extract_archive(
    path: Path,
    dest: Path,
    *,
    limits: ArchiveLimits = ArchiveLimits(),
    cancel: Callable[[], bool] | None = None,
) -> ArchiveResult:
    """Extract the archive at ``path`` into a new folder inside ``dest``; nested archives are expanded.

    Unsafe members are skipped and listed in ``refused``. Every entry in ``files`` is
    a leaf: an expanded nested archive is replaced by its members; one that was not
    expanded (too deep, corrupt) stays in ``files`` and is also listed in ``refused``.
    Raises :class:`ArchiveError` when the archive as a whole is unsafe or unreadable,
    a global budget is exceeded, or ``cancel()`` returns True; partial output may then
    remain in ``dest`` for the caller to delete.
    """
    dest.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="x", dir=dest))  # never collides with leftovers in dest
    extractor = _Extractor(limits, cancel or (lambda: False))
    extractor.extract(path, root, path.name, 0)
    return extractor.result


class _Extractor:
    def __init__(self, limits: ArchiveLimits, cancel: Callable[[], bool]) -> None:
        self.limits = limits
        self.cancel = cancel
        self.total_bytes = 0
        self.members = 0
        self.result = ArchiveResult()

    def extract(self, archive: Path, folder: Path, label: str, depth: int) -> None:
        if not is_archive(archive):
            raise ArchiveError("corrupt", "not a zip or tar archive")
        with open(archive, "rb") as f:
            if f.read(2) == b"PK":
                self._zip(f, folder, label, depth)
            else:
                self._tar(f, folder, label, depth)

    # -- formats --

    def _zip(self, f: IO[bytes], folder: Path, label: str, depth: int) -> None:
        with _fatal("corrupt", "unreadable zip"):
            zf = zipfile.ZipFile(f)
        with zf:
            infos = zf.infolist()
            if self.members + len(infos) > self.limits.max_members:
                raise ArchiveError("too_many_members", f"more than {self.limits.max_members} members")
            with _fatal("corrupt", "unreadable zip"):
                _check_zip_overlap(zf, f)
            for n, info in enumerate(infos, 1):
                self._next_member()
                member = f"{label}!/{info.filename}"
                target = folder / str(n) / _safe_name(info.filename)
                try:
                    _check_name(info.filename)
                    if info.is_dir() or stat.S_ISDIR(info.external_attr >> 16):
                        continue
                    _check_zip_entry(info)
                    with zf.open(info) as src:
                        size = self._copy(src, target, _constant(info.compress_size))
                except _Skip as skip:
                    self._refuse(member, skip.reason, str(skip), target)
                    continue
                except NotImplementedError as exc:
                    self._refuse(member, "unsupported", _describe(exc), target)
                    continue
                except (zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as exc:
                    self._refuse(member, "corrupt", _describe(exc), target)
                    continue
                self._add(target, member, size, folder / f"{n}.x", depth)

    def _tar(self, raw: IO[bytes], folder: Path, label: str, depth: int) -> None:
        raw.seek(0)
        with _fatal("corrupt", "unreadable tar"):
            tf = tarfile.open(
                fileobj=raw, mode="r:*", tarinfo=_BoundedTarInfo, encoding="utf-8", errors="surrogateescape"
            )
        with tf:
            n = 0
            while True:
                self._check_cancel()
                with _fatal("corrupt", "unreadable tar"):
                    info = tf.next()
                if info is None:
                    return
                self._next_member()
                n += 1
                member = f"{label}!/{info.name}"
                target = folder / str(n) / _safe_name(info.name)
                try:
                    _check_name(info.name)
                    if info.isdir():
                        continue
                    _check_tar_entry(info)
                    src = tf.extractfile(info)
                    if src is None:
                        raise _Skip("special_file", "member has no data")
                    size = self._copy(src, target, _consumed_from(raw))
                except _Skip as skip:
                    if skip.reason == "corrupt":  # a broken stream: nothing after this can be trusted
                        raise ArchiveError("corrupt", f"unreadable tar member {info.name!r}: {skip}") from skip
                    self._refuse(member, skip.reason, str(skip), target)
                    continue
                self._add(target, member, size, folder / f"{n}.x", depth)

    # -- members --

    def _copy(self, src: IO[bytes], target: Path, compressed: Callable[[], int]) -> int:
        """Stream ``src`` into a new file, enforcing the byte budget and the ratio; return its size."""
        target.parent.mkdir()
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        written = 0
        with os.fdopen(os.open(target, flags, 0o644), "wb") as out:
            while True:
                self._check_cancel()
                try:
                    chunk = src.read(_CHUNK)
                except MemoryError:
                    raise
                except Exception as exc:  # noqa: BLE001 - bad CRC, bad compressed data, truncation, ...
                    raise _Skip("corrupt", f"unreadable data: {_describe(exc)}") from exc
                if not chunk:
                    return written
                written += len(chunk)
                self.total_bytes += len(chunk)
                if self.total_bytes > self.limits.max_total_bytes:
                    raise ArchiveError("too_large", f"more than {self.limits.max_total_bytes} bytes in total")
                if written > self.limits.ratio_min_bytes and written > self.limits.max_ratio * max(compressed(), 1):
                    raise _Skip("ratio", f"compression ratio above {self.limits.max_ratio:g}:1")
                out.write(chunk)

    def _add(self, target: Path, member: str, size: int, nested_folder: Path, depth: int) -> None:
        """Record an extracted file, expanding it first if it is itself an archive."""
        if not is_archive(target):
            self.result.files.append(Extracted(target, member, size))
            return
        if depth >= self.limits.max_depth:
            self.result.files.append(Extracted(target, member, size))
            self.result.refused.append(Refused(member, "too_deep", "archive nested too deep: not expanded"))
            return
        files, refused = len(self.result.files), len(self.result.refused)
        nested_folder.mkdir()
        try:
            self.extract(target, nested_folder, member, depth + 1)
        except ArchiveError as exc:
            if exc.reason in _ABORTING:
                raise
            del self.result.files[files:], self.result.refused[refused:]
            shutil.rmtree(nested_folder, ignore_errors=True)
            self.result.files.append(Extracted(target, member, size))
            self.result.refused.append(Refused(member, exc.reason, f"nested archive not expanded: {exc}"))
            return
        _discard(target)  # its members stand in for it

    def _refuse(self, member: str, reason: Reason, message: str, target: Path) -> None:
        _discard(target)
        self.result.refused.append(Refused(member, reason, message))

    def _next_member(self) -> None:
        self._check_cancel()
        self.members += 1
        if self.members > self.limits.max_members:
            raise ArchiveError("too_many_members", f"more than {self.limits.max_members} members")

    def _check_cancel(self) -> None:
        if self.cancel():
            raise ArchiveError("cancelled", "extraction cancelled")


class _BoundedTarInfo(tarfile.TarInfo):
    """Refuses oversized extended headers before ``tarfile`` reads them into memory."""

    def _proc_member(self, tarfile_: tarfile.TarFile) -> tarfile.TarInfo:
        if self.type in _EXTENDED_HEADERS and self.size > _MAX_EXTENDED_HEADER:
            raise ArchiveError("corrupt", f"extended tar header of {self.size} bytes")
        member: tarfile.TarInfo = super()._proc_member(tarfile_)  # type: ignore[misc]
        return member


_EXTENDED_HEADERS = frozenset(
    {tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE}
)


def _check_name(name: str) -> None:
    """Refuse names that would leave the extraction folder if used as paths anywhere."""
    parts = name.replace("\\", "/").split("/")
    if not name.strip("/\\"):
        raise _Skip("traversal", "empty member name")
    if "\0" in name:
        raise _Skip("traversal", "NUL in member name")
    if name.startswith(("/", "\\")):
        raise _Skip("traversal", "absolute member path")
    if _DRIVE.match(name):
        raise _Skip("traversal", "drive letter in member path")
    if ".." in parts:
        raise _Skip("traversal", "'..' in member path")


def _check_zip_entry(info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise _Skip("encrypted", "member is encrypted")
    _check_mode(info.external_attr >> 16)


def _check_tar_entry(info: tarfile.TarInfo) -> None:
    if info.issym() or info.islnk():
        raise _Skip("link", f"link to {info.linkname!r}")
    if not info.isreg():
        raise _Skip("special_file", f"not a regular file (tar type {info.type!r})")


def _check_mode(mode: int) -> None:
    """Unix file-type bits stored with a zip entry (0 when the tool stored none)."""
    if stat.S_ISLNK(mode):
        raise _Skip("link", "symbolic link")
    if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        raise _Skip("special_file", f"not a regular file (mode {mode:o})")


def _check_zip_overlap(zf: zipfile.ZipFile, f: IO[bytes]) -> None:
    """Raise if entries share bytes with each other or with the central directory (overlap bombs)."""
    previous_end = 0
    for info in sorted(zf.infolist(), key=lambda i: i.header_offset):
        if info.header_offset < previous_end:
            raise ArchiveError("overlap", f"entry {info.filename!r} overlaps another entry's data")
        f.seek(info.header_offset)
        header = f.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise ArchiveError("corrupt", f"entry {info.filename!r} has no local header")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        previous_end = info.header_offset + 30 + name_len + extra_len + info.compress_size
    if previous_end > zf.start_dir:
        raise ArchiveError("overlap", "entry data overlaps the central directory")


def _is_tar_header(block: bytes) -> bool:
    """A ustar header, or an old (v7) one whose checksum holds."""
    if len(block) < _TAR_BLOCK or block[0] == 0:
        return False
    if block[257:262] == b"ustar":
        return True
    try:
        stored = int(block[148:156].replace(b"\0", b" ").strip() or b"x", 8)
    except ValueError:
        return False
    return stored == sum(block[:148]) + 8 * 0x20 + sum(block[156:_TAR_BLOCK])


def _safe_name(name: str) -> str:
    """A harmless file name on any OS for a member, keeping its extension where possible."""
    base = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in base).strip(".")[-_MAX_SAFE_NAME:]
    if not safe or safe.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        safe = "_" + safe
    return safe


def _constant(n: int) -> Callable[[], int]:
    return lambda: n


def _consumed_from(raw: IO[bytes]) -> Callable[[], int]:
    """Bytes read from ``raw`` from now on, plus what a decompressor may already have read ahead."""
    start = raw.tell()
    return lambda: raw.tell() - start + _TAR_READAHEAD


def _discard(target: Path) -> None:
    target.unlink(missing_ok=True)
    with suppress(OSError):  # absent, or not empty
        target.parent.rmdir()


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 500 else text[:499] + "…"


@contextmanager
def _fatal(reason: Reason, what: str) -> Iterator[None]:
    """Turn any parser exception in the block into an :class:`ArchiveError` (ours and MemoryError pass)."""
    try:
        yield
    except (ArchiveError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - parsers of hostile data raise anything
        raise ArchiveError(reason, f"{what}: {_describe(exc)}") from exc
