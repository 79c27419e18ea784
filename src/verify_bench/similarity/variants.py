"""Extra hashes that let near-duplicate search see through mirroring, crops, banners and padding.

pHash survives resizing, recompression, greyscale and mild blur, but not a mirror image, a
15 % crop, an added banner or a screenshot's bars. So, besides the pinned ``phash`` of the
whole picture, each still is also hashed as a mirror image, as a grid of sub-windows and as
its content box without flat bars; a video keyframe only as a mirror image. A copy's
whole-picture hash (as is or mirrored) then lands near one of the original's hashes, or the
other way round: matching compares whole-picture hashes with every hash, never two windows.

Variant pipeline :data:`VARIANT_PIPELINE`: the decoded upright picture -> 8-bit grey (Pillow
``"L"``) -> box-reduced to a longest side of :data:`WORK_SIDE` px -> each variant cropped or
mirrored -> Lanczos 32x32 -> DCT-II, top-left 8x8, bit = coefficient > median (imagehash's pHash,
computed for all variants at once). Against the pinned pipeline this differs by a bit or two
(the tests check it), which is why it has its own name.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageOps

from ..media.analysis import PerceptualHash
from ..media.hashing import PIPELINE, fingerprint

PRIMARY = "phash"
WORK_SIDE = 128
VARIANT_PIPELINE = f"{PIPELINE}+var1/box{WORK_SIDE}"

Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the picture


def _grid(size: float, tag: str) -> dict[str, Box]:
    """Windows of ``size`` x ``size`` (fractions) at the corners, edge centres and centre."""
    steps = (0.0, (1 - size) / 2, 1 - size)
    names = ("0", "1", "2")
    return {f"{tag}{names[i]}{names[j]}": (x, y, x + size, y + size)
            for j, y in enumerate(steps) for i, x in enumerate(steps)}


#: Variant name -> window. A crop of up to 15 % lies within a few per cent of one of them; so does
#: the picture inside a copy with a banner, a caption or a status bar added.
WINDOWS: dict[str, Box] = {
    **_grid(0.92, "w"),
    **_grid(0.85, "v"),
    "bar_t": (0.0, 0.0, 1.0, 0.87),    # the top part: a banner or caption added below
    "bar_b": (0.0, 0.13, 1.0, 1.0),    # the bottom part: a title or status bar added above
}
STILL_VARIANTS: tuple[str, ...] = ("flip", *WINDOWS, "trim")
FRAME_VARIANTS: tuple[str, ...] = ("flip",)
#: Every hash algorithm that takes part in matching: the primary and its variants.
MATCH_ALGOS: tuple[str, ...] = (PRIMARY, *(f"{PRIMARY}_{v}" for v in STILL_VARIANTS))
#: Hashes of the whole picture (as is or mirrored); each is compared with every hash of other items.
WHOLE_PICTURE: frozenset[str] = frozenset({PRIMARY, f"{PRIMARY}_flip"})

#: A row or column whose grey levels spread less than this is "flat" (a border, a letterbox bar).
_FLAT_STD = 6.0
_N = np.arange(32)
_DCT = 2 * np.cos(np.pi * np.arange(8)[:, None] * (2 * _N[None, :] + 1) / 64)  # scipy.fftpack DCT-II rows 0..7
_WEIGHTS = (np.uint64(1) << np.arange(63, -1, -1, dtype=np.uint64))


def variant_hashes(img: Image.Image, frame_ts: float | None = None) -> list[PerceptualHash]:
    """The variant hashes of a decoded, upright picture (a still, or a video keyframe when ``frame_ts`` is set)."""
    work = img.convert("L") if img.mode != "L" else img.copy()
    work.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BOX)
    names = FRAME_VARIANTS if frame_ts is not None else STILL_VARIANTS
    pictures: list[tuple[str, Image.Image]] = []
    for name in names:
        variant = _TRANSFORMS[name](work) if name in _TRANSFORMS else _window(work, WINDOWS[name])
        if variant is not None:
            pictures.append((name, variant))
    codes = phash_many([p for _, p in pictures])
    return [PerceptualHash(f"{PRIMARY}_{name}", f"{int(code):016x}", frame_ts, VARIANT_PIPELINE)  # type: ignore[arg-type]
            for (name, _), code in zip(pictures, codes)]


def fingerprint_with_variants(
    img: Image.Image, frame_ts: float | None = None
) -> tuple[list[PerceptualHash], bool]:
    """:func:`verify_bench.media.hashing.fingerprint` plus the variant hashes (none for a low-information picture).

    The ingest calls this where it fingerprints a decoded picture, so variants are stored with the hashes.
    """
    hashes, low_information = fingerprint(img, frame_ts)
    return (hashes if low_information else [*hashes, *variant_hashes(img, frame_ts)]), low_information


def phash_many(pictures: list[Image.Image]) -> np.ndarray:
    """imagehash's pHash of grey pictures, as ``uint64`` codes (first bit most significant)."""
    if not pictures:
        return np.empty(0, dtype=np.uint64)
    small = np.stack([np.asarray(p.resize((32, 32), Image.Resampling.LANCZOS), dtype=np.float64) for p in pictures])
    coefficients = (_DCT @ small @ _DCT.T).reshape(len(pictures), 64)
    bits = coefficients > np.median(coefficients, axis=1, keepdims=True)
    return (bits.astype(np.uint64) * _WEIGHTS).sum(axis=1, dtype=np.uint64)


def content_box(grey: np.ndarray) -> tuple[int, int, int, int] | None:
    """The largest block of non-flat rows and columns (what is left without bars and borders), or None."""
    rows = _largest_run(grey.std(axis=1) >= _FLAT_STD)
    cols = _largest_run(grey.std(axis=0) >= _FLAT_STD)
    if rows is None or cols is None:
        return None
    return cols[0], rows[0], cols[1], rows[1]


def _largest_run(busy: np.ndarray) -> tuple[int, int] | None:
    """Start and end of the longest run of True, bridging gaps of up to 2 % of the length."""
    gap = max(1, busy.shape[0] // 50)
    best: tuple[int, int] | None = None
    start = last = -1
    for i in np.flatnonzero(busy).tolist():
        if start < 0 or i - last > gap + 1:
            start = i
        last = i
        if best is None or last + 1 - start > best[1] - best[0]:
            best = (start, last + 1)
    return best


def _window(img: Image.Image, box: Box) -> Image.Image:
    w, h = img.size
    return img.crop((round(box[0] * w), round(box[1] * h), round(box[2] * w), round(box[3] * h)))


def _trim(img: Image.Image) -> Image.Image | None:
    """The content box, when bars or borders take at least 4 % of a side; else None (no new variant)."""
    box = content_box(np.asarray(img, dtype=np.float32))
    if box is None:
        return None
    left, top, right, bottom = box
    w, h = img.size
    if (right - left) < 0.25 * w or (bottom - top) < 0.25 * h:
        return None
    if (right - left) > 0.96 * w and (bottom - top) > 0.96 * h:
        return None
    return img.crop(box)


_TRANSFORMS: dict[str, Callable[[Image.Image], Image.Image | None]] = {"flip": ImageOps.mirror, "trim": _trim}
