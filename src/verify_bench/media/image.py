"""Safe, fast decoding of still images for perceptual hashes and thumbnails.

Only the picture is decoded here; tags are read by :mod:`verify_bench.metadata`, except the EXIF
orientation, which is needed to make the picture upright (for every format: libheif has already
turned HEIF pictures and pillow-heif then reports orientation 1; Pillow's AVIF plugin reports the
container's rotation as an EXIF orientation). The decode is reduced-size: JPEGs are DCT-scaled by
libjpeg (1/2, 1/4 or 1/8) to the smallest size whose short side is still at least
:data:`DECODE_TARGET`; other formats, and JPEGs still large at 1/8, are box-reduced by an integer
factor to a short side below twice that. Hashes (:mod:`.hashing`) and the thumbnail both come from
that small picture.

Safety: Pillow only runs the plugins allowed for the sniffed format (``formats=[...]``); pictures
over :data:`MAX_PIXELS` are refused before any pixel is decoded (Pillow's bomb check, set to that
limit and made an error: by default it only warns); truncated files are reported, never repaired
(``ImageFile.LOAD_TRUNCATED_IMAGES`` stays False). Transparent pictures are flattened on white, as
a viewer shows them, before hashing.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from .analysis import Analysis, Problem
from ..similarity.variants import fingerprint_with_variants

MAX_PIXELS = 200_000_000
DECODE_TARGET = 320
THUMB_SIZE = 320
THUMB_QUALITY = 85

#: Formats we decode, as the sniffer names them, and the Pillow plugins allowed for each.
PLUGINS: dict[str, tuple[str, ...]] = {
    "JPEG": ("JPEG",),
    "PNG": ("PNG",),
    "GIF": ("GIF",),
    "WEBP": ("WEBP",),
    "TIFF": ("TIFF",),
    "HEIF": ("HEIF", "AVIF"),
}

#: How Pillow turns a stored picture upright, per EXIF orientation (shared with fragments/).
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_TRUNCATION_WORDS = ("truncated", "end of file")  # Pillow's plugins; libheif
_heif_registered = False


def analyze_image(data: bytes, fmt: str) -> Analysis:
    """Decode ``data`` (of Pillow format ``fmt``) at reduced size: dimensions, hashes, thumbnail, problems.

    Never raises for bad input (``MemoryError`` excepted); failures become :class:`Problem` entries.
    """
    analysis = Analysis("image", format=fmt or None)
    if fmt not in PLUGINS:
        analysis.problems.append(Problem("unsupported", f"no image decoder for format {fmt!r}", "decode"))
        return analysis
    if not data:
        analysis.problems.append(Problem("truncated", "the file is empty", "decode"))
        return analysis
    stage = "decode"
    try:
        img = _decode_upright(data, fmt, analysis)
        stage = "hash"
        with _bomb_guard():  # the variants re-open small pictures: our limit, not Pillow's, applies
            analysis.hashes, analysis.low_information = fingerprint_with_variants(img)
        stage = "thumbnail"
        analysis.thumbnail_jpeg = _thumbnail(img, thumbnail_size(analysis.width or 1, analysis.height or 1))
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any exception type is expected from a parser
        analysis.problems.append(_classify(exc, data, fmt, stage))
    return analysis


def _decode_upright(data: bytes, fmt: str, analysis: Analysis) -> Image.Image:
    """The reduced-size, upright, 8-bit RGB or L picture; sets the full upright size on ``analysis``."""
    if fmt == "HEIF":
        _register_heif()
    with _bomb_guard():
        im = Image.open(BytesIO(data), formats=list(PLUGINS[fmt]))
        width, height = im.size
        orientation = _orientation(im)
        analysis.width, analysis.height = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
        if fmt == "JPEG":  # libjpeg DCT scaling: decode at 1/2, 1/4 or 1/8
            im.draft("RGB", (DECODE_TARGET, DECODE_TARGET))
        im.load()
    im = _to_8bit(im)
    factor = min(im.size) // DECODE_TARGET
    if factor >= 2:
        im = im.reduce(factor)
    if orientation in TRANSPOSE:
        im = im.transpose(TRANSPOSE[orientation])
    return im


@contextmanager
def _bomb_guard() -> Iterator[None]:
    """Pillow's decompression-bomb checks at our limit, as errors (by default they only warn).

    ``Image.open`` checks the stated size before any pixel is decoded; GIF, TIFF and WebP check
    frame and tile sizes again while loading, so the guard covers the load too. Pillow's other
    warnings (corrupt EXIF and the like) are silenced: the metadata reader reports those.
    """
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        import pillow_heif

        # Decode the primary image only: never an embedded thumbnail (it may differ from the picture).
        pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
        _heif_registered = True


def _orientation(im: Image.Image) -> int:
    """EXIF orientation 1..8; 1 when absent or unreadable (the metadata reader reports broken EXIF)."""
    try:
        value = im.getexif().get(0x0112)
    except Exception:  # noqa: BLE001
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _to_8bit(im: Image.Image) -> Image.Image:
    """8-bit ``RGB`` or ``L``; 16-bit grey scaled down, transparency flattened on white."""
    if im.mode in ("RGB", "L"):
        return im
    if im.mode.startswith("I"):
        im = im.convert("I").point(lambda v: v / 256)
    if im.has_transparency_data:
        rgba = im.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    return im.convert("RGB")


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """The thumbnail's size for an upright picture of ``width`` x ``height``: longest side at most 320."""
    scale = min(1.0, THUMB_SIZE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _thumbnail(img: Image.Image, size: tuple[int, int]) -> bytes:
    thumb = img if img.mode == "RGB" else img.convert("RGB")
    if thumb.size != size:  # area average; whole factors by the much faster reduce()
        thumb = thumb.resize(size, Image.Resampling.BOX, reducing_gap=1.0)
    out = BytesIO()
    thumb.save(out, "JPEG", quality=THUMB_QUALITY)
    return out.getvalue()


def _classify(exc: Exception, data: bytes, fmt: str, stage: str) -> Problem:
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return Problem("decompression_bomb", str(exc), stage)
    if isinstance(exc, UnidentifiedImageError):
        message = f"not a readable {fmt} image"
    else:
        message = f"{type(exc).__name__}: {exc}"[:300]
    lowered = message.lower()
    if isinstance(exc, EOFError) or any(word in lowered for word in _TRUNCATION_WORDS) or _riff_cut_short(data):
        return Problem("truncated", message, stage)
    return Problem("corrupt", message, stage)


def _riff_cut_short(data: bytes) -> bool:
    """WebP's decoder does not say "truncated"; its RIFF header states the full length."""
    return data[:4] == b"RIFF" and len(data) >= 8 and int.from_bytes(data[4:8], "little") + 8 > len(data)

