"""Capture times embedded in the file names phones and messaging apps give their files.

Recognised (examples): ``IMG_20170222_101010.jpg``, ``VID_20170222_101010.mp4``,
``PXL_20230105_123456789.jpg``, ``20170222_101010.jpg``, ``Screenshot_2020-01-05-10-11-12.png``,
``Screenshot_20200105-101112.png``, ``WhatsApp Image 2021-03-04 at 10.11.12.jpeg``,
``Screenshot 2020-01-05 at 9.11.12 AM.png``, ``signal-2022-01-02-101112.jpg``,
``photo_2023-05-06_07-08-09.jpg`` (Telegram). A name is weak evidence: anyone can rename a file.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePath

from ..media.analysis import FieldValue

_NAME_TIME = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?P<ds>[-_.]?)(?P<mo>\d{2})(?P=ds)(?P<d>\d{2})"
    r"(?:[ _T-]|\s+at\s+|_at_)"
    r"(?P<time>\d{6}(?:\d{3})?|\d{1,2}[-_.:]\d{2}[-_.:]\d{2})(?!\d)"
    r"(?:\s?(?P<ampm>[AaPp][Mm])\b)?"
)


def fields_from_filename(name: str) -> list[FieldValue]:
    """The first plausible capture time in ``name`` as "taken_at" (local, zone unknown), source "filename".

    Google Pixel names (``PXL_YYYYMMDD_HHMMSSmmm``) are written in UTC, so they also give
    ``taken_at_offset`` "+00:00". Only years 1990-2100 and real calendar times count.
    """
    base = PurePath(name.replace("\\", "/")).name
    for m in _NAME_TIME.finditer(base):
        taken = _taken_at(m)
        if taken is None:
            continue
        fields = [FieldValue("taken_at", taken, "filename")]
        if base[:m.start()].endswith("PXL_") and len(m["time"]) == 9:  # Pixel names are in UTC
            fields.append(FieldValue("taken_at_offset", "+00:00", "filename"))
        return fields
    return []


def _taken_at(m: re.Match[str]) -> str | None:
    time = m["time"]
    if time.isdigit():
        h, mi, s, millis = time[0:2], time[2:4], time[4:6], time[6:]
    else:
        h, mi, s = re.split(r"[-_.:]", time)
        millis = ""
    hour = int(h)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"].lower() == "pm" else 0)
    year = int(m["y"])
    if not 1990 <= year <= 2100:
        return None
    try:
        dt = datetime(year, int(m["mo"]), int(m["d"]), hour, int(mi), int(s), int(millis or 0) * 1000)
    except ValueError:
        return None
    return dt.isoformat(timespec="milliseconds" if millis else "seconds")
