"""Video import speed in × realtime: keyframe-only analysis beside a decode-every-frame baseline.

    python benchmarks/video_ingest.py [--seconds 120]

Generates two 1080p H.264 clips (30 fps): one with a keyframe every second (as phones
write them) and one with a long GOP (a keyframe every 10 s). For each it measures:
  baseline   decode every frame (PyAV, default threading) and hash one frame per second
  analysis   verify_bench.media.video.analyze_video on one core (keyframes only)
  import     the real import of both files with 1 and 2 worker processes (file-level parallelism)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import compile_bytecode, cpu_info  # noqa: E402

FPS = 30


def make_clip(path: Path, seconds: int, gop: int, size: tuple[int, int] = (1920, 1080)) -> None:
    """A moving synthetic scene, so frames differ and the encoder does real work."""
    w, h = size
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.codec_context.gop_size = gop
        stream.codec_context.options = {"preset": "ultrafast", "crf": "28", "keyint_min": str(gop),
                                        "sc_threshold": "0"}
        yy, xx = np.mgrid[0:h, 0:w]
        base = ((xx // 8 + yy // 8) % 256).astype(np.uint8)
        for i in range(seconds * FPS):
            shift = (i * 7) % 256
            y = (base + shift).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(np.dstack([y, np.roll(y, i, axis=1), 255 - y]), format="rgb24")
            frame.pts = i
            frame.time_base = Fraction(1, FPS)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def baseline(path: Path) -> None:
    """Decode every frame; hash one per second (what a naive tool does)."""
    from verify_bench.media.hashing import hashes_for

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for n, frame in enumerate(container.decode(stream)):
            if n % FPS == 0:
                hashes_for(frame.to_image(), frame.time)


def analysis(path: Path) -> int:
    from verify_bench.media.video import analyze_video

    result = analyze_video(str(path), "mp4")
    assert not [p for p in result.problems if p.kind != "metadata"], result.problems
    return len({h.frame_ts for h in result.hashes})


def project(paths: list[Path], workers: int, work: Path) -> float:
    from verify_bench.case import Case
    from verify_bench.ingest.pipeline import ImportOptions, run_import

    root = work / f"case-{workers}"
    shutil.rmtree(root, ignore_errors=True)
    with Case.create(root, actor="bench") as case:
        start = time.perf_counter()
        summary = run_import(case, [str(p) for p in paths], options=ImportOptions(workers=workers, time_limit=600))
        elapsed = time.perf_counter() - start
    assert summary.imported == len(paths) and summary.with_problems == 0, summary
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120, help="length of each generated clip")
    args = parser.parse_args()
    print(f"machine: {cpu_info()}; PyAV {av.__version__}")
    print(compile_bytecode())
    with tempfile.TemporaryDirectory(prefix="vb-video-") as tmp:
        work = Path(tmp)
        clips = {"1080p H.264, keyframe every 1 s": (work / "gop1s.mp4", FPS),
                 "1080p H.264, keyframe every 10 s": (work / "gop10s.mp4", 10 * FPS)}
        for label, (path, gop) in clips.items():
            start = time.perf_counter()
            make_clip(path, args.seconds, gop)
            print(f"generated {label}: {args.seconds} s, {path.stat().st_size / 1e6:.0f} MB "
                  f"in {time.perf_counter() - start:.0f} s")
        print(f"\n{'clip':<36}{'baseline x RT':>15}{'analysis x RT':>15}{'keyframes':>11}")
        for label, (path, _) in clips.items():
            t0 = time.perf_counter()
            baseline(path)
            t_base = time.perf_counter() - t0
            t0 = time.perf_counter()
            keyframes = analysis(path)
            t_an = time.perf_counter() - t0
            print(f"{label:<36}{args.seconds / t_base:>15.1f}{args.seconds / t_an:>15.1f}{keyframes:>11}")
        paths = [p for p, _ in clips.values()]
        total = args.seconds * len(paths)
        one = project(paths, 1, work)
        two = project(paths, 2, work)
        print(f"\nimport of both clips ({total} s of video): 1 worker {total / one:.1f}x realtime, "
              f"2 workers {total / two:.1f}x realtime ({one / two:.2f}x from the second worker)")


if __name__ == "__main__":
    main()
