"""The stored original's pixel grid, and the upright view a person draws on.

Regions are recorded on the **stored grid**: the pixels as the decoder produces them from the
stored original, before any EXIF orientation (stills) or rotation tag (videos: the coded frame,
sample aspect ratio not applied) is honoured. A person sees and draws on the **upright view**:
the picture turned by its orientation, as viewers (and the app) show it. Both are related by one
of the 8 EXIF orientations; a video's rotation of 90, 180 or 270 degrees is the same as EXIF
orientation 6, 3 or 8. Every mapping here is exact (a permutation of pixel edges).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


from .errors import FragmentError
from .regions import Point, Region, from_points

#: Video rotation (degrees clockwise to display) -> the EXIF orientation that turns it the same way.
ORIENTATION_OF_ROTATION = {0: 1, 90: 6, 180: 3, 270: 8}


def upright_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    """The upright view's size for a stored grid of ``width x height``."""
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def stored_to_upright(p: Point, width: int, height: int, orientation: int) -> Point:
    """Where the stored-grid point ``p`` appears in the upright view (``width x height``: the stored grid)."""
    u, v = p
    w, h = width, height
    return {
        1: (u, v), 2: (w - u, v), 3: (w - u, h - v), 4: (u, h - v),
        5: (v, u), 6: (h - v, u), 7: (h - v, w - u), 8: (v, w - u),
    }[_checked(orientation)]


def upright_to_stored(p: Point, width: int, height: int, orientation: int) -> Point:
    """The stored-grid point under the upright-view point ``p`` (``width x height``: the stored grid)."""
    x, y = p
    w, h = width, height
    return {
        1: (x, y), 2: (w - x, y), 3: (w - x, h - y), 4: (x, h - y),
        5: (y, x), 6: (y, h - x), 7: (w - y, h - x), 8: (w - y, x),
    }[_checked(orientation)]


def _checked(orientation: int) -> int:
    if orientation not in range(1, 9):
        raise FragmentError(f"EXIF orientation must be 1..8, not {orientation!r}")
    return orientation


@dataclass(frozen=True)
class ItemGeometry:
    """What a drawing tool needs to know about an item's picture (see the module docstring)."""

    item_id: str
    media_type: str                 # 'image' | 'video'
    stored_width: int
    stored_height: int
    orientation: int                # EXIF-style 1..8 turning the stored grid upright
    duration: float | None = None   # videos: seconds

    @property
    def upright_width(self) -> int:
        return upright_size(self.stored_width, self.stored_height, self.orientation)[0]

    @property
    def upright_height(self) -> int:
        return upright_size(self.stored_width, self.stored_height, self.orientation)[1]

    def to_stored(self, region: Region) -> Region:
        """A region drawn on the upright view, on the stored grid."""
        return _mapped(region, lambda p: upright_to_stored(p, self.stored_width, self.stored_height, self.orientation))

    def to_upright(self, region: Region) -> Region:
        """A recorded (stored-grid) region, as it lies on the upright view."""
        return _mapped(region, lambda p: stored_to_upright(p, self.stored_width, self.stored_height, self.orientation))

    def check(self, region: Region, frame_ts: float | None) -> None:
        """Raise :class:`FragmentError` unless ``region`` (stored grid) and ``frame_ts`` fit this item."""
        region.check_within(self.stored_width, self.stored_height)
        if self.media_type == "video":
            if frame_ts is None:
                raise FragmentError("this item is a video: choose the frame (its time in seconds) the tag is on")
            if frame_ts < 0 or (self.duration is not None and frame_ts > self.duration):
                raise FragmentError(f"frame time {frame_ts} s is outside the video (0 to {self.duration} s)")
        elif frame_ts is not None:
            raise FragmentError("this item is a still picture: it has no frames to choose from")


def _mapped(region: Region, f: Any) -> Region:
    return from_points(region.shape, [f(p) for p in region.points])
