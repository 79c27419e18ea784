"""Draw resources/samples/fragment_tail_fin.jpg: an invented munition fragment on gravel, with a scale bar.

    python scripts/sample_fragment_photo.py

The sample case needs a picture worth tagging; no openly licensed photo of one ships offline, so this
one is drawn (CC0). The markings are invented and deliberately generic. EXIF names the generator,
a time and a position near the sample case's other photos, as a phone would.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path(__file__).resolve().parents[1] / "resources" / "samples" / "fragment_tail_fin.jpg"
SIZE = (1280, 960)
FIN = [(300, 250), (900, 190), (1010, 560), (420, 700)]  # the fragment's outline, upright
GPS = (43.4668, 11.8867)  # near DSCN0010.jpg's position


def gravel(rng: random.Random) -> Image.Image:
    ground = Image.new("RGB", SIZE, (122, 104, 84))
    draw = ImageDraw.Draw(ground)
    for _ in range(9000):
        x, y, r = rng.randrange(SIZE[0]), rng.randrange(SIZE[1]), rng.randint(2, 9)
        shade = rng.randint(70, 175)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(shade, int(shade * 0.88), int(shade * 0.72)))
    return ground.filter(ImageFilter.GaussianBlur(1.2))


def fin(picture: Image.Image) -> None:
    draw = ImageDraw.Draw(picture)
    shadow = [(x + 18, y + 22) for x, y in FIN]
    draw.polygon(shadow, fill=(60, 50, 42))
    draw.polygon(FIN, fill=(150, 156, 160), outline=(80, 84, 88), width=5)
    for i in range(14):  # brushed-metal streaks
        t = i / 14
        a = (FIN[0][0] + (FIN[3][0] - FIN[0][0]) * t, FIN[0][1] + (FIN[3][1] - FIN[0][1]) * t)
        b = (FIN[1][0] + (FIN[2][0] - FIN[1][0]) * t, FIN[1][1] + (FIN[2][1] - FIN[1][1]) * t)
        draw.line([a, b], fill=(165 - i, 170 - i, 174 - i), width=3)
    for x, y in ((340, 290), (860, 235), (960, 545), (455, 660)):  # rivets
        draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill=(95, 98, 102))
    draw.line([(300, 250), (420, 700)], fill=(55, 45, 40), width=9)  # the torn edge
    stencil = ImageFont.load_default(size=44)
    for (x, y), text in (((470, 330), "FIN ASSY"), ((470, 400), "LOT 7  MFD 03/21"), ((470, 470), "SER 004512")):
        draw.text((x, y), text, font=stencil, fill=(25, 25, 28))


def scale_bar(picture: Image.Image) -> None:
    draw = ImageDraw.Draw(picture)
    x0, y0, step = 180, 820, 50  # ten 1 cm blocks of 50 px
    for i in range(10):
        draw.rectangle((x0 + i * step, y0, x0 + (i + 1) * step, y0 + 24),
                       fill=(245, 245, 245) if i % 2 else (20, 20, 20), outline=(20, 20, 20))
    draw.text((x0, y0 + 34), "10 cm", font=ImageFont.load_default(size=34), fill=(245, 245, 245))


def exif() -> Image.Exif:
    data = Image.Exif()
    data[0x010F] = "Verify Bench"           # Make
    data[0x0110] = "sample generator"       # Model
    data[0x0132] = "2024:05:07 08:15:00"    # DateTime
    data[0x0131] = "scripts/sample_fragment_photo.py"  # Software
    gps = data.get_ifd(0x8825)
    lat, lon = GPS
    gps.update({1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon)})
    return data


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return (float(degrees), float(minutes), round(((value - degrees) * 60 - minutes) * 60, 2))


def main() -> int:
    picture = gravel(random.Random(7))
    fin(picture)
    scale_bar(picture)
    picture.save(OUT, quality=85, exif=exif())
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
