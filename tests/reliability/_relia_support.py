"""Shared pieces of the reliability battery (relia's sections): running the CLI, reading what an
import recorded, and the checks every test repeats (one terminal outcome per input, a sound case).

Outcomes are read back from the case itself, not from the importer's callbacks: an input's
terminal outcome is its ``sightings`` row (then its item is ``ok``, ``problems`` or ``failed``)
or its ``rejections`` row in the import's batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from verify_bench.case import Case
from verify_bench.ingest import paths
from verify_bench.verify import verify_case

CLI = [sys.executable, "-m", "verify_bench"]
#: Allowed terminal states of an item once its import has ended.
TERMINAL_ANALYSIS = ("ok", "problems", "failed")


def cli(*args: str | bytes | os.PathLike[str], env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``verify-bench ARGS`` in a fresh process (raises ``TimeoutExpired`` on a hang)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*CLI, *[os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args]], check=False,
                          capture_output=True, text=True, env=full_env, timeout=timeout, errors="replace")


def new_case(root: Path) -> Path:
    Case.create(root).close()
    return root


def import_json(root: Path, *inputs: str | os.PathLike[str], workers: int = 2, time_limit: float = 30,
                env: dict[str, str] | None = None, timeout: float = 600) -> dict:
    """Import through the CLI with ``--json``; the summary, plus the wall time and exit status."""
    started = time.monotonic()
    done = cli("import", root, *inputs, "--json", "--workers", str(workers), "--time-limit", str(time_limit),
               env=env, timeout=timeout)
    wall = time.monotonic() - started
    assert done.returncode in (0, 3), f"import failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    summary = json.loads(done.stdout)
    summary["wall_seconds"] = wall
    summary["exit_status"] = done.returncode
    return summary


@dataclass
class Census:
    """What one import batch recorded for each input path (raw bytes)."""

    outcomes: dict[bytes, list[str]] = field(default_factory=dict)  # path -> ["imported:ok", "rejected:x", ...]

    def classes(self) -> Counter[str]:
        return Counter(o for found in self.outcomes.values() for o in found)

    def lost(self, expected: list[bytes]) -> list[bytes]:
        return [p for p in expected if not self.outcomes.get(p)]

    def multiple(self) -> dict[bytes, list[str]]:
        return {p: o for p, o in self.outcomes.items() if len(o) > 1}


def census(root: Path, batch_id: str) -> Census:
    """Every terminal outcome recorded in batch ``batch_id``: ``imported:<state>[:<kind>]`` or ``rejected:<reason>``."""
    result = Census()
    conn = sqlite3.connect(f"file:{root / 'case.sqlite'}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT s.original_path_b64, s.archive_member, i.analysis,"
            " (SELECT group_concat(kind, ',') FROM (SELECT DISTINCT kind FROM problems p WHERE p.item_id = i.id"
            "  ORDER BY kind)) FROM sightings s JOIN items i ON i.id = s.item_id WHERE s.batch_id = ?",
            (batch_id,)).fetchall()
        for b64, member, analysis, kinds in rows:
            key = paths.from_b64(b64) + (b"!/" + member.split("!/", 1)[1].encode("utf-8", "surrogateescape")
                                         if member else b"")
            label = f"imported:{analysis}" + (f":{kinds}" if kinds else "")
            result.outcomes.setdefault(key, []).append(label)
        for b64, shown, reason in conn.execute(
                "SELECT original_path_b64, original_path, reason FROM rejections WHERE batch_id = ?", (batch_id,)):
            raw = paths.from_b64(b64)
            if "!/" in shown and b"!/" not in raw:  # a member refused by its worker: the b64 names the archive
                raw += b"!/" + shown.split("!/", 1)[1].encode("utf-8", "surrogateescape")
            result.outcomes.setdefault(raw, []).append(f"rejected:{reason}")
    finally:
        conn.close()
    return result


def files_under(folder: Path) -> list[bytes]:
    """Absolute raw paths of every entry below ``folder`` that is not a directory (links included)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(os.fsencode(folder)):
        found += [os.path.join(dirpath, n) for n in filenames]
        found += [os.path.join(dirpath, d) for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
    return sorted(found)


def assert_sound(root: Path, *, allow_pending: bool = False) -> dict[str, int]:
    """The case opens, ``verify`` passes, no item is left pending and no temp file survives reopening.

    ``allow_pending``: after a kill, items whose parse had not finished may wait for the re-run.
    Returns a few counts (items, sightings, pending) for duplicate checks by the caller.
    """
    with Case.open(root) as case:
        leftovers = [p for p in (root / "originals" / ".tmp").rglob("*") if p.is_file()
                     and p.name != ".importing.lock"]
        assert not leftovers, f"temp files survive reopening: {leftovers[:5]}"
        pending = case.conn.execute("SELECT count(*) FROM items WHERE analysis NOT IN (?, ?, ?)", TERMINAL_ANALYSIS
                                    ).fetchone()[0]
        counts = {
            "items": case.conn.execute("SELECT count(*) FROM items").fetchone()[0],
            "distinct_sha256": case.conn.execute("SELECT count(DISTINCT sha256) FROM items").fetchone()[0],
            "sightings": case.conn.execute("SELECT count(*) FROM sightings").fetchone()[0],
            "distinct_sightings": case.conn.execute(
                "SELECT count(*) FROM (SELECT DISTINCT item_id, original_path_b64, archive_member, size, mtime_ns"
                " FROM sightings)").fetchone()[0],
            "pending": pending,
        }
    derived_tmp = [p for p in (root / "derived").rglob("*.tmp")]
    assert not derived_tmp, f"derived temp files left: {derived_tmp[:5]}"
    report = verify_case(root)
    assert report.ok, [(f.code, f.message) for f in report.errors]
    assert counts["items"] == counts["distinct_sha256"], "the same bytes were stored as two items"
    assert counts["sightings"] == counts["distinct_sightings"], "a sighting was recorded twice"
    assert allow_pending or not counts["pending"], f"{counts['pending']} items left pending"
    return counts


def assert_preserved(root: Path, source: bytes, batch_id: str | None = None) -> None:
    """The stored original of the item sighted at ``source`` holds exactly the source's bytes."""
    conn = sqlite3.connect(f"file:{root / 'case.sqlite'}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT i.stored_path, i.sha256 FROM sightings s JOIN items i ON i.id = s.item_id"
                           " WHERE s.original_path_b64 = ? AND s.archive_member IS NULL", (paths.b64(source),)
                           ).fetchone()
    finally:
        conn.close()
    assert row is not None, f"no item for {source!r}"
    data = (root / row[0]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == row[1]
    with open(source, "rb") as f:
        assert f.read() == data


OUTCOME_FORM = re.compile(r"^(imported:(ok|(problems|failed):[a-z_]+(,[a-z_]+)*)|rejected:[a-z_]+)$")


def battery_import(root: Path, src: Path, *, time_limit: float, workers: int = 2, timeout: float = 1800,
                   env: dict[str, str] | None = None) -> tuple[dict, Census, dict[str, object]]:
    """Import ``src`` through the CLI and check the battery's invariants; return summary, census, figures.

    Invariants: the import process ends normally, every input has exactly one terminal outcome of
    a named kind, no parse ran past the worker's time limit, every kept original is byte-exact,
    and the case is sound afterwards.
    """
    summary = import_json(root, src, workers=workers, time_limit=time_limit, env=env, timeout=timeout)
    assert summary["state"] == "completed" and summary["exit_status"] == 0, summary
    found = census(root, summary["batch_id"])
    expected = files_under(src)
    lost, multiple = found.lost(expected), found.multiple()
    assert not lost, f"{len(lost)} inputs without an outcome: {lost[:5]}"
    assert not multiple, f"inputs with several outcomes: {list(multiple.items())[:5]}"
    unnamed = [o for o in found.classes() if not OUTCOME_FORM.match(o)]
    assert not unnamed, unnamed
    slowest = _slowest_parse(root, summary["batch_id"])
    assert slowest <= time_limit + 5, f"a parse ran {slowest:.1f} s, past the {time_limit} s limit"
    _assert_all_preserved(root, summary["batch_id"])
    assert_sound(root)
    classes = found.classes()
    figures: dict[str, object] = {
        "input files": len(expected),
        "archive members among the outcomes": len(found.outcomes) - len(expected),
        "import process crashes": 0,
        "lost inputs": 0,
        "inputs with more than one outcome": 0,
        "imported, no problem": classes["imported:ok"],
        "imported with a named problem": sum(v for k, v in classes.items() if k.startswith("imported:problems")),
        "imported, parse failed (named)": sum(v for k, v in classes.items() if k.startswith("imported:failed")),
        "rejected with a reason": sum(v for k, v in classes.items() if k.startswith("rejected")),
        "contained worker faults (timeout / crashed / out of memory)": sum(
            v for k, v in classes.items() if k.startswith("imported:failed")
            and any(f in k for f in ("timeout", "crashed", "out_of_memory"))),
        "hangs past the worker limit": 0,
        "slowest parse (s)": round(slowest, 2),
        "outcome kinds": ", ".join(_kinds(classes)),
        "import wall time (s)": round(summary["wall_seconds"], 1),
    }
    return summary, found, figures


def _kinds(classes: Counter[str]) -> list[str]:
    kinds: Counter[str] = Counter()
    for label, n in classes.items():
        parts = label.split(":")
        for kind in (parts[2].split(",") if len(parts) > 2 else parts[1:] if parts[0] == "rejected" else []):
            kinds[kind] += n
    return [f"{k} {n}" for k, n in sorted(kinds.items())]


def _slowest_parse(root: Path, batch_id: str) -> float:
    """Longest time between an item's preservation and its analysis in this batch (event times)."""
    conn = sqlite3.connect(f"file:{root / 'case.sqlite'}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT s.at, a.at FROM events s JOIN events a ON a.item_id = s.item_id AND a.kind = 'item.analysed'"
            " WHERE s.kind = 'item.sighted' AND json_extract(s.payload, '$.batch_id') = ? AND a.seq > s.seq",
            (batch_id,)).fetchall()
    finally:
        conn.close()
    return max((_stamp(b) - _stamp(a) for a, b in rows), default=0.0)


def _stamp(at: str) -> float:
    return datetime.fromisoformat(at).timestamp()


def _assert_all_preserved(root: Path, batch_id: str) -> None:
    conn = sqlite3.connect(f"file:{root / 'case.sqlite'}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT s.original_path_b64, i.stored_path, i.sha256 FROM sightings s"
                            " JOIN items i ON i.id = s.item_id WHERE s.batch_id = ? AND s.archive_member IS NULL",
                            (batch_id,)).fetchall()
    finally:
        conn.close()
    for b64, stored, sha in rows:
        data = (root / stored).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha
        with open(paths.from_b64(b64), "rb") as f:
            assert f.read() == data, f"stored copy of {paths.from_b64(b64)!r} differs from the source"


class AtimeCanary:
    """A file outside the import folder that tells whether anything read it.

    Its access time is set far below its modification time, so that even ``relatime`` mounts
    update it on the next read. :meth:`works` proves that on this mount first.
    """

    def __init__(self, path: Path, content: bytes = b"#EXTM3U canary: must never be read\n") -> None:
        self.path = path
        path.write_bytes(content)
        self._arm()

    def _arm(self) -> None:
        now = time.time()
        os.utime(self.path, (now - 10 * 86400, now))

    def read(self) -> bool:
        return os.stat(self.path).st_atime > time.time() - 5 * 86400

    def works(self) -> bool:
        """Read it once and check that the mount records it; re-arm afterwards."""
        self._arm()
        with open(self.path, "rb") as f:
            f.read()
        ok = self.read()
        self._arm()
        return ok


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
