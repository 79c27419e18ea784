"""Near-duplicate quality on labelled data: precision and recall of the default threshold and across thresholds.

    python benchmarks/dupes_quality.py [--thresholds 4,6,8,10,12] [--no-video] [--json results.json]

Images: every distinct-scene photo of the shared corpus (exif-samples jpg/*.jpg, exif-org, gps, mobile,
hdr, one per orientation set) plus, for each, the copies investigators meet: resized, recompressed,
cropped 8 % and 15 %, a caption banner, a channel logo, a phone screenshot, greyscale, blurred,
mirrored, and a mirrored recompressed crop. Each copy is saved as JPEG and hashed exactly as the
import does (reduced-size decode, pinned pHash, match variants). The other photos and their copies
are the distractors: a predicted pair is right when both sides come from the same photo.
Precision = right predicted pairs / predicted pairs (over all pairs of the set); recall = found
(photo, copy) pairs / all such pairs, overall and per transform.

Videos: the corpus videos and generated clips (moving shapes), each re-encoded, scaled to half,
trimmed (first third dropped) and one frame taken as a still (at a keyframe and between keyframes).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random

from PIL import Image, ImageDraw, ImageFilter, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import need_corpus  # noqa: E402

from verify_bench.media.analysis import Analysis  # noqa: E402
from verify_bench.similarity.matching import CodeRows, Match, Matcher  # noqa: E402

DEFAULT_THRESHOLDS = (2, 4, 6, 8, 10, 12, 14)
PHOTO_GLOBS = ("jpg/*.jpg", "jpg/exif-org/*.jpg", "jpg/gps/*.jpg", "jpg/mobile/*.jpg", "jpg/hdr/*_NO.jpg",
               "jpg/orientation/landscape_1.jpg")
#: Not photos (a drawing, a blank test file) or broken: no scene to match.
SKIP = {"PaintTool_sample.jpg", "corrupted.jpg", "long_description.jpg"}


def _resize(img: Image.Image, rnd: Random) -> Image.Image:
    f = rnd.uniform(0.35, 0.6)
    return img.resize((max(32, int(img.width * f)), max(32, int(img.height * f))), Image.Resampling.BICUBIC)


def _crop(fraction: float) -> Callable[[Image.Image, Random], Image.Image]:
    def crop(img: Image.Image, rnd: Random) -> Image.Image:
        w, h = img.size
        left = rnd.uniform(0, fraction)
        top = rnd.uniform(0, fraction)
        return img.crop((int(left * w), int(top * h), int((1 - fraction + left) * w), int((1 - fraction + top) * h)))

    return crop


def _banner(img: Image.Image, rnd: Random) -> Image.Image:
    w, h = img.size
    band = int(h * rnd.uniform(0.08, 0.14))
    out = Image.new("RGB", (w, h + band), (20, 20, 20))
    out.paste(img, (0, band if rnd.random() < 0.5 else 0))
    draw = ImageDraw.Draw(out)
    y = 0 if out.getpixel((0, 0)) == (20, 20, 20) else h
    draw.text((w // 20, y + band // 3), "BREAKING: footage shows the scene tonight", fill=(255, 255, 255),
              font_size=max(10, band // 3))
    return out


def _logo(img: Image.Image, rnd: Random) -> Image.Image:
    out = img.copy()
    w, h = out.size
    lw, lh = int(w * 0.16), int(h * 0.08)
    x = int(w * 0.03) if rnd.random() < 0.5 else w - lw - int(w * 0.03)
    draw = ImageDraw.Draw(out)
    draw.rounded_rectangle([x, int(h * 0.03), x + lw, int(h * 0.03) + lh], radius=lh // 4, fill=(200, 20, 30))
    draw.text((x + lw // 10, int(h * 0.03) + lh // 4), "NEWS 24", fill=(255, 255, 255), font_size=max(8, lh // 2))
    return out


def _screenshot(img: Image.Image, rnd: Random) -> Image.Image:
    """The picture shown full-width on a portrait phone: status bar, black letterbox, navigation bar."""
    sw = 720
    sh = 1560
    shown = img.resize((sw, max(1, int(img.height * sw / img.width))), Image.Resampling.BILINEAR)
    if shown.height > sh - 200:
        shown = shown.crop((0, 0, sw, sh - 200))
    out = Image.new("RGB", (sw, sh), (0, 0, 0))
    out.paste(shown, (0, (sh - shown.height) // 2))
    draw = ImageDraw.Draw(out)
    draw.rectangle([0, 0, sw, 48], fill=(30, 30, 30))
    draw.text((24, 12), f"{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}", fill=(255, 255, 255), font_size=24)
    draw.rectangle([sw - 90, 16, sw - 30, 34], outline=(255, 255, 255), width=2)
    draw.rectangle([0, sh - 80, sw, sh], fill=(30, 30, 30))
    for i, x in enumerate((sw // 4, sw // 2, 3 * sw // 4)):
        draw.ellipse([x - 14 - i, sh - 54, x + 14 + i, sh - 26], outline=(230, 230, 230), width=3)
    return out


TRANSFORMS: dict[str, Callable[[Image.Image, Random], Image.Image]] = {
    "resize": _resize,
    "recompress": lambda img, rnd: img,           # saved at low quality below
    "crop8": _crop(0.08),
    "crop15": _crop(0.15),
    "banner": _banner,
    "logo": _logo,
    "screenshot": _screenshot,
    "greyscale": lambda img, rnd: ImageOps.grayscale(img).convert("RGB"),
    "blur": lambda img, rnd: img.filter(ImageFilter.GaussianBlur(max(1.0, min(img.size) / 500))),
    "mirror": lambda img, rnd: ImageOps.mirror(img),
    "mirror_crop": lambda img, rnd: ImageOps.mirror(_crop(0.10)(img, rnd)),
}
QUALITY = {"recompress": 25, "mirror_crop": 40}


@dataclass(frozen=True)
class Sample:
    name: str
    source: int           # which photo it shows
    transform: str        # "original" for the photo itself


def photo_paths(corpus: Path) -> list[Path]:
    base = corpus / "exif-samples"
    found = sorted({p for g in PHOTO_GLOBS for p in base.glob(g) if p.name not in SKIP})
    return found


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def image_set(paths: list[Path], *, seed: int = 7, max_side: int = 1600) -> list[tuple[Sample, bytes]]:
    """Each photo as stored plus its transformed copies, as JPEG bytes."""
    rnd = Random(seed)
    out: list[tuple[Sample, bytes]] = []
    for n, path in enumerate(paths):
        data = path.read_bytes()
        out.append((Sample(path.name, n, "original"), data))
        img = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
        img.thumbnail((max_side, max_side))
        for name, transform in TRANSFORMS.items():
            copy = transform(img, rnd)
            out.append((Sample(f"{path.stem}~{name}", n, name), _jpeg(copy, QUALITY.get(name, 85))))
    return out


def analyse_images(samples: list[tuple[Sample, bytes]]) -> list[Analysis]:
    """Decode and hash like the import (the pinned pipeline plus the match variants)."""
    from verify_bench.media import image

    return [image.analyze_image(data, "JPEG") for _, data in samples]


def rows_of(names: list[str], analyses: list[Analysis]) -> CodeRows:
    ids, ts, algos, bits = [], [], [], []
    for name, analysis in zip(names, analyses):
        if analysis.low_information:
            continue
        for h in analysis.hashes:
            ids.append(name)
            ts.append(h.frame_ts)
            algos.append(h.algo)
            bits.append(int(h.bits, 16))
    return CodeRows(ids, ts, algos, [b - (1 << 64) if b >= 1 << 63 else b for b in bits])


def score(samples: list[Sample], matches: list[Match], thresholds: tuple[int, ...]) -> dict[str, dict[str, float]]:
    """Precision, recall and per-transform recall for each threshold."""
    by_name = {s.name: s for s in samples}
    originals = {s.source: s.name for s in samples if s.transform == "original"}
    wanted = {(originals[s.source], s.name): s.transform for s in samples if s.transform != "original"}
    per_transform_total: dict[str, int] = defaultdict(int)
    for t in wanted.values():
        per_transform_total[t] += 1
    table: dict[str, dict[str, float]] = {}
    for threshold in thresholds:
        found = [m for m in matches if m.distance <= threshold]
        right = sum(by_name[m.a].source == by_name[m.b].source for m in found)
        pairs = {(m.a, m.b) for m in found} | {(m.b, m.a) for m in found}
        hit: dict[str, int] = defaultdict(int)
        for key, transform in wanted.items():
            hit[transform] += key in pairs
        row = {
            "predicted": len(found),
            "precision": right / len(found) if found else 1.0,
            "recall": sum(hit.values()) / len(wanted) if wanted else 1.0,
        }
        row.update({f"recall:{t}": hit[t] / n for t, n in sorted(per_transform_total.items())})
        table[str(threshold)] = row
    return table


def evaluate_images(paths: list[Path], thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS) -> dict[str, dict[str, float]]:
    labelled = image_set(paths)
    samples = [s for s, _ in labelled]
    analyses = analyse_images(labelled)
    matcher = Matcher(max(thresholds))
    matches = matcher.add(rows_of([s.name for s in samples], analyses), {s.name: "image" for s in samples})
    return score(samples, matches, thresholds)

# ---- videos ---------------------------------------------------------------------------------------
VIDEO_TRANSFORMS = ("reencode", "half", "trim", "frame_key", "frame_mid")
CLIP_SECONDS = 10
FPS = 25


def _pan_frames(photo: Image.Image, seconds: int = CLIP_SECONDS) -> list[Image.Image]:
    """A slow camera pan across a photo: footage with real texture and steady motion."""
    img = ImageOps.exif_transpose(photo).convert("RGB")
    img.thumbnail((960, 960))
    w, h = 320, 240
    scale = max(w * 1.6 / img.width, h * 1.2 / img.height)
    img = img.resize((int(img.width * scale) + 1, int(img.height * scale) + 1))
    n = seconds * FPS
    return [img.crop((x := int((img.width - w) * k / n), y := int((img.height - h) * k / (2 * n)), x + w, y + h))
            for k in range(n)]


def _encode(frames: list[Image.Image], path: Path, *, gop: int, codec: str = "libx264") -> None:
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=FPS)
        stream.width, stream.height = frames[0].width // 2 * 2, frames[0].height // 2 * 2
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = gop
        stream.codec_context.options = {"x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0"} \
            if codec == "libx264" else {}
        for img in frames:
            frame = av.VideoFrame.from_image(img.resize((stream.width, stream.height)))
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def _decode_all(path: Path) -> list[Image.Image]:
    import av

    with av.open(str(path)) as c:
        return [f.to_image() for f in c.decode(video=0)]


def video_set(corpus: Path, work: Path, photos: list[Path]) -> list[tuple[Sample, Path]]:
    """Generated pans and the corpus videos, each re-encoded, halved, trimmed, and two frames as stills."""
    sources: list[tuple[str, list[Image.Image], float]] = []
    for p in photos:
        sources.append((f"pan-{p.stem}", _pan_frames(Image.open(p)), FPS))
    for p in sorted((corpus / "video").glob("*.mp4")):
        sources.append((p.stem, _decode_all(p), FPS))
    out: list[tuple[Sample, Path]] = []
    for n, (name, frames, _) in enumerate(sources):
        original = work / f"{name}.mp4"
        _encode(frames, original, gop=FPS)
        out.append((Sample(name, n, "original"), original))
        third = len(frames) // 3
        variants = {
            "reencode": (frames, dict(gop=int(FPS * 1.6), codec="mpeg4")),
            "half": ([f.resize((max(2, f.width // 2), max(2, f.height // 2))) for f in frames], dict(gop=FPS)),
            "trim": (frames[third:], dict(gop=FPS)),
        }
        for transform, (clip, options) in variants.items():
            if len(clip) >= 2:
                path = work / f"{name}~{transform}.mp4"
                _encode(clip, path, **options)  # type: ignore[arg-type]
                out.append((Sample(path.stem, n, transform), path))
        for transform, index in (("frame_key", 2 * FPS), ("frame_mid", int(2.5 * FPS))):
            index = min(index, len(frames) - 1)
            path = work / f"{name}~{transform}.jpg"
            path.write_bytes(_jpeg(frames[index], 90))
            out.append((Sample(path.stem, n, transform), path))
    return out


def evaluate_videos(corpus: Path, work: Path, thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS,
                    photos: int = 8) -> dict[str, dict[str, float]]:
    from verify_bench.media import image, video

    labelled = video_set(corpus, work, photo_paths(corpus)[:photos])
    analyses = [image.analyze_image(p.read_bytes(), "JPEG") if p.suffix == ".jpg"
                else video.analyze_video(str(p), "mp4") for _, p in labelled]
    samples = [s for s, _ in labelled]
    media = {s.name: ("image" if p.suffix == ".jpg" else "video") for s, p in labelled}
    matches = Matcher(max(thresholds)).add(rows_of([s.name for s in samples], analyses), media)
    return score(samples, matches, thresholds)


def print_table(title: str, table: dict[str, dict[str, float]], default: int) -> None:
    print(f"\n{title}")
    columns = list(next(iter(table.values())))
    print("threshold " + " ".join(f"{c.replace('recall:', 'r:'):>11}" for c in columns))
    for threshold, row in table.items():
        mark = " *" if int(threshold) == default else "  "
        print(f"{threshold:>7}{mark} " + " ".join(
            f"{row[c]:>11.3f}" if isinstance(row[c], float) else f"{row[c]:>11}" for c in columns))


def main() -> None:
    from verify_bench.similarity.service import DEFAULT_THRESHOLD

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--thresholds", default=",".join(map(str, DEFAULT_THRESHOLDS)))
    parser.add_argument("--no-video", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the tables as JSON")
    args = parser.parse_args()
    thresholds = tuple(int(t) for t in args.thresholds.split(","))
    corpus = need_corpus()
    paths = photo_paths(corpus)
    results = {"images": evaluate_images(paths, thresholds)}
    print(f"{len(paths)} photos x {len(TRANSFORMS)} transforms; default threshold {DEFAULT_THRESHOLD} (*)")
    print_table("Images", results["images"], DEFAULT_THRESHOLD)
    if not args.no_video:
        with tempfile.TemporaryDirectory() as tmp:
            results["videos"] = evaluate_videos(corpus, Path(tmp), thresholds)
        print_table("Videos", results["videos"], DEFAULT_THRESHOLD)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
