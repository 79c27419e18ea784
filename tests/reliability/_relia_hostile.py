"""Generated hostile still images: truncations, empty and random files, wrong extensions, IFD cycles,
huge MakerNote counts, PNG chunks with non-ASCII names, decompression bombs, broken HEIF boxes.

Everything is built from a seed, so a failing file can be rebuilt byte for byte.
"""

from __future__ import annotations

import io
import random
import struct
import zlib

from tests.factory import make_jpeg, make_png


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with_chunks(extra: list[tuple[bytes, bytes]], size: tuple[int, int] = (16, 16)) -> bytes:
    """A valid small PNG with ``extra`` chunks inserted before its image data."""
    w, h = size
    raw = b"".join(b"\0" + bytes((x * 9 + y) % 256 for x in range(w * 3)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + b"".join(_png_chunk(k, d) for k, d in extra)
            + _png_chunk(b"IDAT", zlib.compress(raw)) + _png_chunk(b"IEND", b""))


def png_bomb(width: int, height: int) -> bytes:
    """A PNG that states a huge size; its image data is a small, highly compressed stream of zeros."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + width // 8)  # 1-bit grey rows: the stream inflates to width*height/8 bytes
    body = b"".join(compressor.compress(row) for _ in range(min(height, 4096))) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b""))


def gif_bomb() -> bytes:
    """A GIF whose logical screen and frame are 65535 x 65535 pixels."""
    head = b"GIF89a" + struct.pack("<HHBBB", 0xFFFF, 0xFFFF, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 0xFFFF, 0xFFFF, 0) + b"\x02\x02\x44\x01\x00"
    return head + frame + b"\x3b"


def jpeg_with_size(width: int, height: int) -> bytes:
    """A real JPEG whose SOF0 header is rewritten to claim ``width`` x ``height``."""
    data = bytearray(make_jpeg((64, 48), seed=11))
    at = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, at + 5, height, width)
    return bytes(data)


def _ifd(entries: list[tuple[int, int, int, bytes]], next_offset: int) -> bytes:
    """One little-endian IFD: (tag, type, count, 4-byte value or offset)."""
    out = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        out += struct.pack("<HHI", tag, typ, count) + value.ljust(4, b"\0")[:4]
    return out + struct.pack("<I", next_offset)


def tiff_ifd_cycle() -> bytes:
    """A TIFF whose IFD0 names itself as the next IFD and whose EXIF sub-IFD points back at IFD0."""
    ifd0 = _ifd([(0x0100, 4, 1, struct.pack("<I", 1)), (0x0101, 4, 1, struct.pack("<I", 1)),
                 (0x8769, 4, 1, struct.pack("<I", 8))], next_offset=8)
    return b"II*\0" + struct.pack("<I", 8) + ifd0 + b"\0" * 16


def exif_app1(tiff: bytes) -> bytes:
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_exif(tiff: bytes) -> bytes:
    """A valid JPEG with ``tiff`` as its EXIF block (APP1 right after SOI)."""
    base = make_jpeg((64, 48), seed=12)
    return base[:2] + exif_app1(tiff) + base[2:]


def exif_makernote_count(count: int) -> bytes:
    """EXIF whose MakerNote (0x927C, UNDEFINED) claims ``count`` bytes at an offset inside the block."""
    exif_ifd_offset = 8 + 2 + 12 + 4
    ifd0 = _ifd([(0x8769, 4, 1, struct.pack("<I", exif_ifd_offset))], next_offset=0)
    exif_ifd = _ifd([(0x927C, 7, count, struct.pack("<I", exif_ifd_offset + 18)),
                     (0x010F, 2, 6, struct.pack("<I", exif_ifd_offset + 18))], next_offset=0)
    return b"II*\0" + struct.pack("<I", 8) + ifd0 + exif_ifd + b"Canon\0" + b"\xff" * 64


def exif_sub_ifd_loop() -> bytes:
    """EXIF whose sub-IFD pointer (0x8769) points back at IFD0 and whose GPS pointer points at itself."""
    ifd0 = _ifd([(0x8769, 4, 1, struct.pack("<I", 8)), (0x8825, 4, 1, struct.pack("<I", 8))], next_offset=8)
    return b"II*\0" + struct.pack("<I", 8) + ifd0


def heif_with_box(kind: bytes, body: bytes = b"") -> bytes:
    """An ISO-BMFF file branded ``heic`` followed by one box of type ``kind`` (possibly non-ASCII)."""
    ftyp = struct.pack(">I", 24) + b"ftypheic" + struct.pack(">I", 0) + b"mif1heic"
    return ftyp + struct.pack(">I", 8 + len(body)) + kind + body


def heif_huge_exif_extent() -> bytes:
    """A HEIF ``meta`` box whose ``iloc`` gives an item an extent of ~4 GB."""
    hdlr = b"\0" * 4 + b"\0" * 4 + b"pict" + b"\0" * 12 + b"\0"
    iloc = b"\x01\0\0\0" + bytes([0x44, 0x00]) + struct.pack(">H", 1) + struct.pack(">HHH", 1, 0, 0) \
        + struct.pack(">H", 1) + struct.pack(">II", 64, 0xFFFFFFF0)
    iinf = b"\0" * 4 + struct.pack(">H", 1) + _box(b"infe", b"\x02\0\0\0" + struct.pack(">HH", 1, 0) + b"Exif\0")
    meta = _box(b"meta", b"\0" * 4 + _box(b"hdlr", hdlr) + _box(b"iloc", iloc) + _box(b"iinf", iinf))
    ftyp = struct.pack(">I", 24) + b"ftypheic" + struct.pack(">I", 0) + b"mif1heic"
    return ftyp + meta + _box(b"mdat", b"\0" * 32)


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def _tiff_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", (40, 30), bytes(range(256)) * 14 + bytes(40 * 30 * 3 - 256 * 14)).save(buf, "TIFF")
    return buf.getvalue()


def _webp_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.open(io.BytesIO(make_jpeg((80, 60), seed=13))).save(buf, "WEBP", quality=80)
    return buf.getvalue()


def _gif_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.open(io.BytesIO(make_png((40, 30), seed=3))).convert("P").save(buf, "GIF")
    return buf.getvalue()


def truncation_offsets(length: int, count: int) -> list[int]:
    """``count`` cut points spread evenly over a file, plus the first few bytes and just short of the end."""
    fixed = {1, 2, 3, 8, 16, length - 2, length - 1}
    spread = {length * k // (count + 1) for k in range(1, count + 1)}
    return sorted(o for o in fixed | spread if 0 < o < length)


def hostile_images(offsets_per_format: int, seed: int = 2026) -> dict[str, bytes]:
    """File name -> bytes for every generated hostile still."""
    rng = random.Random(seed)
    files: dict[str, bytes] = {}
    exif_jpeg = make_jpeg((200, 150), seed=14, exif=b"Exif\0\0" + exif_makernote_count(12))
    bases = {"jpg": exif_jpeg, "png": make_png((60, 40), seed=5), "tif": _tiff_bytes(), "webp": _webp_bytes(),
             "gif": _gif_bytes()}
    for ext, data in bases.items():
        files[f"base.{ext}"] = data
        for cut in truncation_offsets(len(data), offsets_per_format):
            files[f"cut-{cut:06}.{ext}"] = data[:cut]
    for ext in ("jpg", "png", "heic", "tif", ""):
        files[f"empty{'.' if ext else ''}{ext}"] = b""
    for n, size in enumerate((1, 7, 512, 4096, 65536)):
        files[f"random-{n}.jpg"] = rng.randbytes(size)
        files[f"random-{n}"] = rng.randbytes(size)
    for magic, ext in ((b"\xff\xd8\xff\xe0", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"II*\0", "tif"),
                       (b"RIFF\xff\xff\xff\x7fWEBPVP8 ", "webp"), (b"GIF89a", "gif")):
        for n in range(3):
            files[f"magic-then-random-{n}.{ext}"] = magic + rng.randbytes(rng.choice((16, 300, 5000)))
    files["png-named.jpg"] = bases["png"]
    files["jpeg-named.png"] = bases["jpg"]
    files["jpeg-named.mp4"] = bases["jpg"]
    files["jpeg-named.heic"] = bases["jpg"]
    files["tiff-named.txt"] = bases["tif"]
    files["ifd-cycle.tif"] = tiff_ifd_cycle()
    files["exif-ifd-cycle.jpg"] = jpeg_with_exif(tiff_ifd_cycle())
    files["exif-subifd-loop.jpg"] = jpeg_with_exif(exif_sub_ifd_loop())
    for count in (0x7FFFFFFF, 0xFFFFFFFF, 2**24):
        files[f"makernote-count-{count:x}.jpg"] = jpeg_with_exif(exif_makernote_count(count))
    files["makernote-count-ffffffff.tif"] = exif_makernote_count(0xFFFFFFFF)
    for n, kind in enumerate((b"\xe9XIf", b"eX\xfff", b"\x00\x00\x00\x00", b"tEXt\xff"[:4], b"\x80\x81\x82\x83")):
        files[f"png-chunk-{n}.png"] = png_with_chunks([(kind, b"Exif\0\0" + tiff_ifd_cycle())])
    files["png-exif-cycle.png"] = png_with_chunks([(b"eXIf", tiff_ifd_cycle())])
    files["bomb-png-100kx100k.png"] = png_bomb(100_000, 100_000)
    files["bomb-png-20kx20k.png"] = png_bomb(20_000, 20_000)
    files["bomb-gif-64kx64k.gif"] = gif_bomb()
    files["bomb-jpeg-65kx65k.jpg"] = jpeg_with_size(65_000, 65_000)
    files["heif-nonascii-box.heic"] = heif_with_box(b"\xff\xfe\xfd\xfc", b"\0" * 16)
    files["heif-zero-box.heic"] = heif_with_box(b"\0\0\0\0")
    files["heif-huge-exif-extent.heic"] = heif_huge_exif_extent()
    return files
