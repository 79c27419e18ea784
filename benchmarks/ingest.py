"""Import speed for camera JPEGs: the project's import beside a naive baseline and a decode ceiling.

    python benchmarks/ingest.py [--count 300] [--small-count 600] [--write docs/performance.md]

Contenders, all on the same files in the same run, page cache warm:
  naive    one process: read for SHA-256+MD5, a second read by exifread with its defaults
           (MakerNotes, thumbnail), full decode + EXIF transpose, imagehash pHash+dHash on the
           full image, a 320 px thumbnail from the full image.
  ceiling  read + reduced-size JPEG decode (libjpeg DCT scaling, Pillow draft) alone: no hashing,
           no metadata, no storing.
  project  verify_bench's real import into a fresh case (copy into the store with fsync, events,
           metadata, hashes, thumbnails) with 1 and 2 worker processes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import cpu_info, drop_page_cache_hint, need_corpus, unique_copies  # noqa: E402

CAMERA = [
    "jpg/Reconyx_HC500_Hyperfire.jpg", "jpg/hdr/canon_hdr_NO.jpg", "jpg/hdr/canon_hdr_YES.jpg",
    "jpg/hdr/iphone_hdr_NO.jpg", "jpg/hdr/iphone_hdr_YES.jpg", "jpg/mobile/HMD_Nokia_8.3_5G.jpg",
    "jpg/mobile/jolla.jpg", "jpg/tests/28-hex_value.jpg", "jpg/tests/30-type_error.jpg",
    "jpg/tests/33-type_error.jpg", "jpg/tests/35-empty.jpg", "jpg/tests/42_IndexError.jpg",
    "jpg/tests/67-0_length_string.jpg", "jpg/tests/87_OSError.jpg",
]


def naive(paths: list[Path]) -> None:
    import exifread
    import imagehash
    from PIL import Image, ImageOps

    for p in paths:
        data = p.read_bytes()
        hashlib.sha256(data).hexdigest()
        hashlib.md5(data).hexdigest()
        with open(p, "rb") as f:
            exifread.process_file(f)
        img = ImageOps.exif_transpose(Image.open(p))
        img.load()
        imagehash.phash(img)
        imagehash.dhash(img)
        thumb = img.copy()
        thumb.thumbnail((320, 320))
        thumb.convert("RGB").save(io.BytesIO(), "JPEG", quality=85)


def ceiling(paths: list[Path]) -> None:
    from PIL import Image

    for p in paths:
        data = p.read_bytes()
        img = Image.open(io.BytesIO(data))
        img.draft("RGB", (512, 512))
        img.load()


def project(paths: list[Path], workers: int, work: Path) -> float:
    from verify_bench.case import Case
    from verify_bench.ingest.pipeline import ImportOptions, run_import

    root = work / f"case-{workers}w"
    shutil.rmtree(root, ignore_errors=True)
    with Case.create(root, actor="bench") as case:
        start = time.perf_counter()
        summary = run_import(case, [str(p) for p in paths], options=ImportOptions(workers=workers))
        elapsed = time.perf_counter() - start
    assert summary.imported == len(paths), summary
    return elapsed


def measure(label: str, paths: list[Path], work: Path) -> dict[str, float]:
    total_mb = sum(p.stat().st_size for p in paths) / 1e6
    drop_page_cache_hint(paths)
    results: dict[str, float] = {}
    for name, run in (
        ("naive (1 process)", lambda: naive(paths)),
        ("ceiling: read + reduced decode (1 process)", lambda: ceiling(paths)),
    ):
        start = time.perf_counter()
        run()
        results[name] = time.perf_counter() - start
    # Worker start-up (spawn, imports) is part of a real import, so it is included.
    results["project, 1 worker"] = project(paths, 1, work)
    results["project, 2 workers"] = project(paths, 2, work)
    print(f"\n{label}: {len(paths)} files, {total_mb:.0f} MB")
    print(f"{'contender':<46}{'files/s':>10}{'MB/s':>10}")
    for name, seconds in results.items():
        print(f"{name:<46}{len(paths) / seconds:>10.1f}{total_mb / seconds:>10.1f}")
    n, c = results["naive (1 process)"], results["ceiling: read + reduced decode (1 process)"]
    p1, p2 = results["project, 1 worker"], results["project, 2 workers"]
    ratios = {"project 1w / naive": n / p1, "project 1w / ceiling": c / p1, "project 2w / 1w": p1 / p2,
              "ceiling / naive": n / c}
    print(f"  project, 1 worker vs naive:   {n / p1:6.2f}x")
    print(f"  project, 1 worker vs ceiling: {c / p1 * 100:6.0f} % of the ceiling's speed")
    print(f"  project, 2 workers vs 1:      {p1 / p2:6.2f}x")
    print(f"  ceiling vs naive:             {n / c:6.2f}x")
    return {**{k: len(paths) / v for k, v in results.items()}, **ratios, "files": len(paths), "mb": total_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="camera-size files (3-12 MP)")
    parser.add_argument("--small-count", type=int, default=600, help="small files (< 1 MP)")
    args = parser.parse_args()
    corpus = need_corpus() / "exif-samples"
    print(f"machine: {cpu_info()}; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="vb-bench-") as tmp:
        work = Path(tmp)
        camera = unique_copies([corpus / p for p in CAMERA], work / "camera", args.count)
        measure("camera-size JPEGs (3-12 MP)", camera, work)
        small_sources = sorted((corpus / "jpg" / "gps").glob("*.jpg")) + sorted((corpus / "jpg" / "orientation").glob("*.jpg"))
        small = unique_copies(small_sources, work / "small", args.small_count)
        measure("small JPEGs (0.3-0.5 MP)", small, work)


if __name__ == "__main__":
    main()
