"""Small generated media for tests."""

from __future__ import annotations

import io
import os


def make_jpeg(size: tuple[int, int] = (320, 240), seed: int = 0, **save: object) -> bytes:
    """A small JPEG with real structure (gradients and shapes), different per seed."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (seed * 37 % 256, 90, 160))
    draw = ImageDraw.Draw(img)
    w, h = size
    for i in range(8):
        x = (seed * 53 + i * 41) % w
        y = (seed * 29 + i * 67) % h
        draw.rectangle([x, y, x + w // 4, y + h // 5], fill=((i * 60) % 256, (seed * 11 + i * 30) % 256, 40))
    draw.ellipse([w // 3, h // 3, w // 3 + w // 5, h // 3 + h // 4], fill=(250, 250, 250))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, **save)
    return buf.getvalue()


def make_png(size: tuple[int, int] = (64, 48), seed: int = 1) -> bytes:
    from PIL import Image

    img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3) if seed < 0 else bytes(
        (x * 7 + y * 3 + seed) % 256 for y in range(size[1]) for x in range(size[0]) for _ in range(3)))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


PINNED_ALGOS = ("phash", "dhash")


def pinned(hashes: list) -> list:
    """The pinned pHash/dHash of each picture, without the similarity module's matching variants."""
    return [h for h in hashes if h.algo in PINNED_ALGOS]


def grey_steps(frames: int) -> list[tuple[int, int, int]]:
    """Frame ``i`` a flat grey of level ``i * 12``, so that a decoded frame tells its number."""
    return [((i * 12) % 256,) * 3 for i in range(frames)]


def make_video(path: "os.PathLike[str] | str", colours: list[tuple[int, int, int]], fps: int = 10, gop: int = 5,
               size: tuple[int, int] = (64, 48)) -> "os.PathLike[str] | str":
    """A small MPEG-4 video, one flat RGB colour per frame (so a frame or a crop tells which frame it is)."""
    import av
    import numpy as np

    w, h = size
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.codec_context.gop_size = gop
        for colour in colours:
            frame = av.VideoFrame.from_ndarray(np.full((h, w, 3), colour, np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path
