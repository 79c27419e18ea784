"""``verify-bench-gui [CASE]``: start the desktop app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from .. import __version__
from ..errors import VerifyBenchError
from ..resources import resources_dir
from . import settings
from .main_window import MainWindow

APP_ID = "io.github.verify_bench.VerifyBench"  # the .desktop file's name and the AppStream id
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


Scheme = Literal["system", "light", "dark"]


def dark_palette() -> QPalette:
    """A dark palette for Fusion, for platforms whose theme does not supply one."""
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f1f1f", QPalette.ColorRole.AlternateBase: "#272727",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#2f6fb3",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.PlaceholderText: "#9a9a9a",
        QPalette.ColorRole.Link: "#6aa9ff", QPalette.ColorRole.Mid: "#444444", QPalette.ColorRole.Dark: "#1a1a1a",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return p


def app_icon() -> QIcon:
    """The application icon in every rendered size (resources/icons/hicolor); empty if not installed."""
    icon = QIcon()
    try:
        hicolor = resources_dir() / "icons" / "hicolor"
    except VerifyBenchError:
        return icon
    for size in ICON_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / "verify-bench.png"
        if png.is_file():
            icon.addFile(str(png))
    return icon


def apply_color_scheme(app: QApplication, scheme: Scheme = "system") -> None:
    """Light or dark: the system's choice unless told otherwise (and followed when the system switches)."""
    dark = scheme == "dark" or (scheme == "system" and app.styleHints().colorScheme() == Qt.ColorScheme.Dark)
    app.setPalette(dark_palette() if dark else app.style().standardPalette())


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, set up for sharp high-DPI rendering and the system's light or dark scheme."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv or sys.argv[:1])
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland and task bars match the window to the installed .desktop file
    app.setWindowIcon(app_icon())
    app.setStyle("Fusion")  # looks the same everywhere; the palette carries light or dark
    apply_color_scheme(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_color_scheme(app))
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="verify-bench-gui", description="Verify Bench desktop app")
    parser.add_argument("case", nargs="?", type=Path, help="a case folder (.vbcase) to open")
    parser.add_argument("--sample", action="store_true", help="open the sample case (built on first use)")
    parser.add_argument("--color-scheme", choices=("system", "light", "dark"), default="system",
                        help="light or dark regardless of the system setting")
    parser.add_argument("--version", action="version", version=f"verify-bench-gui {__version__}")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    app = make_app()
    if args.color_scheme != "system":
        apply_color_scheme(app, args.color_scheme)
    window = MainWindow()
    window.show()
    if args.sample:
        window.open_sample()
    elif args.case is not None:
        window.open_case(args.case)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
