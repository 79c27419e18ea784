"""Battery 8: hostile names and folders.

At least 60 hostile names (non-UTF-8 bytes, NFC/NFD twins, case-colliding pairs, 255-byte
components, very long paths, control characters, bidirectional marks, reserved Windows names)
must reach provenance byte for byte. Symbolic-link loops, links out of the chosen folder, FIFOs,
device files, sockets and files that change while being copied must never hang the import, never
make it read outside the folder, and be recorded with a reason.
"""

from __future__ import annotations

import os
import socket
import stat
import sys
import threading
import unicodedata
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from tests.reliability._relia_support import (
    AtimeCanary,
    assert_sound,
    census,
    cli,
    import_json,
    new_case,
)
from verify_bench.ingest import paths

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="byte names, FIFOs and devices as on Linux")


def _nfc(s: str) -> bytes:
    return unicodedata.normalize("NFC", s).encode()


def _nfd(s: str) -> bytes:
    return unicodedata.normalize("NFD", s).encode()


def hostile_names() -> list[bytes]:
    """Single path components (no slash, no NUL), each a different way to break naive code."""
    names: list[bytes] = [
        # not UTF-8
        b"\xff\xfe.jpg", b"caf\xe9.jpg", b"\x80.jpg", b"bad-\xc3\x28-seq.jpg", b"overlong-\xc0\xaf.jpg",
        b"surrogate-\xed\xa0\x80.jpg", b"beyond-\xf5\x80\x80\x80.jpg", b"latin1-\xc0\xc1\xe0.jpg",
        b"mixed-\xc3\xa9-\xe9.jpg", b"\xfe", b"cp1251-\xcf\xf0\xe8\xe2\xe5\xf2.jpg", b"sjis-\x83\x65\x83\x58.jpg",
        # NFC / NFD twins (different bytes, same text once normalised)
        _nfc("é.jpg"), _nfd("é.jpg"), _nfc("Å-ström.jpg"), _nfd("Å-ström.jpg"), _nfc("한국어.jpg"), _nfd("한국어.jpg"),
        _nfc("ñandú.jpg"), _nfd("ñandú.jpg"), _nfc("Ελλάδα.jpg"), _nfd("Ελλάδα.jpg"),
        # case-colliding (same on case-insensitive disks)
        b"Photo.JPG", b"photo.jpg", b"PHOTO.jpg", "straße.jpg".encode(), b"STRASSE.jpg",
        "Σίσυφος.jpg".encode(), "σίσυφος.jpg".encode(), "İstanbul.jpg".encode(), "i̇stanbul.jpg".encode(),
        # longest components
        b"a" * 251 + b".jpg", "é".encode() * 125 + b".jpg", "中".encode() * 83 + b".jpg", b"b" * 255,
        "😀".encode() * 62 + b".jpg",
        # control characters and escapes
        b"line\nbreak.jpg", b"carriage\rreturn.jpg", b"tab\there.jpg", b"\x1b[31mred\x1b[0m.jpg", b"bell\x07.jpg",
        b"del\x7f.jpg", b"\n", b"back\\slash.jpg",
        # bidirectional and invisible marks
        "\u202egpj.exe".encode(), "rtl-\u200f-mark.jpg".encode(), "zero\u200bwidth.jpg".encode(),
        "\ufeffbom.jpg".encode(), "ar-صورة.jpg".encode(), "he-תמונה.jpg".encode(), "isolate-\u2067x\u2069.jpg".encode(),
        # reserved or invalid on Windows
        b"CON", b"con.jpg", b"PRN.txt", b"AUX", b"NUL.jpg", b"COM1", b"LPT9.jpg", b"trailing-dot.", b"trailing-space ",
        b"colon:star*quest?.jpg", b"angle<pipe|quote\".jpg",
        # shell and path tricks
        b"-rf.jpg", b".hidden.jpg", b"...", b"   ", b"%2e%2e%2fescape.jpg", b"~", b"$HOME.jpg", b"`id`.jpg",
        b"'; DROP TABLE items; --.jpg", "🙂.jpg".encode(), b"a.b.c.d.e.jpg", b"noext",
    ]
    assert len(names) == len(set(names)), "duplicate test names"
    return names


