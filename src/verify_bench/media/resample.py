"""Pillow's 8-bit Lanczos resize, bit for bit, as two matrix products.

The pinned hashes (:mod:`.hashing`) are defined by ``Image.resize(size, LANCZOS)`` on an 8-bit
grey picture. Pillow computes it in two passes (``libImaging/Resample.c``): per output sample,
a window of input samples times fixed-point weights (the float Lanczos-3 weights, normalised to
sum 1, times 2**22 and rounded away from zero), plus half, shifted right by 22 bits and clipped
to 0..255. The intermediate picture between the passes is 8-bit too.

Here each pass is one product with an (output x input) matrix of the same integer weights, zero
outside each window, in float64: every term is an integer below 2**31 and every partial sum an
integer below 2**40, so float64 holds each exactly and the order of summation (BLAS's) cannot
change a bit. The rounding, the clipping and the order of the passes are Pillow's. A 512x384
picture to 32x32 and 9x8 takes about half of Pillow's time (which computes both windows'
weights again on every call and runs each output sample as a scalar loop).

Mirrors Pillow 13's ``precompute_coeffs``, ``normalize_coeffs_8bpc`` and the pass order of
``ImagingResampleInner``; ``tests/unit/test_resample.py`` compares with Pillow on many sizes, so a
Pillow that resamples differently fails there (and the pinned pipeline's name carries Pillow's
major version).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
from PIL import Image

#: Pictures with a longer side are resized by Pillow itself (the same bytes): these matrices, and the
#: float64 copy of the picture, grow with the side, and the weights are cached; Pillow's do not.
MAX_SIDE = 2048
_PRECISION_BITS = 22  # Pillow: 32 - 8 (bits per sample) - 2
_ONE = float(1 << _PRECISION_BITS)
_HALF = float(1 << (_PRECISION_BITS - 1))
_SUPPORT = 3.0  # Lanczos-3
#: A fixed-point weight this close to a rounding boundary is computed again with the C library's sine.
_NEAR_TIE = 1e-6


def resize_lanczos(grey: np.ndarray, *sizes: tuple[int, int]) -> list[np.ndarray]:
    """``Image.fromarray(grey).resize(size, LANCZOS)`` for each ``(width, height)`` of ``sizes``, as ``uint8``.

    ``grey`` is a 2-D ``uint8`` array. Sizes whose horizontal pass comes first share one product.
    """
    in_h, in_w = grey.shape
    if max(in_h, in_w) > MAX_SIDE:
        picture = Image.fromarray(grey)
        return [np.asarray(picture.resize(size, Image.Resampling.LANCZOS)) for size in sizes]
    # Pillow 13: the vertical pass first when the height shrinks more than twice as much as the width.
    across_first = [w for w, h in sizes if w != in_w and not (in_h - h > 0 and in_h - h > (in_w - w) * 2)]
    shared: dict[int, np.ndarray] = {}
    if across_first:
        rows = _pass(_across(grey, _stacked(in_w, tuple(across_first))))
        starts = np.cumsum([0, *across_first])
        shared = {w: rows[:, start:start + w] for w, start in zip(across_first, starts)}
    source: np.ndarray | None = None  # the whole picture in float64, for a vertical pass first only
    out = []
    for width, height in sizes:
        if width in shared:
            picture = shared[width]
            if height != in_h:
                picture = _pass(_weights(in_h, height) @ picture)
        else:  # no horizontal pass, or the vertical one first
            source = grey.astype(np.float64) if source is None else source
            picture = source if height == in_h else _pass(_weights(in_h, height) @ source)
            if width != in_w:
                picture = _pass(picture @ _weights(in_w, width).T)
        out.append(picture.astype(np.uint8))
    return out


#: Values of the picture converted to float64 and multiplied at a time (128 KiB): such a block stays in
#: the CPU's cache, where a float64 copy of the whole picture (1.5 MB at 504 x 378) came back from memory
#: for the product (0.8-1.0 ms against 1.2-1.9 ms per camera photo inside an import's loop).
_BLOCK_VALUES = 16 * 1024


def _across(grey: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``grey.astype(float64) @ weights.T``, a block of rows at a time (each row's sums are exact either way)."""
    in_h, in_w = grey.shape
    out = np.empty((in_h, weights.shape[0]))
    step = max(1, _BLOCK_VALUES // in_w)
    block = np.empty((min(step, in_h), in_w))
    for start in range(0, in_h, step):
        rows = block[: min(step, in_h - start)]
        np.copyto(rows, grey[start:start + rows.shape[0]], casting="unsafe")
        np.matmul(rows, weights.T, out=out[start:start + rows.shape[0]])
    return out


def _pass(sums: np.ndarray) -> np.ndarray:
    """Pillow's ``clip8(2**21 + sum)``: shift right by 22 bits (a floor), clip to 0..255."""
    return np.clip(np.floor((sums + _HALF) / _ONE), 0.0, 255.0)


@functools.lru_cache(maxsize=64)
def _weights(in_size: int, out_size: int) -> np.ndarray:
    """The ``out_size`` x ``in_size`` matrix of Pillow's fixed-point Lanczos weights (whole picture, no box).

    Pillow's ``precompute_coeffs`` step by step: numpy's elementwise IEEE arithmetic is C's, and each
    window's weights are summed one after the other as Pillow sums them (``add.accumulate``, not numpy's
    pairwise ``sum``). Pillow takes its sines from the C library; numpy's own may differ in the last bit
    or two, which moves a weight by far less than :data:`_NEAR_TIE` of a fixed-point step: only a weight
    that close to a rounding boundary could round otherwise, and its window is computed again with the C
    library's sine (:func:`math.sin`), one value at a time.
    """
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support = _SUPPORT * filterscale
    inv_filterscale = 1.0 / filterscale
    centers = (np.arange(out_size) + 0.5) * scale
    xmin = np.maximum((centers - support + 0.5).astype(np.int64), 0)  # C's (int): towards zero
    xmax = np.minimum((centers + support + 0.5).astype(np.int64), in_size) - xmin
    taps = np.arange(int(xmax.max()))
    inside = taps[None, :] < xmax[:, None]
    x = ((taps[None, :] + xmin[:, None]) - centers[:, None] + 0.5) * inv_filterscale
    scaled = _normalised(x, inside, np.sin) * _ONE
    near = np.abs(scaled + 0.5 - np.round(scaled + 0.5)) < _NEAR_TIE
    redo = near.any(axis=1)
    if redo.any():
        scaled[redo] = _normalised(x[redo], inside[redo], _c_sin) * _ONE
    fixed = np.trunc(np.where(scaled < 0, -0.5, 0.5) + scaled)  # C's (int)(±0.5 + w * 2**22)
    matrix = np.zeros((out_size, in_size))
    rows, cols = np.nonzero(inside)
    matrix[rows, cols + xmin[rows]] = fixed[rows, cols]
    matrix.flags.writeable = False
    return matrix


@functools.lru_cache(maxsize=16)
def _stacked(in_size: int, out_sizes: tuple[int, ...]) -> np.ndarray:
    """The weights of several output sizes one above the other (one product for all)."""
    matrix = np.concatenate([_weights(in_size, n) for n in out_sizes])
    matrix.flags.writeable = False
    return matrix


def _normalised(x: np.ndarray, inside: np.ndarray, sin: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Lanczos-3 weights at ``x`` (zero outside each window), each window's divided by its running sum."""
    w = np.where(inside & (-3.0 <= x) & (x < 3.0), _sinc(x, sin) * _sinc(x / 3, sin), 0.0)
    total = np.add.accumulate(w, axis=1)[:, -1:]  # zeros after a window's last tap add nothing
    return np.divide(w, total, out=w, where=total != 0.0)


def _sinc(x: np.ndarray, sin: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Pillow's ``sinc_filter``: 1 at 0, else ``sin(x * pi) / (x * pi)``."""
    arg = x * math.pi
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x == 0.0, 1.0, sin(arg) / arg)


def _c_sin(arg: np.ndarray) -> np.ndarray:
    """The C library's sine of each value, as Pillow computes it."""
    return np.fromiter(map(math.sin, arg.ravel().tolist()), np.float64, arg.size).reshape(arg.shape)
