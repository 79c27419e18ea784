"""Reading the stored original's pixels (stored grid) for geometry and crops.

The stored original was already parsed once in a sandboxed worker at import; here it is decoded
again in-process, with the same safeguards as :mod:`verify_bench.media`: Pillow limited to the
plugins of the sniffed format with its decompression-bomb check as an error, and FFmpeg limited to
the ``file`` protocol and the allowed demuxers. Items whose analysis failed are refused.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import av
from PIL import Image

from ..case import Case
from ..media.image import MAX_PIXELS, PLUGINS, TRANSPOSE
from ..media.video import ALLOWED_DEMUXERS
from .errors import FragmentError
from .geometry import ORIENTATION_OF_ROTATION, ItemGeometry, upright_size

_VIDEO_OPTIONS = {
    "protocol_whitelist": "file",
    "format_whitelist": ",".join(sorted(ALLOWED_DEMUXERS)),
    "enable_drefs": "0",
}


def item_geometry(case: Case, item_ref: str | dict[str, Any]) -> ItemGeometry:
    """The stored grid and orientation of an item (id, id prefix, hash prefix, or an ``items`` row)."""
    item = case.find_item(item_ref) if isinstance(item_ref, str) else item_ref
    _check_decodable(item)
    if item["media_type"] == "image":
        with open_image(case.root / item["stored_path"], item["format"]) as im:
            width, height = im.size
            orientation = exif_orientation(im)
        return ItemGeometry(item["id"], "image", width, height, orientation)
    rotation = item.get("rotation") or 0
    orientation = ORIENTATION_OF_ROTATION.get(rotation % 360, 1)
    # items.width/height are the upright display size; the stored (coded) grid is turned back.
    width, height = upright_size(item["width"], item["height"], orientation)
    return ItemGeometry(item["id"], "video", width, height, orientation, duration=item.get("duration"))


def _check_decodable(item: dict[str, Any]) -> None:
    if item["media_type"] not in ("image", "video"):
        raise FragmentError(f"item {item['id'][:8]} is not a picture or a video: nothing to tag")
    if item["analysis"] == "failed" or not item.get("width") or not item.get("height"):
        raise FragmentError(f"item {item['id'][:8]} could not be decoded at import: its picture cannot be tagged")


def open_image(path: Path, fmt: str | None) -> Image.Image:
    """The stored still, opened lazily with only its format's Pillow plugins."""
    if fmt not in PLUGINS:
        raise FragmentError(f"no image decoder for format {fmt!r}")
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path, formats=list(PLUGINS[fmt]))
    except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FragmentError(f"cannot read {path.name}: {exc}") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def exif_orientation(im: Image.Image) -> int:
    """EXIF orientation 1..8 as :mod:`verify_bench.media.image` reads it (1 when absent or broken)."""
    try:
        value = im.getexif().get(0x0112)
    except Exception:  # noqa: BLE001 - broken EXIF is reported by the metadata reader
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def stored_pixels(case: Case, item: dict[str, Any], frame_ts: float | None) -> Image.Image:
    """The full picture on the stored grid (RGB or L): a still, or the video frame shown at ``frame_ts``."""
    return _stored_pixels(case.root, item, frame_ts)


def _stored_pixels(root: Path, item: dict[str, Any], frame_ts: float | None) -> Image.Image:
    _check_decodable(item)
    path = root / item["stored_path"]
    if item["media_type"] == "image":
        with open_image(path, item["format"]) as im:
            try:
                im.load()
            except (OSError, Image.DecompressionBombError) as exc:
                raise FragmentError(f"cannot decode {path.name}: {exc}") from exc
            return im.copy() if im.mode in ("RGB", "L") else im.convert("RGB")
    if frame_ts is None:
        raise FragmentError("a video frame needs its time")
    return video_frame(path, frame_ts)


def upright_picture(root: Path, item: dict[str, Any], orientation: int, frame_ts: float | None = None
                    ) -> Image.Image:
    """The upright view regions are drawn on: the stored pixels of ``item`` (an ``items`` row of the
    case at ``root``; for a video the frame a player shows at ``frame_ts``) turned by ``orientation``
    (:attr:`ItemGeometry.orientation`), exactly as crops are turned. Reads files only, no database,
    so a GUI can call it on a worker thread."""
    picture = _stored_pixels(root, item, frame_ts)
    return picture.transpose(TRANSPOSE[orientation]) if orientation in TRANSPOSE else picture


def video_frame(path: Path, frame_ts: float) -> Image.Image:
    """The frame a player shows at ``frame_ts`` seconds (the last one starting at or before it), coded size."""
    try:
        with av.open(str(path), options=dict(_VIDEO_OPTIONS)) as container:
            if not set(container.format.name.split(",")) <= ALLOWED_DEMUXERS:
                raise FragmentError(f"demuxer {container.format.name!r} is not allowed")
            stream = container.streams.video[0]
            start, base = stream.start_time or 0, stream.time_base
            container.seek(start + int(frame_ts / base), stream=stream, backward=True)
            shown = None
            for frame in container.decode(stream):
                if frame.pts is None:
                    continue
                if shown is not None and float((frame.pts - start) * base) > frame_ts + 1e-6:
                    break
                shown = frame
            if shown is None:
                raise FragmentError(f"no frame could be decoded at {frame_ts} s")
            return shown.to_image()
    except (av.FFmpegError, IndexError) as exc:
        raise FragmentError(f"cannot decode the frame at {frame_ts} s of {path.name}: {exc}") from exc
