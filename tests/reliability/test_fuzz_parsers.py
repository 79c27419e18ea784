"""Battery 11: our own parsers, fuzzed with hypothesis.

Each parser of untrusted or typed input must, for any input, return a sound value or raise its own error
class with a message; never another exception. The parsers: yt-dlp sidecar JSON, coordinates in every
form (decimal, DMS, map URLs, ``geo:`` URIs, MGRS, plus codes), ISO 6709 strings from video metadata, the
archive walker (generated zip and tar bytes, then damaged), and the command line (random arguments never
end in a traceback). Inputs that once broke a parser are kept under ``regressions/`` and replayed first.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from verify_bench import events as ev
from verify_bench.cli import main
from verify_bench.geo import gridrefs, urls
from verify_bench.geo.coords import ParsedPoint, parse_point
from verify_bench.geo.errors import CoordinateError
from verify_bench.ingest.archives import ArchiveError, ArchiveLimits, extract_archive
from verify_bench.media.video import parse_iso6709
from verify_bench.metadata.sidecars import SidecarError, read_info_json, sidecar_fields

from ._relib_cases import INDEPENDENT
from .conftest import full_or

REGRESSIONS = Path(__file__).parent / "regressions"
FUZZ = settings(max_examples=full_or(150, 3000), deadline=None, database=None, derandomize=not os.environ.get(
    "VB_RELIABILITY_FULL"), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---- sidecar JSON ---------------------------------------------------------------------------------

SIDECAR_KEYS = ("title", "description", "uploader", "uploader_id", "channel", "webpage_url", "upload_date",
                "timestamp", "duration", "id", "extractor", "extractor_key")
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                      st.text(), st.sampled_from(["20240229", "20231301", "99999999", "2024011", "\ud800", "\udfff"]))
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
sidecar_bytes = st.one_of(
    st.binary(max_size=400),
    st.dictionaries(st.sampled_from(SIDECAR_KEYS) | st.text(max_size=10), json_value, max_size=12).map(
        lambda d: json.dumps(d).encode()),
    st.builds(lambda depth, open_: (open_ * depth).encode(), st.integers(1, 5000), st.sampled_from(["[", '{"a":'])),
    st.sampled_from([b'{"duration": 1e999, "timestamp": -1e999}', b'{"title": NaN}', b'\xef\xbb\xbf{"id": 1}',
                     b'{"title": "\\ud800"}', b'{"upload_date": "\xff\xfe"}']),
)


def _check_sidecar(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.info.json"
        path.write_bytes(data)
        try:
            record = read_info_json(path)
        except SidecarError as exc:
            assert str(exc)
            return
    fields = sidecar_fields(record)
    # Whatever a sidecar says is recorded in an event: it must have a canonical, UTF-8 form.
    ev.canonical_json(asdict(record)).encode("utf-8")
    ev.canonical_json([asdict(f) for f in fields]).encode("utf-8")
    assert record.duration is None or (math.isfinite(record.duration) and record.duration >= 0)


@FUZZ
@given(sidecar_bytes)
def test_fuzz_sidecar_json(data: bytes):
    _check_sidecar(data)


# ---- coordinates ----------------------------------------------------------------------------------

coordinate_pieces = st.sampled_from([
    "31.5", "-34.46", "+051", "° ", "'", '"', "′", "″", "N", "S", "E", "W", ",", ";", " ", ".", "..", "60", "1e5",
    "geo:", "geo:31.5,34.4;u=", "https://www.google.com/maps/@", "https://www.openstreetmap.org/#map=17/",
    "?q=", "&ll=", "/", "+", "36R XV ", "39298 86130", "8G3PGF28+", "MPM", "Q7RX+2V", "CRS", "http://[", "::1",
    "]:99999", "%", "\u2212", "\x00", "\ud800", "\n", "٣١٫٥", "３１．５", "9" * 400, "-0", "0000",
])
coordinate_text = st.one_of(st.text(max_size=80), st.lists(coordinate_pieces, max_size=10).map("".join))


def _check_point(point: ParsedPoint) -> None:
    assert isinstance(point, ParsedPoint)
    assert math.isfinite(point.lat) and -90 <= point.lat <= 90, point
    assert math.isfinite(point.lon) and -180 <= point.lon <= 180, point
    assert point.precision_m is None or (math.isfinite(point.precision_m) and point.precision_m >= 0), point


def _check_coordinates(text: str) -> None:
    for parse in (parse_point, urls.parse_map_url, urls.parse_geo_uri, gridrefs.parse_mgrs, gridrefs.parse_plus_code):
        try:
            point = parse(text)
        except CoordinateError as exc:
            assert str(exc)
            continue
        _check_point(point)
    try:
        _check_point(parse_point(text, near=(31.5, 34.46)))
    except CoordinateError:
        pass


@FUZZ
@given(coordinate_text)
@example("http://[::1")
@example("geo:1,2;u=nan")
def test_fuzz_coordinates(text: str):
    _check_coordinates(text)


# ---- ISO 6709 -------------------------------------------------------------------------------------

iso_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(["+", "-", "0", "1", "5", "9", "59", "60", ".", "/", "CRS", "WGS_84", " ", "123456",
                              "9" * 30]), max_size=12).map("".join),
)


def _check_iso6709(text: str) -> None:
    try:
        lat, lon, alt = parse_iso6709(text)
    except ValueError as exc:
        assert str(exc)
        return
    assert -90 <= lat <= 90 and -180 <= lon <= 180
    assert alt is None or isinstance(alt, float)


@FUZZ
@given(iso_text)
def test_fuzz_iso6709(text: str):
    _check_iso6709(text)


# ---- the archive walker ---------------------------------------------------------------------------

member_names = st.one_of(st.text(min_size=1, max_size=30), st.sampled_from(
    ["../x", "/abs", "C:\\x", "a/../../b", "a\\..\\b", "CON", "x\x00y", "dir/", ".", "a" * 300, "\udcff.jpg"]))


@st.composite
def archives(draw: st.DrawFn) -> bytes:
    """A zip or tar (maybe gzipped) built from drawn members, then maybe damaged."""
    members = draw(st.lists(st.tuples(member_names, st.binary(max_size=200)), max_size=6))
    buf = io.BytesIO()
    if draw(st.booleans()):
        with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", compression=draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))) as zf:
            warnings.simplefilter("ignore")   # duplicate names are wanted here
            for name, data in members:
                try:
                    zf.writestr(name, data)
                except (ValueError, IndexError):  # names zipfile itself cannot write ("\x00" becomes "")
                    pass
    else:
        mode = draw(st.sampled_from(["w", "w:gz"]))
        with tarfile.open(fileobj=buf, mode=mode, format=draw(st.sampled_from([tarfile.GNU_FORMAT, tarfile.PAX_FORMAT]))) as tf:
            for name, data in members:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.type = draw(st.sampled_from([tarfile.REGTYPE, tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE,
                                                  tarfile.DIRTYPE, tarfile.FIFOTYPE]))
                info.linkname = draw(st.sampled_from(["", "../../etc/passwd", "/etc/passwd", name]))
                try:
                    tf.addfile(info, io.BytesIO(data) if info.type == tarfile.REGTYPE else None)
                except (ValueError, UnicodeEncodeError):
                    pass
    data = bytearray(buf.getvalue())
    for position, value in draw(st.lists(st.tuples(st.integers(0, max(0, len(data) - 1)), st.integers(0, 255)),
                                         max_size=4)):
        if data:
            data[position] = value
    cut = draw(st.one_of(st.none(), st.integers(0, len(data))))
    return bytes(data if cut is None else data[:cut])


def _check_archive(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        source = base / "input.bin"
        source.write_bytes(data)
        dest = base / "out"
        try:
            result = extract_archive(source, dest, limits=ArchiveLimits(max_total_bytes=10**6, max_members=50))
        except ArchiveError as exc:
            assert str(exc) and exc.reason
        else:
            for f in result.files:
                assert f.path.resolve().is_relative_to(dest.resolve()) and f.path.is_file()
                assert not f.path.is_symlink()
        outside = {p.name for p in base.iterdir()}
        assert outside <= {"input.bin", "out"}, f"written outside the destination: {outside}"
        for p in dest.rglob("*") if dest.exists() else ():
            assert p.is_dir() or (p.is_file() and not p.is_symlink()), p


@FUZZ
@given(archives())
def test_fuzz_archive_walker(data: bytes):
    _check_archive(data)


# ---- the command line -----------------------------------------------------------------------------

COMMANDS = ["init", "items", "show", "log", "verify", "dupes", "similar", "locate", "locations", "accept-location",
            "withdraw-location", "coords", "export-geo", "sun", "shadow-band", "times", "claim-time", "timeline",
            "time-of-day", "incident", "layers", "areas", "tag", "fragments", "status", "assign", "check", "comment",
            "submit", "review", "queue", "profile", "people"]
OPTIONS = ["--json", "--as", "--lat", "--lon", "--at", "--mgrs", "--plus-code", "--near", "--precision", "--method",
           "--set", "--comment", "--to", "--nobody", "--note", "--region", "--point", "--polygon", "--frame",
           "--category", "--cage", "--nsn", "--manufactured", "--since", "--until", "--limit", "--kind", "--item",
           "--expect-head", "--verdict", "--date", "--time", "--zone", "--role", "-h", "--version", "--format"]
VALUES = ["31.5", "-200", "nan", "inf", "1e309", "0", "-1", "99999999999999999999", "", " ", "x", "lead",
          "landmark_match", "verified", "1,2,3,4", "1,2;3,4;5,6", "2024-02-30", "25:61", "Mars/Olympus",
          "../../etc", "-", "--", "36R XV 39298 86130", "8G3PGF28+MPM",
          "geo:91,0", "http://[::1", "🙂" * 50, "9" * 400]


def _cli_args(case: str, item: str) -> st.SearchStrategy[list[str]]:
    # A real command line cannot hold NUL; bytes that are not UTF-8 are replayed as real processes (regressions).
    text = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=12)
    token = st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES), st.just(case), st.just(item),
                      st.just(item[:8]), text)
    return st.tuples(st.sampled_from(COMMANDS), st.lists(token, max_size=7)).map(lambda t: [t[0], *t[1]])


def _check_cli(args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):  # ``init x`` lands in it
        result = CliRunner().invoke(main, args, catch_exceptions=True)
    escaped = result.exception
    assert escaped is None or isinstance(escaped, SystemExit), (
        f"verify-bench {args!r} ended with {type(escaped).__name__}: {escaped}\n{result.output}")
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def cli_case(relib_built, tmp_path_factory) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """A scratch copy of the shared case, and a config folder of its own (random ``profile`` commands must not
    change the profiles other tests act with)."""
    from ._relib_cases import copy_case

    scratch = copy_case(relib_built, tmp_path_factory.mktemp("cli-fuzz"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VERIFY_BENCH_CONFIG_DIR", str(tmp_path_factory.mktemp("cli-fuzz-config")))
        yield str(scratch.root), scratch.items[1]


@settings(FUZZ, max_examples=full_or(60, 1500))
@given(data=st.data())
def test_fuzz_cli_arguments(data: st.DataObject, cli_case: tuple[str, str]):
    _check_cli(data.draw(_cli_args(*cli_case)))


# ---- replaying what fuzzing found -----------------------------------------------------------------
# regressions/<parser>/<name>: sidecar/*.info.json are sidecar files; coordinates|iso6709/*.json hold
# {"input": text}; archive/*.bin are archive bytes; cli/*.json hold {"steps": [argv, ...]}, run as real
# processes (arguments that are not valid UTF-8 reach a real command as bytes, which click's test runner
# cannot show), with {case}, {item} and {tmp} filled in. Each file says what broke and what fixed it.

def _run_cli_steps(steps: list[list[str]], case: str, item: str, tmp: Path) -> None:
    for argv in steps:
        args = [a.replace("{case}", case).replace("{item}", item).replace("{tmp}", str(tmp)) for a in argv]
        proc = subprocess.run([sys.executable, "-m", "verify_bench", *args], check=False, capture_output=True, timeout=120,
                              cwd=tmp)
        stderr = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode in (0, 1, 2) and "Traceback" not in stderr, f"{args!r}: {stderr}"
        if proc.returncode == 0 and args[0] in ("init", "verify") and "{tmp}" in argv[1]:
            independent = subprocess.run([sys.executable, "-I", str(INDEPENDENT), args[1]], check=False, capture_output=True,
                                         timeout=120)
            assert independent.returncode == 0 and b"Traceback" not in independent.stderr, independent.stderr


REGRESSION_FILES = sorted(p for p in REGRESSIONS.rglob("*") if p.is_file())


@pytest.mark.parametrize("path", REGRESSION_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_regression(path: Path, cli_case: tuple[str, str], tmp_path: Path):
    target = path.parent.name
    if target == "sidecar":
        _check_sidecar(path.read_bytes())
    elif target == "archive":
        _check_archive(path.read_bytes())
    elif target in ("coordinates", "iso6709"):
        text = json.loads(path.read_text(encoding="utf-8"))["input"]
        (_check_coordinates if target == "coordinates" else _check_iso6709)(text)
    elif target == "cli":
        _run_cli_steps(json.loads(path.read_text(encoding="utf-8"))["steps"], *cli_case, tmp_path)
    else:
        pytest.fail(f"no replay for regressions/{target}")


def test_there_are_regressions_for_what_was_found(record_figure):
    assert {p.parent.name for p in REGRESSION_FILES} >= {"sidecar", "coordinates", "cli"}
    record_figure("fuzzing", "parsers fuzzed", "sidecar JSON, coordinates (5 parsers), ISO 6709, archive walker, CLI")
    record_figure("fuzzing", "generated inputs per parser (CLI: argument lists)",
                  f"{FUZZ.max_examples} ({full_or(60, 1500)})")
    record_figure("fuzzing", "findings kept as regression files, all fixed and replayed", len(REGRESSION_FILES))
