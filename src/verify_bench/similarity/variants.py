"""Extra hashes that let near-duplicate search see through mirroring, crops, banners and padding.

pHash survives resizing, recompression, greyscale and mild blur, but not a mirror image, a
15 % crop, an added banner or a screenshot's bars. So, besides the pinned ``phash`` of the
whole picture, each still is also hashed as a mirror image, as a grid of sub-windows and as
its content box without flat bars; a video keyframe only as a mirror image. A copy's
whole-picture hash (as is or mirrored) then lands near one of the original's hashes, or the
other way round: matching compares whole-picture hashes with every hash, never two windows.

Variant pipeline :data:`VARIANT_PIPELINE`, from the decoded upright picture:

1. 8-bit grey (Pillow ``"L"``, the conversion the pinned hashes use), each side reduced by area
   average (Pillow ``BOX``) to at most :data:`WORK_SIDE` px: the *working picture*, float64.
2. For each variant, a window of it (bounds are fractions of the picture, kept fractional rather
   than rounded to working pixels), mirrored or not, resampled to 32x32 with Pillow's Lanczos-3
   kernel (support 3x the scale factor, weights normalised; taps stop at the window's edges, as
   if it were cropped first; a mirror image reverses the output columns) without rounding to 8 bits.
3. imagehash's pHash of that: DCT-II rows 0..7 (``scipy.fftpack``'s unnormalised), top-left 8x8,
   bit = coefficient > their median by more than :data:`_TIE` (values equal in exact arithmetic
   then give the same bit on every machine).

Steps 2-3 are linear until the median, so each variant is ``(DCT R_y) G (DCT R_x).T``: the matrices
depend only on the working picture's size and are kept for the next picture, and all variants of a
picture take one batch of matrix products (about 0.5 ms against 4-6 ms for Pillow crops and resizes
per variant, which ``+var1`` did). Against the pinned pipeline a whole-picture hash computed this
way differs by a bit or two (the tests check it), which is why it has its own name.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from PIL import Image

from ..media.analysis import PerceptualHash
from ..media.hashing import DCT_ROWS, PIPELINE, fingerprint

PRIMARY = "phash"
WORK_SIDE = 128
VARIANT_PIPELINE = f"{PIPELINE}+var2/box{WORK_SIDE}"

Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the picture
#: A window of the working picture in its pixel coordinates (left, top, right, bottom), and whether
#: it is hashed as a mirror image.
Window = tuple[float, float, float, float, bool]


def _grid(size: float, tag: str, steps: int = 3) -> dict[str, Box]:
    """Windows of ``size`` x ``size`` (fractions) on a ``steps`` x ``steps`` grid from corner to corner."""
    offsets = [k * (1 - size) / (steps - 1) for k in range(steps)]
    return {f"{tag}{i}{j}": (x, y, x + size, y + size)
            for j, y in enumerate(offsets) for i, x in enumerate(offsets)}


#: Variant name -> window. A crop of up to 15 % lies within 2.5 % of one of them; so does
#: the picture inside a copy with a banner, a caption or a status bar added.
WINDOWS: dict[str, Box] = {
    **_grid(0.92, "w"),
    **_grid(0.85, "v", 4),  # 4 x 4 (offsets 0, 5, 10, 15 %): a 3 x 3 grid found 79 % of 15 % crops, this 98 %
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
_FIXED_STILL = ("flip", *WINDOWS)
_TIE = 1e-6
_LANCZOS_SUPPORT = 3.0
_WEIGHTS = (np.uint64(1) << np.arange(63, -1, -1, dtype=np.uint64))


def variant_hashes(img: Image.Image, frame_ts: float | None = None) -> list[PerceptualHash]:
    """The variant hashes of a decoded, upright picture (a still, or a video keyframe when ``frame_ts`` is set)."""
    return _variants(working_picture(img), frame_ts)


def fingerprint_with_variants(
    img: Image.Image, frame_ts: float | None = None
) -> tuple[list[PerceptualHash], bool]:
    """:func:`verify_bench.media.hashing.fingerprint` plus the variant hashes (none for a low-information picture).

    The ingest calls this where it fingerprints a decoded picture, so variants are stored with the
    hashes. One grey conversion serves both; all variants come from one working picture.
    """
    grey = img if img.mode == "L" else img.convert("L")
    hashes, low_information = fingerprint(grey, frame_ts)
    return (hashes if low_information else [*hashes, *_variants(working_picture(grey), frame_ts)]), low_information


def working_picture(img: Image.Image) -> np.ndarray:
    """Step 1: the grey working picture (float64, at most :data:`WORK_SIDE` per side)."""
    grey = img if img.mode == "L" else img.convert("L")
    size = (min(grey.width, WORK_SIDE), min(grey.height, WORK_SIDE))
    if size != grey.size:
        grey = grey.resize(size, Image.Resampling.BOX)
    return np.asarray(grey, dtype=np.float64)


def _variants(work: np.ndarray, frame_ts: float | None) -> list[PerceptualHash]:
    h, w = work.shape
    names: tuple[str, ...] = FRAME_VARIANTS if frame_ts is not None else _FIXED_STILL
    codes = phash_windows(work, [_window(name, w, h) for name in names])
    if frame_ts is None:
        trim = _trim(work)
        if trim is not None:
            names = (*names, "trim")
            codes += phash_windows(work, [trim], reuse=False)
    return [PerceptualHash(f"{PRIMARY}_{name}", f"{code:016x}", frame_ts, VARIANT_PIPELINE)
            for name, code in zip(names, codes)]


def phash_many(pictures: list[Image.Image]) -> np.ndarray:
    """The variant pipeline's pHash of each whole picture, as ``uint64`` codes (first bit most significant)."""
    return np.array([phash_windows(work, [(0.0, 0.0, float(work.shape[1]), float(work.shape[0]), False)])[0]
                     for work in map(working_picture, pictures)], dtype=np.uint64)


