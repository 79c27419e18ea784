"""Battery 9: hostile archives imported through the core import (zip, tar, tar.gz).

Traversal names, absolute paths, drive letters, links (including a link followed by a file
"through" it), devices, FIFOs, zip overlap bombs, high-ratio members, archives nested too deep,
and per-archive budgets on bytes and members. Nothing may be written outside the import's temp
folder, budgets must hold, and every refusal must carry a reason and a message.
"""

from __future__ import annotations

import io
import os
import struct
import tarfile
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from tests.reliability._relia_support import assert_sound, census
from verify_bench.case import Case
from verify_bench.ingest.archives import ArchiveLimits
from verify_bench.ingest.pipeline import ImportOptions, run_import

LIMITS = ArchiveLimits(max_total_bytes=6 * 2**20, max_members=60, max_ratio=50.0, ratio_min_bytes=2**20, max_depth=3)


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def _tar(members: list[tuple[str, bytes, bytes, str]], mode: str = "w") -> bytes:
    """(name, data, tar type, link name) -> tar bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
        for name, data, kind, link in members:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, link
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            tf.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    return buf.getvalue()


def _overlap_bomb() -> bytes:
    """Several central-directory entries sharing one local header and its data (CVE-2024-0450 style)."""
    data = _zip([("a.bin", bytes(2**20))])
    cd_start, eocd = data.index(b"PK\x01\x02"), data.index(b"PK\x05\x06")
    entry = data[cd_start:eocd]
    central = entry + b"".join(entry.replace(b"a.bin", f"{c}.bin".encode()) for c in "bcdefgh")
    end = bytearray(data[eocd:])
    struct.pack_into("<HHII", end, 8, 8, 8, len(central), cd_start)
    return data[:cd_start] + central + bytes(end)


def _nested(depth: int, leaf: bytes) -> bytes:
    data = _zip([("deep.jpg", leaf)])
    for level in range(depth):
        data = _zip([(f"level-{level}.zip", data)])
    return data


def _snapshot(folder: Path, skip: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        if Path(dirpath) == skip.parent:
            dirnames[:] = [d for d in dirnames if Path(dirpath, d) != skip]
        for name in filenames + dirnames:
            st = os.lstat(os.path.join(dirpath, name))
            found[os.path.join(dirpath, name)] = (st.st_size, st.st_mtime_ns)
    return found


def test_hostile_archives(tmp_path: Path, record_figure):
    tag = uuid.uuid4().hex[:8]
    absolute_target = Path(f"/tmp/relia-evil-{tag}.jpg")
    outside_dir = Path(f"/tmp/relia-outside-{tag}")
    jpeg = make_jpeg((48, 32), seed=42)
    src = tmp_path / "in"
    src.mkdir()
    (src / "traversal.zip").write_bytes(_zip([
        ("fine.jpg", jpeg), ("../../evil-1.jpg", b"x"), (str(absolute_target), b"x"), ("C:\\evil-2.jpg", b"x"),
        ("..\\..\\evil-3.jpg", b"x"), ("dir/../../evil-4.jpg", b"x"), ("//server/share/evil-5.jpg", b"x"),
    ]))
    (src / "links.tar").write_bytes(_tar([
        ("fine.jpg", make_jpeg((48, 32), seed=43), tarfile.REGTYPE, ""),
        ("escape", b"", tarfile.SYMTYPE, str(outside_dir)),
        ("escape/evil-6.jpg", b"written through a link?", tarfile.REGTYPE, ""),
        ("passwd", b"", tarfile.SYMTYPE, "/etc/passwd"),
        ("hard", b"", tarfile.LNKTYPE, "/etc/shadow"),
        ("dev-null", b"", tarfile.CHRTYPE, ""),
        ("fifo", b"", tarfile.FIFOTYPE, ""),
        ("../evil-7.jpg", b"x", tarfile.REGTYPE, ""),
        ("/abs-evil-8.jpg", b"x", tarfile.REGTYPE, ""),
    ]))
    (src / "overlap.zip").write_bytes(_overlap_bomb())
    (src / "ratio.zip").write_bytes(_zip([("zeros.bin", bytes(16 * 2**20)), ("fine.jpg", make_jpeg(seed=44))]))
    (src / "ratio.tar.gz").write_bytes(_tar([("zeros.bin", bytes(16 * 2**20), tarfile.REGTYPE, "")], mode="w:gz"))
    (src / "nested.zip").write_bytes(_nested(6, make_jpeg((48, 32), seed=45)))
    (src / "many-members.zip").write_bytes(_zip([(f"m{i}.txt", b"") for i in range(100)]))
    (src / "too-big.zip").write_bytes(_zip([(f"r{i}.bin", os.urandom(2**21)) for i in range(4)], zipfile.ZIP_STORED))
    (src / "not-really.zip").write_bytes(b"PK\x03\x04" + os.urandom(300))

    root = tmp_path / "c.vbcase"
    before = _snapshot(tmp_path, root)
    with Case.create(root) as case:
        summary = run_import(case, [src], options=ImportOptions(workers=2, time_limit=60, archive_limits=LIMITS))
    assert summary.state == "completed"
    after = _snapshot(tmp_path, root)
    assert set(after) == set(before), f"written outside the case: {sorted(set(after) - set(before))[:5]}"
    for target in (absolute_target, outside_dir, Path("/abs-evil-8.jpg"), tmp_path / "evil-1.jpg",
                   tmp_path.parent / "evil-1.jpg", tmp_path / "evil-7.jpg"):
        assert not target.exists(), target
    assert not list((root / "originals" / ".tmp").glob("extract-*")), "extraction folder left behind"

    found = census(root, summary.batch_id)

    def outcome(member: str) -> list[str]:
        return found.outcomes.get(os.fsencode(src) + b"/" + member.encode(), [])

    expected_refusals = {
        **{f"traversal.zip!/{n}": "traversal" for n in ("../../evil-1.jpg", str(absolute_target), "C:\\evil-2.jpg",
                                                          "..\\..\\evil-3.jpg", "dir/../../evil-4.jpg",
                                                          "//server/share/evil-5.jpg")},
        "links.tar!/escape": "link", "links.tar!/passwd": "link", "links.tar!/hard": "link",
        "links.tar!/dev-null": "special_file", "links.tar!/fifo": "special_file",
        "links.tar!/../evil-7.jpg": "traversal", "links.tar!//abs-evil-8.jpg": "traversal",
        "ratio.zip!/zeros.bin": "ratio", "ratio.tar.gz!/zeros.bin": "ratio",
    }
    refused = 0
    for member, reason in expected_refusals.items():
        assert outcome(member) == [f"rejected:{reason}"], (member, outcome(member))
        refused += 1
    for member in ("traversal.zip!/fine.jpg", "links.tar!/fine.jpg", "ratio.zip!/fine.jpg",
                   "links.tar!/escape/evil-6.jpg"):  # kept as a plain member, never written through the link
        assert outcome(member) and outcome(member)[0].startswith("imported:"), (member, outcome(member))
    # whole archives refused: kept as items, with the reason on record
    for archive, words in (("overlap.zip", "overlap"), ("many-members.zip", "more than 60 members"),
                           ("too-big.zip", "bytes in total"), ("not-really.zip", "")):
        labels = outcome(archive)
        assert labels[0].startswith("imported:") and labels[1:] == ["rejected:archive_refused"], (archive, labels)
        assert words in _rejection_message(root, src / archive), archive
        refused += 1
    # nesting: three levels opened, the fourth kept as a file and marked too deep
    deep = [m for m in found.outcomes if b"nested.zip!/" in m and "rejected:too_deep" in found.outcomes[m]]
    assert len(deep) == 1 and deep[0].count(b"!/") == 4, deep
    kept, refusal = found.outcomes[deep[0]]  # kept as a file, and the refusal to open it explained
    assert kept.startswith("imported:") and refusal == "rejected:too_deep"
    refused += 1
    messages = _all_rejection_messages(root)
    assert all(m.strip() for m in messages), "a refusal without a message"
    assert_sound(root)

    record_figure("archives", "hostile archives imported", len(list(src.iterdir())))
    record_figure("archives", "refusals checked (member or whole archive), each with reason and message", refused)
    record_figure("archives", "files written outside the case's temp folder", 0)
    record_figure("archives", "budgets enforced (ratio, total bytes, member count, depth, overlap)", "all")


def _rejection_message(root: Path, archive: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(root / "case.sqlite")
    try:
        row = conn.execute("SELECT message FROM rejections WHERE original_path = ?", (str(archive),)).fetchone()
    finally:
        conn.close()
    assert row is not None, f"no refusal recorded for {archive}"
    return row[0]


def _all_rejection_messages(root: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(root / "case.sqlite")
    try:
        return [r[0] for r in conn.execute("SELECT message FROM rejections")]
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _no_leftovers_in_tmp():
    """Whatever happens, nothing named relia-evil/relia-outside may remain in /tmp."""
    yield
    leftovers = [p for p in Path("/tmp").glob("relia-evil-*")] + [p for p in Path("/tmp").glob("relia-outside-*")]
    assert not leftovers, leftovers
