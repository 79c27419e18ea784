"""Capture times in the names phones and apps give their files."""

from __future__ import annotations

import pytest

from verify_bench.media.analysis import FieldValue
from verify_bench.metadata.filename import fields_from_filename


@pytest.mark.parametrize(("name", "taken_at"), [
    ("IMG_20170222_101010.jpg", "2017-02-22T10:10:10"),
    ("VID_20170222_101010.mp4", "2017-02-22T10:10:10"),
    ("IMG_20170222_101010_HDR.jpg", "2017-02-22T10:10:10"),
    ("20170222_101010.jpg", "2017-02-22T10:10:10"),
    ("20170222_101010(1).jpg", "2017-02-22T10:10:10"),
    ("Screenshot_2020-01-05-10-11-12.png", "2020-01-05T10:11:12"),
    ("Screenshot_20200105-101112.png", "2020-01-05T10:11:12"),
    ("WhatsApp Image 2021-03-04 at 10.11.12.jpeg", "2021-03-04T10:11:12"),
    ("WhatsApp Video 2021-03-04 at 10.11.12 (2).mp4", "2021-03-04T10:11:12"),
    ("Screenshot 2020-01-05 at 9.11.12 PM.png", "2020-01-05T21:11:12"),
    ("Screen Shot 2020-01-05 at 12.11.12 AM.png", "2020-01-05T00:11:12"),
    ("signal-2022-01-02-101112.jpg", "2022-01-02T10:11:12"),
    ("photo_2023-05-06_07-08-09.jpg", "2023-05-06T07:08:09"),
    ("/some/dir/IMG_20170222_101010.jpg", "2017-02-22T10:10:10"),
])
def test_recognised_names(name: str, taken_at: str) -> None:
    assert fields_from_filename(name) == [FieldValue("taken_at", taken_at, "filename")]


def test_pixel_names_are_utc_with_milliseconds() -> None:
    assert fields_from_filename("PXL_20230105_123456789.jpg") == [
        FieldValue("taken_at", "2023-01-05T12:34:56.789", "filename"),
        FieldValue("taken_at_offset", "+00:00", "filename"),
    ]
    assert fields_from_filename("PXL_20230105_123456789.PORTRAIT.jpg")[1].value == "+00:00"


@pytest.mark.parametrize("name", [
    "IMG_20170231_101010.jpg",     # 31 February
    "IMG_19890101_101010.jpg",     # before 1990
    "IMG_21010101_101010.jpg",     # after 2100
    "IMG_20170222_246010.jpg",     # hour 24
    "IMG-20170222-WA0001.jpg",     # WhatsApp: a date but no time
    "reupload_1651239845.jpg",     # an epoch number is not a date
    "IMG_20170222_1010101.jpg",    # seven time digits
    "Screenshot 2020-01-05 at 13.11.12 PM.png",
    "dir_20170222_101010/photo.jpg",  # only the file's own name counts
    "holiday.jpg",
    "",
])
def test_rejected_names(name: str) -> None:
    assert fields_from_filename(name) == []


def test_first_plausible_time_wins() -> None:
    assert fields_from_filename("IMG_20179999_101010 copy of 20180101_120000.jpg") == [
        FieldValue("taken_at", "2018-01-01T12:00:00", "filename")
    ]
