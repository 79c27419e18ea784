"""Image decoding for the GUI, safe to call on worker threads (QImage, never QPixmap)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader

#: Largest decoded image we accept for the full-resolution viewer (Qt's default is 256 MB).
ALLOCATION_LIMIT_MB = 1024


def blurred(image: QImage) -> QImage:
    """A heavy, cheap blur: shrink to a few dozen pixels and scale back smoothly."""
    if image.isNull():
        return image
    small = image.scaled(max(1, image.width() // 24), max(1, image.height() // 24),
                         Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return small.scaled(image.size(), Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)


def load_scaled(path: Path, box: QSize) -> QImage:
    """Decode ``path`` scaled to fit ``box`` (JPEG DCT scaling does most of the work); EXIF orientation applied."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > box.width() or size.height() > box.height()):
        reader.setScaledSize(size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def load_full(path: Path) -> tuple[QImage, str]:
    """The whole picture at full resolution with EXIF orientation applied, or a null image and why not."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    image = reader.read()
    if image.isNull():
        return image, f"This picture cannot be shown: {reader.errorString()}"
    return image, ""