def test_hostile_names_round_trip_byte_exactly(tmp_path: Path, record_figure):
    src = os.fsencode(tmp_path / "in")
    os.mkdir(src)
    created: list[bytes] = []
    for n, name in enumerate(hostile_names()):
        path = os.path.join(src, name)
        with open(path, "wb") as f:
            f.write(make_jpeg((32, 24), seed=1000 + n))
        created.append(path)
    # a path of ~4000 bytes (under Linux's PATH_MAX of 4096) ...
    deep = src
    for level in range(18):
        deep = os.path.join(deep, bytes([0x61 + level]) * 200 + "é".encode())
    os.makedirs(deep)
    long_file = os.path.join(deep, b"deep.jpg")
    with open(long_file, "wb") as f:
        f.write(make_jpeg((32, 24), seed=999))
    created.append(long_file)
    assert len(long_file) > 3700
    # ... and one past it, reachable only step by step
    too_deep_top = _make_too_deep(deep)

    root = new_case(tmp_path / "c.vbcase")
    summary = import_json(root, tmp_path / "in", workers=2, time_limit=30)
    found = census(root, summary["batch_id"])
    exact = 0
    for path in created:
        assert found.outcomes.get(path) is not None, f"no outcome for {path!r}"
        assert len(found.outcomes[path]) == 1 and found.outcomes[path][0].startswith("imported:ok"), \
            (path, found.outcomes[path])
        exact += 1
    too_deep = [p for p, o in found.outcomes.items() if p.startswith(too_deep_top)]
    assert too_deep and all(o == ["rejected:unreadable"] for p, o in found.outcomes.items() if p in too_deep), \
        "a path past PATH_MAX must be reported as unreadable"
    # the display form is readable text on one line, and the raw bytes come back from it exactly
    shown = dict(_sightings(root))
    for path in created:
        display, b64 = shown[paths.b64(path)]
        assert paths.from_b64(b64) == path and display == paths.display(path)
    assert_sound(root)

    # names given on the command line (not found by walking a folder) round-trip too
    root2 = new_case(tmp_path / "c2.vbcase")
    picked = [p for p in created if b"\xff" in p or b"\n" in p or "\u202e".encode() in p
              or p.endswith(b"CON")]
    summary2 = import_json(root2, *[os.fsdecode(p) for p in picked], workers=1)
    found2 = census(root2, summary2["batch_id"])
    assert sorted(found2.outcomes) == sorted(picked), (sorted(found2.outcomes), sorted(picked))

    record_figure("names", "hostile names (plus a ~4000-byte path)", len(hostile_names()) + 1)
    record_figure("names", "names recorded byte-exactly in provenance", exact)
    record_figure("names", "path past PATH_MAX", "rejected as unreadable, with a reason")
    record_figure("names", "hostile names given as command-line arguments, byte-exact", len(picked))


