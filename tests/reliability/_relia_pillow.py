"""Pillow's own test images, from the Pillow source distribution on PyPI at a pinned version.

The sdist is downloaded once into a cache folder (``$VB_TEST_CACHE`` or
``~/.cache/verify-bench-tests``), its SHA-256 checked, and ``Tests/images/`` extracted beside
Pillow's ``LICENSE`` (the images are Pillow's, under its licence: keep the file with them).
Offline, or when the download fails, the tests that need them are skipped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import urllib.request
from pathlib import Path

PILLOW_VERSION = "13.0.0"
SDIST_URL = ("https://files.pythonhosted.org/packages/ce/a4/9cc30690a394a8305e8be4c9036aa16d0dfddadd09079860b582f562496d/"
             f"pillow-{PILLOW_VERSION}.tar.gz")
SDIST_SHA256 = "cdcd1ba258178f7356d74170c9a81ba4eab6a5d55748bc402a5a2a6fe6be3510"
#: Names of files Pillow's fuzzers found crashes, timeouts or runaway allocations with.
FUZZER_PREFIXES = ("crash", "timeout", "oom", "hopper_bad", "broken", "truncated", "invalid", "bad", "fli_oob",
                   "ossfuzz", "libtiff_segfault", "sgi_overrun", "pcx_overrun", "tiff_wrong_bits", "zero")


class Unavailable(Exception):
    """The images could not be fetched (offline, or a bad download)."""


def cache_root() -> Path:
    return Path(os.environ.get("VB_TEST_CACHE") or Path.home() / ".cache" / "verify-bench-tests")


def pillow_test_images() -> Path:
    """The folder holding Pillow's ``Tests/images`` (as ``images/``) and its ``LICENSE``."""
    folder = cache_root() / f"pillow-{PILLOW_VERSION}"
    done = folder / ".complete"
    if done.is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    sdist = folder.parent / f"pillow-{PILLOW_VERSION}.tar.gz"
    if not (sdist.is_file() and _sha256(sdist) == SDIST_SHA256):
        partial = sdist.with_suffix(".part")
        try:
            with urllib.request.urlopen(SDIST_URL, timeout=60) as response, open(partial, "wb") as out:
                shutil.copyfileobj(response, out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise Unavailable(f"cannot download Pillow {PILLOW_VERSION}'s sdist: {exc}") from exc
        if _sha256(partial) != SDIST_SHA256:
            partial.unlink()
            raise Unavailable("the downloaded Pillow sdist does not have the pinned SHA-256")
        partial.replace(sdist)
    shutil.rmtree(folder, ignore_errors=True)
    prefix = f"pillow-{PILLOW_VERSION}/"
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and (
            m.name == prefix + "LICENSE" or m.name.startswith(prefix + "Tests/images/"))]
        for m in members:
            m.name = "LICENSE" if m.name == prefix + "LICENSE" else "images/" + m.name[len(prefix + "Tests/images/"):]
        tar.extractall(folder, members=members, filter="data")
    done.write_text(SDIST_SHA256 + "\n")
    return folder


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(2**20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ci_subset(images: Path, every: int = 30) -> list[Path]:
    """The fuzzer finds plus every ``every``-th other file, in a stable order."""
    files = sorted(p for p in images.rglob("*") if p.is_file())
    fuzz = [p for p in files if p.name.lower().startswith(FUZZER_PREFIXES)]
    rest = [p for p in files if p not in set(fuzz)]
    return fuzz + rest[::every]
