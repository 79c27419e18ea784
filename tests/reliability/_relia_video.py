"""Generated hostile videos (PyAV): MP4/MOV with a timecode track and MPEG-TS with a KLV data track,
cut at many offsets, without ``moov``, empty and random; and HLS playlists naming a canary file
and a listener, under several names and disguises.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

from tests.reliability._relia_hostile import truncation_offsets

#: extension -> (PyAV muxer, extra track)
CONTAINERS = {"mp4": ("mp4", "timecode"), "mov": ("mov", "timecode"), "ts": ("mpegts", "klv")}


def make_video(path: Path, fmt: str, extra: str, frames: int = 20) -> bytes:
    """A small MPEG-4 Part 2 video with a timecode (mov/mp4) or a KLV data track (mpegts)."""
    import av
    import numpy as np

    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p"
        stream.gop_size = 5
        data = None
        if extra == "timecode":
            out.metadata["timecode"] = "01:00:00:00"
            stream.metadata["timecode"] = "01:00:00:00"
        else:
            data = out.add_data_stream("klv")
        for i in range(frames):
            picture = np.zeros((64, 96, 3), np.uint8)
            picture[:, : 4 * i + 4] = (200, 30 + 8 * i, 90)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
            if data is not None and i % 5 == 0:
                packet = av.Packet(b"\x06\x0e\x2b\x34" + bytes([i]) * 12)
                packet.stream, packet.pts, packet.dts, packet.time_base = data, i, i, stream.time_base
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path.read_bytes()


def without_moov(data: bytes) -> bytes:
    """The same file with its top-level ``moov`` box taken out (a recording that was never finalised).

    Renaming the box would not do: FFmpeg looks for a ``moov`` inside ``free`` boxes.
    """
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"moov":
            return data[:pos] + data[pos + size:]
        if size < 8:
            break
        pos += size
    raise AssertionError("no moov box found")


def playlist(canary: Path, port: int) -> bytes:
    """An HLS playlist whose segments are a local file outside the folder and a URL on 127.0.0.1."""
    return (f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
            f"#EXTINF:2.0,\n{canary}\n#EXTINF:2.0,\nfile://{canary}\n"
            f"#EXTINF:2.0,\nhttp://127.0.0.1:{port}/segment.ts\n#EXT-X-ENDLIST\n").encode()


def hostile_videos(work: Path, offsets: int, canary: Path, port: int, seed: int = 2027) -> dict[str, bytes]:
    """File name -> bytes for every generated hostile video (``work`` is a scratch folder)."""
    rng = random.Random(seed)
    files: dict[str, bytes] = {}
    for ext, (fmt, extra) in CONTAINERS.items():
        data = make_video(work / f"base.{ext}", fmt, extra)
        files[f"base.{ext}"] = data
        for cut in truncation_offsets(len(data), offsets):
            files[f"cut-{cut:06}.{ext}"] = data[:cut]
        if ext != "ts":
            files[f"no-moov.{ext}"] = without_moov(data)
        files[f"empty.{ext}"] = b""
        files[f"random.{ext}"] = rng.randbytes(20_000)
    files["ftyp-then-random.mp4"] = struct.pack(">I", 24) + b"ftypisom" + b"\0" * 12 + rng.randbytes(5000)
    files["ts-sync-then-random.ts"] = b"".join(b"\x47" + rng.randbytes(187) for _ in range(30))
    text = playlist(canary, port)
    files["playlist.m3u8"] = text
    files["playlist-named.mp4"] = text
    files["playlist-named.avi"] = text
    files["playlist-named.mov"] = text
    files["playlist-behind-ftyp.mp4"] = struct.pack(">I", 24) + b"ftypisom" + b"\0" * 12 + text
    files["playlist-behind-ts-sync.ts"] = b"\x47" + b"\0" * 187 + b"\x47" + b"\0" * 187 + text
    return files