def _make_too_deep(start: bytes) -> bytes:
    """Make folders below ``start`` until the path passes 4096 bytes; return the first one made."""
    fd = os.open(start, os.O_RDONLY | os.O_DIRECTORY)
    top = os.path.join(start, b"x" * 250)
    length = len(start)
    try:
        while length < 4400:
            os.mkdir(b"x" * 250, dir_fd=fd)
            nxt = os.open(b"x" * 250, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nxt
            length += 251
        out = os.open(b"past-path-max.jpg", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, make_jpeg((32, 24), seed=998))
        os.close(out)
    finally:
        os.close(fd)
    return top


def _sightings(root: Path) -> list[tuple[str, tuple[str, str]]]:
    import sqlite3

    conn = sqlite3.connect(root / "case.sqlite")
    try:
        return [(b64, (shown, b64)) for shown, b64 in
                conn.execute("SELECT original_path, original_path_b64 FROM sightings")]
    finally:
        conn.close()


def test_links_special_files_and_changing_files(tmp_path: Path, record_figure):
    outside = tmp_path / "outside"
    outside.mkdir()
    canary = AtimeCanary(outside / "canary.jpg", make_jpeg((32, 24), seed=5))
    if not canary.works():
        pytest.skip("this mount does not record access times")
    (outside / "secret-dir").mkdir()
    (outside / "secret-dir" / "inside.jpg").write_bytes(make_jpeg((32, 24), seed=6))
    src = tmp_path / "in"
    src.mkdir()
    (src / "normal.jpg").write_bytes(make_jpeg((32, 24), seed=7))
    expected_reasons: dict[str, str] = {}

    def expect(name: str, reason: str) -> None:
        expected_reasons[name] = reason

    os.symlink(canary.path, src / "link-out.jpg")
    expect("link-out.jpg", "symlink")
    os.symlink(outside / "secret-dir", src / "link-out-dir")
    expect("link-out-dir", "symlink")
    os.symlink("loop-b", src / "loop-a")
    os.symlink("loop-a", src / "loop-b")
    expect("loop-a", "symlink")
    expect("loop-b", "symlink")
    (src / "sub").mkdir()
    os.symlink("..", src / "sub" / "up")
    expect("sub/up", "symlink")
    os.symlink("/etc/passwd", src / "passwd.jpg")
    expect("passwd.jpg", "symlink")
    os.symlink("missing-target", src / "dangling.jpg")
    expect("dangling.jpg", "symlink")
    os.mkfifo(src / "pipe.jpg")  # opening it for reading would block until a writer came
    expect("pipe.jpg", "special_file")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(src / "socket.jpg"))
    expect("socket.jpg", "special_file")
    devices = 0
    if os.geteuid() == 0:
        try:
            os.mknod(src / "null-device.jpg", stat.S_IFCHR | 0o644, os.makedev(1, 3))
            os.mknod(src / "zero-device.mp4", stat.S_IFCHR | 0o644, os.makedev(1, 5))
            expect("null-device.jpg", "special_file")
            expect("zero-device.mp4", "special_file")
            devices = 2
        except OSError:
            pass
    growing = src / "growing.mp4"
    growing.write_bytes(os.urandom(4 * 2**20))
    stop = threading.Event()

    def keep_writing() -> None:  # another program appends while we copy
        with open(growing, "ab") as f:
            while not stop.wait(0.001):
                f.write(b"x" * 4096)
                f.flush()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    root = new_case(tmp_path / "c.vbcase")
    try:
        summary = import_json(root, src, workers=2, time_limit=30, timeout=300)
    finally:
        stop.set()
        writer.join()
        sock.close()

    assert not canary.read(), "the import read a file outside the chosen folder through a link"
    found = census(root, summary["batch_id"])
    for name, reason in expected_reasons.items():
        raw = os.fsencode(src / name)
        assert found.outcomes.get(raw) == [f"rejected:{reason}"], (name, found.outcomes.get(raw))
    assert found.outcomes[os.fsencode(src / "normal.jpg")] == ["imported:ok"]
    assert len(found.outcomes[os.fsencode(growing)]) == 1
    flagged = [f for f in summary["failures"] if f["path"] == str(growing)]
    assert "changed_during_copy" in [f["kind"] for f in flagged], flagged
    assert _sighting_flag(root, os.fsencode(growing)) is True  # on record in the sighting's event
    assert not any(b"outside" in p for p in found.outcomes), "something outside the folder was imported"
    messages = {r[0] for r in _rejection_messages(root)}
    assert all(messages), "every refusal carries a message"
    assert_sound(root)
    done = cli("verify", root)
    assert done.returncode == 0, done.stdout

    record_figure("names", "links (out of the folder, loops, dangling, to /etc/passwd) never followed",
                  sum(r == "symlink" for r in expected_reasons.values()))
    record_figure("names", "FIFO, socket and device files never opened, recorded as special_file",
                  f"{sum(r == 'special_file' for r in expected_reasons.values())} (devices: {devices})")
    record_figure("names", "file appended to during the copy", "kept, flagged changed_during_copy")
    record_figure("names", "reads outside the chosen folder (canary access time)", 0)


def _sighting_flag(root: Path, path: bytes) -> object:
    import json
    import sqlite3

    conn = sqlite3.connect(root / "case.sqlite")
    try:
        [(payload,)] = conn.execute("SELECT payload FROM events WHERE kind = 'item.sighted'"
                                    " AND json_extract(payload, '$.original_path_b64') = ?", (paths.b64(path),))
    finally:
        conn.close()
    return json.loads(payload)["changed_during_copy"]


def _rejection_messages(root: Path) -> list[tuple[str]]:
    import sqlite3

    conn = sqlite3.connect(root / "case.sqlite")
    try:
        return conn.execute("SELECT message FROM rejections").fetchall()
    finally:
        conn.close()
