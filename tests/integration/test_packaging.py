"""Desktop integration files, icons and the third-party licence file."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from importlib import metadata
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.verify_bench.VerifyBench"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
RAW = "https://raw.githubusercontent.com/verify-bench/verify-bench/main/"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def test_desktop_file_is_valid() -> None:
    result = subprocess.run([_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_is_valid() -> None:
    result = subprocess.run([_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(r"^[EW]:", result.stdout, re.MULTILINE), result.stdout


def test_desktop_file_and_metainfo_agree_with_the_app() -> None:
    from verify_bench import __version__

    entry = ConfigParser(interpolation=None)
    entry.read(DESKTOP, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Icon"] == "verify-bench"
    assert desktop["Exec"].split()[:2] == ["verify-bench", "gui"]  # valid for pip installs and builds alike
    info = ET.parse(METAINFO).getroot()
    assert info.findtext("id") == APP_ID
    assert info.findtext("launchable") == DESKTOP.name
    assert info.find("releases/release").get("version") == __version__  # type: ignore[union-attr]


def test_metainfo_screenshots_are_files_in_the_repository() -> None:
    images = [e.text or "" for e in ET.parse(METAINFO).getroot().iter("image")]
    assert images
    for url in images:
        assert url.startswith(RAW), url
        assert (ROOT / url.removeprefix(RAW)).is_file(), url


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_exists_in_every_size(size: int) -> None:
    path = ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "verify-bench.png"
    with Image.open(path) as png:
        assert png.format == "PNG"
        assert png.size == (size, size)
        assert png.mode == "RGBA"
        assert png.getextrema()[3] != (255, 255)  # transparent corners: a shaped icon, not a square


def test_windows_and_macos_icons_exist() -> None:
    with Image.open(ROOT / "resources" / "icons" / "verify-bench.ico") as ico:
        assert ico.format == "ICO" and (256, 256) in ico.info["sizes"]
    with Image.open(ROOT / "resources" / "icons" / "verify-bench.icns") as icns:
        assert icns.format == "ICNS"


def _runtime_requirements(name: str, seen: set[str]) -> set[str]:
    """Names of everything ``name`` needs at run time (no extras), recursively."""
    from packaging.requirements import Requirement

    for text in metadata.requires(name) or []:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        key = re.sub(r"[-_.]+", "-", req.name).lower()
        if key not in seen:
            seen.add(key)
            _runtime_requirements(req.name, seen)
    return seen


def test_third_party_licences_name_every_runtime_dependency() -> None:
    text = (ROOT / "THIRD-PARTY-LICENSES").read_text(encoding="utf-8")
    listed = {re.sub(r"[-_.]+", "-", m).lower() for m in re.findall(r"^## (\S+) ", text, re.MULTILINE)}
    needed = _runtime_requirements("verify-bench", set())
    assert {"pyside6-essentials", "shiboken6", "av", "numba", "pillow"} <= needed
    assert needed - listed == set(), "run scripts/third_party_licenses.py"


def test_third_party_licences_say_what_is_copyleft() -> None:
    text = (ROOT / "THIRD-PARTY-LICENSES").read_text(encoding="utf-8")
    notes = text.split("COPYLEFT COMPONENTS", 1)[1].split("=" * 100, 1)[0]
    assert "PySide6_Essentials" in notes and "LGPL-3.0" in notes
    assert "FFmpeg" in notes and "x265" in notes
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text.split("## PySide6_Essentials", 1)[1]
