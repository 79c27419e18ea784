"""Decide what a file is from its first bytes, never from its name alone."""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import MediaType

HEAD_BYTES = 256


@dataclass(frozen=True)
class Sniffed:
    media_type: MediaType
    format: str | None  # Pillow format name for images, FFmpeg demuxer name for videos
    mime: str | None


OTHER = Sniffed("other", None, None)

_ISO_BMFF_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}
_ISO_BMFF_VIDEO_BRANDS = {
    b"qt  ": ("mov", "video/quicktime"),
    b"3gp4": ("3gp", "video/3gpp"),
    b"3gp5": ("3gp", "video/3gpp"),
    b"3gp6": ("3gp", "video/3gpp"),
    b"3g2a": ("3gp", "video/3gpp2"),
    b"M4V ": ("mp4", "video/x-m4v"),
}


def sniff(head: bytes) -> Sniffed:
    """Classify a file by its leading bytes (give at least :data:`HEAD_BYTES`)."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "JPEG", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "PNG", "image/png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image", "GIF", "image/gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "WEBP", "image/webp")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed("image", "TIFF", "image/tiff")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Sniffed("video", "avi", "video/x-msvideo")
    if head[:4] == b"\x1a\x45\xdf\xa3":
        is_webm = b"webm" in head[:64]
        return Sniffed("video", "matroska", "video/webm" if is_webm else "video/x-matroska")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _ISO_BMFF_IMAGE_BRANDS:
            return Sniffed("image", "HEIF", "image/avif" if brand == b"avif" else "image/heic")
        fmt, mime = _ISO_BMFF_VIDEO_BRANDS.get(brand, ("mp4", "video/mp4"))
        return Sniffed("video", fmt, mime)
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return Sniffed("video", "mov", "video/quicktime")
    if _looks_like_mpeg_ts(head):
        return Sniffed("video", "mpegts", "video/mp2t")
    return OTHER


def _looks_like_mpeg_ts(head: bytes) -> bool:
    # MPEG-TS: sync byte 0x47 every 188 bytes; AVCHD .MTS/.M2TS adds a 4-byte timecode (192-byte packets).
    if len(head) >= 189 and head[0] == 0x47 and head[188] == 0x47:
        return True
    return len(head) >= 197 and head[4] == 0x47 and head[196] == 0x47