def phash_windows(work: np.ndarray, windows: Sequence[Window], *, reuse: bool = True) -> list[int]:
    """Steps 2-3 for each window of a working picture, all in one batch of matrix products.

    ``reuse`` keeps the matrices for the next picture of the same size (for the fixed windows, not
    for one found in a single picture).
    """
    if not windows:
        return []
    h, w = work.shape
    left, right = (_window_matrices if reuse else _window_matrices.__wrapped__)(h, w, tuple(windows))
    rows = (left @ work).reshape(len(windows), 8, w)
    coefficients = (rows @ right).reshape(len(windows), 64)
    bits = coefficients - np.median(coefficients, axis=1, keepdims=True) > _TIE
    return [int(code) for code in (bits.astype(np.uint64) * _WEIGHTS).sum(axis=1, dtype=np.uint64)]


@functools.lru_cache(maxsize=16)
def _window_matrices(h: int, w: int, windows: tuple[Window, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``DCT @ R_y`` of every window stacked (8n x h), and ``(DCT @ R_x).T`` of each (n x w x 8)."""
    left = np.concatenate([DCT_ROWS @ _lanczos(h, top, bottom) for _, top, _, bottom, _ in windows])
    right = np.stack([(DCT_ROWS @ _lanczos(w, x0, x1, mirror)).T for x0, _, x1, _, mirror in windows])
    left.flags.writeable = right.flags.writeable = False
    return left, right


def _lanczos(size: int, start: float, end: float, mirror: bool = False, out: int = 32) -> np.ndarray:
    """The ``out`` x ``size`` Lanczos-3 matrix taking samples ``start``..``end`` of an axis to ``out`` samples.

    Pillow's ``precompute_coeffs`` (ImagingResample) in float64, with taps stopping at the window's edges.
    """
    scale = (end - start) / out
    stretch = max(scale, 1.0)
    support = _LANCZOS_SUPPORT * stretch
    centre = start + (np.arange(out) + 0.5) * scale
    first = np.maximum(np.floor(centre - support + 0.5), np.floor(start))
    last = np.minimum(np.floor(centre + support + 0.5), np.ceil(end))
    x = np.arange(size)[None, :]
    offset = (x - centre[:, None] + 0.5) / stretch
    weights = np.sinc(offset) * np.sinc(offset / 3) * (np.abs(offset) < 3)
    weights = np.where((x >= first[:, None]) & (x < last[:, None]), weights, 0.0)
    weights /= weights.sum(axis=1, keepdims=True)
    return weights[::-1] if mirror else weights


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


def _window(name: str, w: int, h: int) -> Window:
    """A named variant as a window of a ``w`` x ``h`` working picture."""
    if name == "flip":
        return (0.0, 0.0, float(w), float(h), True)
    left, top, right, bottom = WINDOWS[name]
    return (left * w, top * h, right * w, bottom * h, False)


def _trim(work: np.ndarray) -> Window | None:
    """The content box, when bars or borders take at least 4 % of a side; else None (no new variant)."""
    box = content_box(work)
    if box is None:
        return None
    left, top, right, bottom = box
    h, w = work.shape
    if (right - left) < 0.25 * w or (bottom - top) < 0.25 * h:
        return None
    if (right - left) > 0.96 * w and (bottom - top) > 0.96 * h:
        return None
    # A working pixel on the edge of a bar mixes bar and picture: leave out that row or column.
    return (left + (left > 0), top + (top > 0), right - (right < w), bottom - (bottom < h), False)
