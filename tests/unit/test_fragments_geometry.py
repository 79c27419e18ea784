"""Regions and the stored-grid / upright-view mapping, checked against Pillow's own EXIF transpose."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageOps

from verify_bench.fragments import FragmentError, ItemGeometry, Region, parse_polygon, point, polygon, rect
from verify_bench.fragments.crops import crop_box
from verify_bench.fragments.geometry import stored_to_upright, upright_to_stored
from verify_bench.media.image import TRANSPOSE
from verify_bench.fragments.regions import from_json, from_points

ORIENTATIONS = range(1, 9)


def _noise(width: int, height: int) -> Image.Image:
    return Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))


def _upright_by_pillow(stored: Image.Image, orientation: int) -> Image.Image:
    """The upright view as Pillow's ImageOps.exif_transpose makes it: an oracle independent of our tables."""
    tagged = stored.copy()
    tagged.getexif()[0x0112] = orientation
    return ImageOps.exif_transpose(tagged)


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_a_rectangle_drawn_upright_covers_the_same_pixels_of_the_stored_grid(orientation: int) -> None:
    stored = _noise(37, 23)
    upright = _upright_by_pillow(stored, orientation)
    geo = ItemGeometry("x", "image", 37, 23, orientation)
    assert (geo.upright_width, geo.upright_height) == upright.size
    drawn = rect(3, 4, 9, 6)
    on_stored = geo.to_stored(drawn)
    cut = stored.crop(crop_box(on_stored, 37, 23))
    if orientation in TRANSPOSE:
        cut = cut.transpose(TRANSPOSE[orientation])
    assert cut.tobytes() == upright.crop((3, 4, 12, 10)).tobytes()
    assert geo.to_upright(on_stored) == drawn


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_each_polygon_vertex_and_point_lands_on_the_same_pixel(orientation: int) -> None:
    stored = _noise(19, 31)
    upright = _upright_by_pillow(stored, orientation)
    geo = ItemGeometry("x", "image", 19, 31, orientation)
    centres = [(2.5, 3.5), (10.5, 1.5), (7.5, 12.5)]
    mapped = geo.to_stored(polygon(centres))
    for (ux, uy), (sx, sy) in zip(centres, mapped.points):
        assert upright.getpixel((int(ux), int(uy))) == stored.getpixel((int(sx), int(sy)))
    (sx, sy), = geo.to_stored(point(4.5, 5.5)).points
    assert upright.getpixel((4, 5)) == stored.getpixel((int(sx), int(sy)))


@given(st.integers(1, 8), st.integers(1, 500), st.integers(1, 500), st.floats(0, 1), st.floats(0, 1))
def test_upright_and_stored_mappings_are_inverse(orientation: int, w: int, h: int, fx: float, fy: float) -> None:
    p = (round(fx * w, 3), round(fy * h, 3))
    up = stored_to_upright(p, w, h, orientation)
    back = upright_to_stored(up, w, h, orientation)
    assert back == pytest.approx(p)


def test_video_rotation_and_unknown_orientations() -> None:
    with pytest.raises(FragmentError, match="1..8"):
        upright_to_stored((0, 0), 10, 10, 9)
    video = ItemGeometry("v", "video", 64, 48, 6, duration=2.0)
    assert (video.upright_width, video.upright_height) == (48, 64)
    with pytest.raises(FragmentError, match="choose the frame"):
        video.check(rect(0, 0, 4, 4), None)
    with pytest.raises(FragmentError, match="outside the video"):
        video.check(rect(0, 0, 4, 4), 3.0)
    video.check(rect(0, 0, 4, 4), 1.5)
    with pytest.raises(FragmentError, match="no frames"):
        ItemGeometry("i", "image", 10, 10, 1).check(rect(0, 0, 4, 4), 1.0)


def test_regions_are_normalised_and_bad_ones_refused() -> None:
    assert from_points("rect", [(10, 8), (2, 3)]) == Region("rect", ((2, 3), (10, 8)))
    assert rect(1.00001, 2, 3.5, 4).to_json() == {"shape": "rect", "points": [[1, 2], [4.5, 6]]}
    assert from_json(parse_polygon("0,0; 4,0; 4,3").to_json()).bbox() == (0, 0, 4, 3)
    assert point(5, 5).bbox() == (5, 5, 0, 0)
    for bad in (lambda: rect(0, 0, 0, 5), lambda: polygon([(0, 0), (1, 1), (2, 2)]),
                lambda: polygon([(0, 0), (1, 1)]), lambda: parse_polygon("1,2,3"),
                lambda: from_points("circle", [(0, 0)]), lambda: point(float("nan"), 1)):
        with pytest.raises(FragmentError):
            bad()
    with pytest.raises(FragmentError, match="outside"):
        rect(5, 5, 10, 10).check_within(12, 20)


def test_crop_box_covers_partial_pixels_and_pads_points() -> None:
    assert crop_box(rect(1.5, 2.2, 3, 3), 100, 100) == (1, 2, 5, 6)
    assert crop_box(point(5, 5), 20, 100) == (0, 0, 20, 37)
