"""Render resources/icons/verify-bench.svg to the PNG sizes desktops expect, plus .ico and .icns.

    python packaging/render_icons.py

Writes resources/icons/hicolor/<N>x<N>/apps/verify-bench.png (the freedesktop icon-theme layout,
copied as-is into /usr/share/icons/hicolor by packagers), verify-bench.ico (Windows) and
verify-bench.icns (macOS). Rendering uses Qt's SVG renderer, offscreen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs one
    svg = ICONS / "verify-bench.svg"
    pngs = {}
    for size in SIZES:
        out = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "verify-bench.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not render(svg, size).save(str(out)):
            raise SystemExit(f"could not write {out}")
        pngs[size] = out
        print(f"wrote {out}")
    largest = Image.open(pngs[256])
    largest.save(ICONS / "verify-bench.ico", sizes=[(s, s) for s in (16, 32, 48, 64, 128, 256)])
    Image.open(pngs[512]).save(ICONS / "verify-bench.icns")
    print(f"wrote {ICONS / 'verify-bench.ico'} and {ICONS / 'verify-bench.icns'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
