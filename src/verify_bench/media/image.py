"""Safe, fast decoding of still images for perceptual hashes and thumbnails.

Only the picture is decoded here; tags are read by :mod:`verify_bench.metadata`, except the EXIF
orientation, which is needed to make the picture upright (for every format: libheif has already
turned HEIF pictures and pillow-heif then reports orientation 1; Pillow's AVIF plugin reports the
container's rotation as an EXIF orientation). The decode is reduced-size: JPEGs are DCT-scaled by
libjpeg (1/2, 1/4 or 1/8) to the smallest size whose long side is still at least :data:`THUMB_SIZE`
(the thumbnail) and whose short side is still at least :data:`~.hashing.HASH_SHORT_SIDE` (the
pinned hashes); other formats, and JPEGs still large at 1/8, are box-reduced by an integer factor
under the same two conditions. Hashes (:mod:`.hashing`) and the thumbnail both come from that small
picture. (Most of a JPEG's decoding time is entropy decoding, which no scaling avoids; 1/8 instead
of 1/4 still saves about a tenth.)

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

from ..similarity.variants import fingerprint_with_variants
from .analysis import Analysis, Problem
from .hashing import HASH_SHORT_SIDE

MAX_PIXELS = 200_000_000
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
    else:
        ends_early = {"PNG": _png_cut_short, "GIF": _gif_cut_short}.get(fmt)
        if ends_early is not None and ends_early(data):
            analysis.problems.append(Problem("truncated", f"the {fmt} ends before its end marker (the picture "
                                             "itself decoded: only its end was cut off)", "decode"))
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
            im.draft("RGB", (THUMB_SIZE, HASH_SHORT_SIDE) if width >= height else (HASH_SHORT_SIDE, THUMB_SIZE))
        # The bytes are in memory: hand the decoder all of them at once rather than in 64 KiB pieces
        # (each piece copied onto what the decoder left of the last one; 2-5 % of a JPEG's decode).
        im.decodermaxblock = max(im.decodermaxblock, len(data))
        im.load()
    im = _to_8bit(im)
    factor = min(max(im.size) // THUMB_SIZE, min(im.size) // HASH_SHORT_SIDE)
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


def _png_cut_short(data: bytes) -> bool:
    """Pillow accepts a PNG whose last chunks are cut off once the pixels are in; walk the chunks."""
    pos = 8
    while pos + 8 <= len(data):
        end = pos + 12 + int.from_bytes(data[pos:pos + 4], "big")
        if data[pos + 4:pos + 8] == b"IEND" or end > len(data):
            return end > len(data)
        pos = end
    return True


def _gif_cut_short(data: bytes) -> bool:
    """Pillow accepts a GIF cut off after its last frame; walk the blocks up to the trailer (0x3B)."""
    if len(data) < 13:
        return True
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            return False
        if block == 0x21:  # extension: label, then sub-blocks
            pos += 2
        elif block == 0x2C:  # image: descriptor, local colour table, LZW code size, then sub-blocks
            if pos + 10 > len(data):
                return True
            flags = data[pos + 9]
            pos += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
        else:
            return False  # not a block we know: leave the judgement to the decoder
        while pos < len(data) and data[pos]:  # sub-blocks until the zero-length terminator
            pos += data[pos] + 1
        pos += 1
    return True


def _riff_cut_short(data: bytes) -> bool:
    """WebP's decoder does not say "truncated"; its RIFF header states the full length."""
    return data[:4] == b"RIFF" and len(data) >= 8 and int.from_bytes(data[4:8], "little") + 8 > len(data)

