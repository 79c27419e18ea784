"""Write THIRD-PARTY-LICENSES: every runtime dependency of Verify Bench, with its licence texts.

    python scripts/third_party_licenses.py [--output THIRD-PARTY-LICENSES]

Reads the installed distributions (importlib.metadata), following ``verify-bench``'s requirements
recursively (markers evaluated for this interpreter, no extras): for each one its version, declared
licence, home page, the native libraries its wheel bundles, and the full text of every licence file
it ships. A section up front names the copyleft parts: the Qt libraries (LGPL) and the codec
libraries bundled by the PyAV, pillow-heif and OpenCV wheels, as their own files describe them.
Run it in the environment a build is made from (packaging/build.sh does).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

try:
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
except ImportError:  # a bare environment: pip carries the same library
    from pip._vendor.packaging.markers import default_environment  # type: ignore[no-redef]
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "verify-bench"
STANDARD_TEXTS = ROOT / "packaging" / "licenses"  # LGPL-3.0 and GPL-3.0, for wheels that ship no licence file
LICENCE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT)[^/]*$|(^|/)licenses/[^/]+$", re.IGNORECASE)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(project: str = PROJECT) -> list[metadata.Distribution]:
    """The installed distributions ``project`` needs at run time, recursively, sorted by name."""
    env = {**default_environment(), "extra": ""}
    seen: dict[str, metadata.Distribution] = {}
    todo = [project]
    while todo:
        dist = metadata.distribution(todo.pop())
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            key = normalise(req.name)
            if key not in seen and key != normalise(project):
                seen[key] = metadata.distribution(req.name)
                todo.append(req.name)
    return sorted(seen.values(), key=lambda d: normalise(d.metadata["Name"]))


def declared_licence(dist: metadata.Distribution) -> str:
    md = dist.metadata
    expression = md.get("License-Expression")
    if expression:
        return expression
    text = (md.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 120:
        return text
    classifiers = [c.split(" :: ")[-1] for c in md.get_all("Classifier") or [] if c.startswith("License ::")]
    return "; ".join(classifiers) or (text.splitlines()[0] if text else "not declared (see the licence files)")


def home_page(dist: metadata.Distribution) -> str:
    md = dist.metadata
    if md.get("Home-page"):
        return md["Home-page"]
    for url in md.get_all("Project-URL") or []:
        label, _, link = url.partition(",")
        if label.strip().lower() in {"homepage", "home", "source", "repository", "source code"}:
            return link.strip()
    return "-"


def licence_files(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(path, text) of every licence-like file the distribution installed."""
    found = []
    for f in dist.files or []:
        path = str(f).replace("\\", "/")
        if path.endswith((".py", ".pyc", ".json")) or not LICENCE_FILE.search(path):
            continue
        try:
            found.append((path, Path(dist.locate_file(f)).read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    return found


def standard_texts(licence: str) -> list[tuple[str, str]]:
    """The (L)GPL-3.0 texts for a distribution that declares them but installs no licence file (PySide6)."""
    if "LGPL-3.0" not in licence:
        return []
    return [(f"packaging/licenses/{name} (the licence's standard text)",
             (STANDARD_TEXTS / name).read_text(encoding="utf-8")) for name in ("LGPL-3.0.txt", "GPL-3.0.txt")]


def bundled_libraries(dist: metadata.Distribution) -> list[str]:
    """Native libraries vendored into the wheel by auditwheel/delocate (``*.libs/``, ``.dylibs/``)."""
    names = []
    for f in dist.files or []:
        parts = Path(str(f)).parts
        if len(parts) >= 2 and (parts[0].endswith(".libs") or parts[-2] == ".dylibs"):
            names.append(parts[-1])
    return sorted(names)


def copyleft_notes(dists: Iterable[metadata.Distribution]) -> list[str]:
    """What is LGPL or GPL among the bundled binaries, from each distribution's own statements."""
    by_name = {normalise(d.metadata["Name"]): d for d in dists}
    notes = []
    for key in ("pyside6-essentials", "shiboken6"):
        if key in by_name:
            d = by_name[key]
            notes.append(
                f"- {d.metadata['Name']} {d.version} (Qt for Python and the Qt libraries it ships): "
                f"{declared_licence(d)}. Verify Bench uses it under the LGPL-3.0: the Qt libraries are "
                "shipped unmodified as separate shared libraries that a user may replace; the Qt sources "
                "are at https://download.qt.io/official_releases/qt/ and "
                "https://code.qt.io/cgit/pyside/pyside-setup.git/.")
    if "av" in by_name:
        notes.append(_ffmpeg_note(by_name["av"]))
    if "pillow-heif" in by_name:
        d = by_name["pillow-heif"]
        bundled = [text for path, text in licence_files(d) if "bundled" in path.lower()]
        summary = bundled[0].splitlines()[1].strip() if bundled and len(bundled[0].splitlines()) > 1 else ""
        notes.append(
            f"- pillow-heif {d.version}: source {declared_licence(d)}; its wheel bundles libheif and libde265 "
            f"(LGPL-3.0) and x265 (GPL-2.0): {summary or 'see LICENSES_bundled.txt below'}")
    if "opencv-python-headless" in by_name:
        d = by_name["opencv-python-headless"]
        ffmpeg = [lib for lib in bundled_libraries(d) if lib.startswith(("libav", "libsw"))]
        notes.append(
            f"- opencv-python-headless {d.version}: {declared_licence(d)}; its wheel bundles FFmpeg "
            f"({', '.join(ffmpeg) or 'see LICENSE-3RD-PARTY.txt'}) built under the LGPL-2.1-or-later "
            "(LICENSE-3RD-PARTY.txt below). Verify Bench does not import OpenCV; packaged builds leave it out.")
    notes.append(
        "\nVerify Bench itself is GPL-3.0-or-later, which is compatible with every licence above; a "
        "packaged build as a whole is distributed under the GPL-3.0-or-later.")
    return notes


def _ffmpeg_note(d: metadata.Distribution) -> str:
    try:
        import av._core

        meta = av._core.library_meta["libavutil"]
        licence, configuration = meta["license"], meta["configuration"]
    except Exception as exc:  # noqa: BLE001 - a note must still be written when PyAV cannot load
        licence, configuration = f"unknown (PyAV did not load: {exc})", ""
    gpl_libs = [flag.removeprefix("--enable-") for flag in ("--enable-libx264", "--enable-libx265")
                if flag in configuration]
    ffmpeg = [lib for lib in bundled_libraries(d) if lib.startswith(("libav", "libsw"))]
    text = (f"- av (PyAV) {d.version}: {declared_licence(d)}; its wheel bundles FFmpeg "
            f"({', '.join(ffmpeg) or 'shared libraries'}), which reports its licence as '{licence}'")
    if gpl_libs:
        text += (f", built with {' and '.join(gpl_libs)} (GPL-2.0-or-later encoders, also bundled), so the "
                 "bundled FFmpeg as a whole is under the GPL")
    return text + ". Sources: https://ffmpeg.org/download.html, https://github.com/PyAV-Org/pyav-ffmpeg."


def render(dists: list[metadata.Distribution]) -> str:
    version = metadata.version(PROJECT)
    lines = [
        "THIRD-PARTY LICENCES",
        "",
        f"Verify Bench {version} (GPL-3.0-or-later) uses the software below. This file is generated by",
        "scripts/third_party_licenses.py from the installed distributions; do not edit it by hand.",
        f"Python {sys.version.split()[0]} on {sys.platform}.",
        "",
        "SUMMARY",
        "",
    ]
    width = max(len(d.metadata["Name"]) for d in dists)
    lines += [f"  {d.metadata['Name']:<{width}}  {d.version:<12}  {declared_licence(d)}" for d in dists]
    lines += ["", "COPYLEFT COMPONENTS (LGPL, GPL)", ""] + copyleft_notes(dists) + [""]
    for d in dists:
        lines += ["", "=" * 100, f"## {d.metadata['Name']} {d.version}", "=" * 100,
                  f"Licence: {declared_licence(d)}", f"Home page: {home_page(d)}"]
        libs = bundled_libraries(d)
        if libs:
            lines.append("Bundled native libraries: " + ", ".join(libs))
        texts = licence_files(d) or standard_texts(declared_licence(d))
        if not texts:
            lines.append("(no licence file installed; see the home page)")
        for path, text in texts:
            lines += ["", f"--- {path} ---", text.rstrip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "THIRD-PARTY-LICENSES")
    args = parser.parse_args(argv)
    dists = runtime_distributions()
    args.output.write_text(render(dists), encoding="utf-8")
    print(f"wrote {args.output}: {len(dists)} distributions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
