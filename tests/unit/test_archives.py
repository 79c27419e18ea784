"""Safe archive extraction: refused members, budgets, bombs, nesting, names, containment."""

from __future__ import annotations

import io
import os
import stat
import struct
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from verify_bench.ingest.archives import (
    ArchiveError,
    ArchiveLimits,
    ArchiveResult,
    extract_archive,
    is_archive,
)

TAR_MODES = {"tar": "w", "tar.gz": "w:gz", "tar.bz2": "w:bz2", "tar.xz": "w:xz"}


# ---- builders ----------------------------------------------------------------------------


def make_zip(
    path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def tar_info(
    name: str, data: bytes = b"", type_: bytes = tarfile.REGTYPE, linkname: str = ""
) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = type_, linkname
    info.size = len(data) if type_ == tarfile.REGTYPE else 0
    return info, data


def make_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes]], mode: str = "w", **kwargs: object) -> Path:
    with tarfile.open(path, mode, **kwargs) as tf:  # type: ignore[call-overload]
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def tar_bytes(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def set_encrypted_flag(archive: Path, name: str) -> None:
    """Set bit 0 (encrypted) of ``name``'s flags in its local header and central-directory entry."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        local = zf.getinfo(name).header_offset
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[local + 6] |= 1
    data[central + 8] |= 1
    archive.write_bytes(bytes(data))


def extract(archive: Path, **limits: int | float) -> ArchiveResult:
    """Extract into a sibling folder and check that nothing was written anywhere else."""
    before = snapshot(archive.parent)
    dest = archive.parent / "out"
    try:
        return extract_archive(archive, dest, limits=ArchiveLimits(**limits))  # type: ignore[arg-type]
    finally:
        after = snapshot(archive.parent)
        assert {p for p in after - before if dest not in p.parents and p != dest} == set()


def snapshot(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def contents(result: ArchiveResult) -> dict[str, bytes]:
    return {f.member: f.path.read_bytes() for f in result.files}


def refusals(result: ArchiveResult) -> dict[str, str]:
    return {r.member: r.reason for r in result.refused}


# ---- good archives -----------------------------------------------------------------------


GOOD = {
    "a.jpg": os.urandom(3000),
    "dir/sub/b.bin": bytes(range(256)) * 40,
    "CON.jpg": b"reserved on Windows",
    "line\nbreak\u202e.txt": b"odd name",
    "x" * 200 + ".png": b"long name",
    "empty": b"",
}


def test_zip_members_are_extracted_byte_exact(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "good.zip", [("dir/", b""), *GOOD.items()])
    result = extract(archive)
    assert contents(result) == {f"good.zip!/{name}": data for name, data in GOOD.items()}
    assert result.refused == []
    assert all(f.size == len(f.path.read_bytes()) for f in result.files)
    assert len({f.path for f in result.files}) == len(GOOD)


@pytest.mark.parametrize("suffix", TAR_MODES)
def test_tar_members_are_extracted_byte_exact(tmp_path: Path, suffix: str) -> None:
    dir_info = tarfile.TarInfo("dir")
    dir_info.type = tarfile.DIRTYPE
    members = [(dir_info, b""), *(tar_info(n, d) for n, d in GOOD.items())]
    archive = make_tar(tmp_path / f"good.{suffix}", members, TAR_MODES[suffix])
    assert is_archive(archive)
    result = extract(archive)
    assert contents(result) == {f"good.{suffix}!/{name}": data for name, data in GOOD.items()}
    assert result.refused == []


def test_duplicate_names_do_not_overwrite_each_other(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive = make_zip(tmp_path / "dup.zip", [("a.txt", b"first"), ("a.txt", b"second")])
    result = extract(archive)
    assert sorted(f.path.read_bytes() for f in result.files) == [b"first", b"second"]


# ---- unsafe members ----------------------------------------------------------------------


TRAVERSAL = ["../evil", "/abs", "a/../../b", "..\\..\\evil", "C:/windows/x", "c:evil", "\\\\server\\share\\x", "a/.."]


def test_zip_traversal_names_are_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "t.zip", [*((n, b"evil") for n in TRAVERSAL), ("ok.txt", b"fine")])
    result = extract(archive)
    assert refusals(result) == {f"t.zip!/{n}": "traversal" for n in TRAVERSAL}
    assert contents(result) == {"t.zip!/ok.txt": b"fine"}


def test_tar_traversal_names_are_refused(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "t.tar", [*(tar_info(n, b"evil") for n in TRAVERSAL), tar_info("ok.txt", b"fine")])
    result = extract(archive)
    assert refusals(result) == {f"t.tar!/{n}": "traversal" for n in TRAVERSAL}
    assert contents(result) == {"t.tar!/ok.txt": b"fine"}


def test_tar_links_devices_and_fifos_are_refused(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "s.tar", [
        tar_info("target.txt", b"data"),
        tar_info("sym", type_=tarfile.SYMTYPE, linkname="/etc/passwd"),
        tar_info("hard", type_=tarfile.LNKTYPE, linkname="target.txt"),
        tar_info("fifo", type_=tarfile.FIFOTYPE),
        tar_info("chr", type_=tarfile.CHRTYPE),
        tar_info("blk", type_=tarfile.BLKTYPE),
    ])
    result = extract(archive)
    assert refusals(result) == {
        "s.tar!/sym": "link", "s.tar!/hard": "link",
        "s.tar!/fifo": "special_file", "s.tar!/chr": "special_file", "s.tar!/blk": "special_file",
    }
    assert contents(result) == {"s.tar!/target.txt": b"data"}


def test_zip_symlinks_special_files_and_encrypted_members_are_refused(tmp_path: Path) -> None:
    def entry(name: str, mode: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name)
        info.create_system, info.external_attr = 3, mode << 16
        return info

    archive = make_zip(tmp_path / "s.zip", [
        (entry("link", stat.S_IFLNK | 0o777), b"/etc/passwd"),
        (entry("fifo", stat.S_IFIFO | 0o644), b""),
        (entry("regular", stat.S_IFREG | 0o644), b"data"),
        (entry("secret", stat.S_IFREG | 0o644), b"ciphertext"),
    ], method=zipfile.ZIP_STORED)
    set_encrypted_flag(archive, "secret")
    result = extract(archive)
    assert refusals(result) == {"s.zip!/link": "link", "s.zip!/fifo": "special_file", "s.zip!/secret": "encrypted"}
    assert contents(result) == {"s.zip!/regular": b"data"}


# ---- budgets and bombs -------------------------------------------------------------------


def test_high_ratio_zip_member_is_refused_and_the_rest_extracted(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "r.zip", [("zeros.bin", bytes(50 * 2**20)), ("after.txt", b"fine")])
    result = extract(archive)
    assert refusals(result) == {"r.zip!/zeros.bin": "ratio"}
    assert contents(result) == {"r.zip!/after.txt": b"fine"}
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == [result.files[0].path]  # partial file gone


def test_high_ratio_tar_gz_member_is_refused(tmp_path: Path) -> None:
    members = [tar_info("zeros.bin", bytes(50 * 2**20)), tar_info("after.txt", b"x")]
    archive = make_tar(tmp_path / "r.tgz", members, "w:gz")
    result = extract(archive)
    assert refusals(result) == {"r.tgz!/zeros.bin": "ratio"}
    assert contents(result) == {"r.tgz!/after.txt": b"x"}


def test_incompressible_member_passes_the_ratio_check(tmp_path: Path) -> None:
    data = os.urandom(3 * 2**20)
    result = extract(make_tar(tmp_path / "n.tar.gz", [tar_info("noise.bin", data)], "w:gz"))
    assert contents(result) == {"n.tar.gz!/noise.bin": data}


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_total_byte_budget_aborts(tmp_path: Path, kind: str) -> None:
    entries = [(f"f{i}", os.urandom(600)) for i in range(3)]
    if kind == "zip":
        archive = make_zip(tmp_path / "b.zip", entries)
    else:
        archive = make_tar(tmp_path / "b.tar", [tar_info(n, d) for n, d in entries])
    with pytest.raises(ArchiveError) as caught:
        extract(archive, max_total_bytes=1000)
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_member_count_budget_aborts(tmp_path: Path, kind: str) -> None:
    entries = [(f"f{i}", b"x") for i in range(10)]
    if kind == "zip":
        archive = make_zip(tmp_path / "m.zip", entries)
    else:
        archive = make_tar(tmp_path / "m.tar", [tar_info(n, d) for n, d in entries])
    with pytest.raises(ArchiveError) as caught:
        extract(archive, max_members=5)
    assert caught.value.reason == "too_many_members"


def test_overlapping_zip_entries_are_a_bomb(tmp_path: Path) -> None:
    """Several central-directory entries pointing at one local header (CVE-2024-0450 style)."""
    data = zip_bytes([("a.bin", bytes(2**20))])
    cd_start, eocd = data.index(b"PK\x01\x02"), data.index(b"PK\x05\x06")
    entry = data[cd_start:eocd]
    central = entry + b"".join(entry.replace(b"a.bin", f"{c}.bin".encode()) for c in "bcd")
    end = bytearray(data[eocd:])
    struct.pack_into("<HHII", end, 8, 4, 4, len(central), cd_start)
    archive = tmp_path / "overlap.zip"
    archive.write_bytes(data[:cd_start] + central + bytes(end))
    with pytest.raises(ArchiveError) as caught:
        extract(archive)
    assert caught.value.reason == "overlap"


def test_oversized_extended_tar_header_is_refused(tmp_path: Path) -> None:
    info, data = tar_info("a.txt", b"x")
    info.pax_headers = {"comment": "x" * (2 * 2**20)}
    archive = make_tar(tmp_path / "pax.tar", [(info, data)], format=tarfile.PAX_FORMAT)
    with pytest.raises(ArchiveError) as caught:
        extract(archive)
    assert caught.value.reason == "corrupt"


# ---- nesting -----------------------------------------------------------------------------


def nested(tmp_path: Path) -> Path:
    """outer.zip > dir/t.tar > z1.zip > deep.zip > deep.txt (four archive levels)."""
    deep = zip_bytes([("deep.txt", b"deepest")])
    z1 = zip_bytes([("deep.zip", deep), ("z1.txt", b"level 2")])
    t = tar_bytes([tar_info("z1.zip", z1), tar_info("t.txt", b"level 1")])
    return make_zip(tmp_path / "outer.zip", [("dir/t.tar", t), ("top.txt", b"level 0")])


def test_nested_archives_are_expanded_into_their_members(tmp_path: Path) -> None:
    result = extract(nested(tmp_path))
    assert contents(result) == {
        "outer.zip!/top.txt": b"level 0",
        "outer.zip!/dir/t.tar!/t.txt": b"level 1",
        "outer.zip!/dir/t.tar!/z1.zip!/z1.txt": b"level 2",
        "outer.zip!/dir/t.tar!/z1.zip!/deep.zip!/deep.txt": b"deepest",
    }
    assert result.refused == []
    assert sum(1 for p in (tmp_path / "out").rglob("*") if p.is_file()) == 4  # expanded archives removed


def test_archives_nested_too_deep_are_kept_but_not_expanded(tmp_path: Path) -> None:
    result = extract(nested(tmp_path), max_depth=2)
    assert refusals(result) == {"outer.zip!/dir/t.tar!/z1.zip!/deep.zip": "too_deep"}
    got = contents(result)
    assert set(got) == {
        "outer.zip!/top.txt", "outer.zip!/dir/t.tar!/t.txt",
        "outer.zip!/dir/t.tar!/z1.zip!/z1.txt", "outer.zip!/dir/t.tar!/z1.zip!/deep.zip",
    }
    with zipfile.ZipFile(io.BytesIO(got["outer.zip!/dir/t.tar!/z1.zip!/deep.zip"])) as deep:
        assert deep.read("deep.txt") == b"deepest"


def test_corrupt_nested_archive_is_kept_and_reported(tmp_path: Path) -> None:
    broken = b"PK\x03\x04" + os.urandom(200)
    archive = make_zip(tmp_path / "o.zip", [("broken.zip", broken), ("fine.txt", b"ok")])
    result = extract(archive)
    assert refusals(result) == {"o.zip!/broken.zip": "corrupt"}
    assert contents(result) == {"o.zip!/broken.zip": broken, "o.zip!/fine.txt": b"ok"}


# ---- names -------------------------------------------------------------------------------


def test_member_names_keep_their_encoding(tmp_path: Path) -> None:
    data = zip_bytes([("caf?.jpg", b"cp437"), ("über.jpg", b"utf-8")])
    cp437 = tmp_path / "names.zip"
    cp437.write_bytes(data.replace(b"caf?.jpg", b"caf\x82.jpg"))  # no UTF-8 flag: cp437
    tar = make_tar(tmp_path / "names.tar", [tar_info("caf\udce9.jpg", b"latin-1 bytes")],
                   format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape")
    assert b"caf\xe9.jpg" in tar.read_bytes()

    zipped = contents(extract(cp437))
    assert zipped == {"names.zip!/café.jpg": b"cp437", "names.zip!/über.jpg": b"utf-8"}
    [tarred] = extract_archive(tar, tmp_path / "out2").files
    assert tarred.member == "names.tar!/caf\udce9.jpg"
    assert tarred.member.split("!/", 1)[1].encode("utf-8", "surrogateescape") == b"caf\xe9.jpg"


# ---- broken input, detection, cancellation -----------------------------------------------


def test_bad_crc_member_is_refused_and_the_rest_extracted(tmp_path: Path) -> None:
    stored = make_zip(tmp_path / "crc.zip", [("bad.txt", b"hello world"), ("good.txt", b"fine")], zipfile.ZIP_STORED)
    stored.write_bytes(stored.read_bytes().replace(b"hello world", b"hellO world", 1))
    result = extract(stored)
    assert refusals(result) == {"crc.zip!/bad.txt": "corrupt"}
    assert contents(result) == {"crc.zip!/good.txt": b"fine"}


def test_truncated_tar_gz_is_corrupt(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "cut.tar.gz", [tar_info("noise.bin", os.urandom(300_000))], "w:gz")
    archive.write_bytes(archive.read_bytes()[:150_000])
    with pytest.raises(ArchiveError) as caught:
        extract(archive)
    assert caught.value.reason == "corrupt"


def test_non_archive_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "photo.zip"
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(1000))
    with pytest.raises(ArchiveError) as caught:
        extract(path)
    assert caught.value.reason == "corrupt"


def test_is_archive_judges_by_content(tmp_path: Path) -> None:
    import gzip

    (tmp_path / "plain.gz").write_bytes(gzip.compress(b"just text, not a tar" * 100))
    (tmp_path / "photo.tar").write_bytes(b"\xff\xd8\xff\xe0" + bytes(2000))
    (tmp_path / "empty.zip").write_bytes(zip_bytes([]))
    make_tar(tmp_path / "renamed.jpg", [tar_info("a", b"a")], "w:xz")
    assert not is_archive(tmp_path / "plain.gz")
    assert not is_archive(tmp_path / "photo.tar")
    assert not is_archive(tmp_path / "missing")
    assert is_archive(tmp_path / "empty.zip")
    assert is_archive(tmp_path / "renamed.jpg")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_is_archive_never_opens_a_fifo_for_long(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.zip")
    assert not is_archive(tmp_path / "pipe.zip")


def test_cancel_aborts(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "c.zip", [(f"f{i}", b"x") for i in range(10)])
    calls = iter(range(1000))
    with pytest.raises(ArchiveError) as caught:
        extract_archive(archive, tmp_path / "out", cancel=lambda: next(calls) >= 5)
    assert caught.value.reason == "cancelled"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_extracted_files_are_regular_files_inside_dest(tmp_path: Path) -> None:
    result = extract(nested(tmp_path))
    dest = (tmp_path / "out").resolve()
    for f in result.files:
        assert f.path.resolve().is_relative_to(dest)
        assert stat.S_ISREG(os.lstat(f.path).st_mode)
