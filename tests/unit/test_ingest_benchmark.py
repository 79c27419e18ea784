"""benchmarks/ingest.py: its contenders still do their work (tiny sets; the figures come from the script)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from pathlib import Path

from PIL import Image

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
sys.path.insert(0, str(BENCHMARKS))

import ingest  # noqa: E402


def test_floor_stores_each_file_under_its_hash_and_writes_its_thumbnail(tmp_path: Path):
    photos = [SAMPLES / "DSCN0010.jpg", SAMPLES / "landscape_6.jpg"]
    steps: dict[str, float] = {}
    ingest.floor(photos, tmp_path / "store", steps)
    assert list(steps) == ["read", "SHA-256 + MD5", "copy written", "fsync + rename", "EXIF", "decode",
                           "pHash + dHash", "thumbnail", "thumbnail file", "event"]
    for photo in photos:
        data = photo.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        assert (tmp_path / "store" / sha256).read_bytes() == data
        with Image.open(tmp_path / "store" / f"{sha256}.jpg") as thumb:
            assert max(thumb.size) == 320
    assert not list((tmp_path / "store").glob("*.part"))
    with sqlite3.connect(tmp_path / "store" / "log.sqlite") as log:
        rows = log.execute("SELECT payload, prev_hash FROM events ORDER BY seq").fetchall()
    assert [json.loads(payload)["sha256"] for payload, _ in rows] == [
        hashlib.sha256(p.read_bytes()).hexdigest() for p in photos]
    assert rows[1][1] == hashlib.sha256((rows[0][1] + rows[1][0]).encode()).hexdigest()


def test_measure_compares_every_contender_and_prints_the_goals_cpu_budget(tmp_path: Path, capsys):
    photos = ingest.unique_copies([SAMPLES / "DSCN0010.jpg"], tmp_path / "in", 3)
    result = ingest.measure("tiny", photos, tmp_path / "work", repeat=1)
    assert result["files"] == 3
    for key in ("project 1w / naive", "project 2w / 1w", "floor / ceiling", "project 1w / floor"):
        assert result[key] > 0
    printed = capsys.readouterr().out
    assert ingest.FLOOR in printed and "6x naive and two 1.8x that" in printed
    assert "floor's steps, CPU ms per file" in printed and "SHA-256 + MD5" in printed
