"""Run the reliability battery and write its figures to docs/reliability.md.

    python scripts/reliability.py            # the full battery (long: every file, every kill)
    python scripts/reliability.py --ci       # the subset CI runs, for a quick look
    python scripts/reliability.py --output /tmp/r.md -- -k hostile   # extra pytest arguments after --
    python scripts/reliability.py --keep DIR -- -k "not state"       # a battery in parts: figures and
    python scripts/reliability.py --keep DIR -- -k state             # results gather in DIR, and the
    python scripts/reliability.py --keep DIR --render-only           # page is written from all of them

Runs ``pytest tests/reliability`` with ``VB_RELIABILITY_FULL=1`` (unless ``--ci``), its own
``--basetemp`` and ``VB_FIGURES_DIR`` in a fresh temporary folder, then collects every
``*.jsonl`` figure file the tests wrote (one per section) and the per-test results from a JUnit
XML report. The page lists each figure with its section, the date, the exact command, the
environment, and every test that failed or was skipped (with the reason), so a reader can tell
a figure that was measured from one that was not. Exit status: pytest's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = "tests/reliability"

#: Known sections, in the issue's order; others follow in alphabetical order.
SECTIONS = {
    "hostile_images": "1. Hostile images",
    "hostile_video": "2. Hostile video and playlists",
    "worker_faults": "3. Worker faults",
    "crash_safety": "4. Crash safety",
    "io_errors": "5. I/O errors and a full disk",
    "tampering": "6. Tampering",
    "independent verifier": "7. The independent verifier",
    "names": "8. Names and folders",
    "archives": "9. Archives",
    "model consistency": "10. Model consistency",
    "fuzzing": "11. Fuzzing our own parsers",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ci", action="store_true", help="run the CI subset instead of the full battery")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "reliability.md", help="page to write")
    parser.add_argument("--keep", type=Path, help="keep figures and test results in this folder, added to what it "
                        "already holds (a battery run in parts); default: a temporary folder")
    parser.add_argument("--render-only", action="store_true", help="only write the page from --keep's folder")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    if args.render_only and args.keep is None:
        parser.error("--render-only needs --keep")

    status = 0
    with tempfile.TemporaryDirectory(prefix="vb-reliability-") as tmp:
        store = args.keep or Path(tmp)
        store.mkdir(parents=True, exist_ok=True)
        if not args.render_only:
            status = _run(store, Path(tmp), ci=args.ci, extra=args.pytest_args)
        figures = _read_figures(store)
        results = _read_junit(store)
        runs = (store / RUNS).read_text(encoding="utf-8").splitlines() if (store / RUNS).is_file() else []
    args.output.write_text(render(figures, results, runs), encoding="utf-8")
    print(f"wrote {args.output} ({sum(len(v) for v in figures.values())} figures; pytest exit status {status})")
    return status


RUNS = "runs.txt"


def _run(store: Path, scratch: Path, *, ci: bool, extra: list[str]) -> int:
    """One pytest run; its figures and JUnit report land in ``store``, and a line describing it in runs.txt."""
    junit = store / f"junit-{time.strftime('%Y%m%dT%H%M%S')}.xml"
    command = [sys.executable, "-m", "pytest", TESTS, "-q", "-p", "no:cacheprovider", "-rfEs",
               f"--basetemp={scratch / 'pytest'}", f"--junitxml={junit}", *extra]
    env = {**os.environ, "VB_FIGURES_DIR": str(store)}
    if ci:
        env.pop("VB_RELIABILITY_FULL", None)
    else:
        env["VB_RELIABILITY_FULL"] = "1"
    started = time.monotonic()
    status = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    shown = "python scripts/reliability.py" + (" --ci" if ci else "") + (" -- " + shlex.join(extra) if extra else "")
    with open(store / RUNS, "a", encoding="utf-8") as f:
        f.write(f"`{shown}` ({'CI subset' if ci else 'full battery'}), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())},"
                f" {(time.monotonic() - started) / 60:.1f} min, pytest exit status {status}\n")
    return status


def _read_figures(folder: Path) -> dict[str, list[dict]]:
    sections: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                sections[record["section"]].append(record)
    return dict(sections)


def _read_junit(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """Test ids by result (passed, failed, skipped, with the message) from every JUnit report in ``folder``."""
    results: dict[str, list[tuple[str, str]]] = {"passed": [], "failed": [], "skipped": []}
    cases = [c for path in sorted(folder.glob("junit*.xml")) for c in ET.parse(path).getroot().iter("testcase")]
    for case in cases:
        name = f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}"
        outcome = next((child for child in case if child.tag in ("failure", "error", "skipped")), None)
        if outcome is None:
            results["passed"].append((name, ""))
        elif outcome.tag == "skipped":
            results["skipped"].append((name, (outcome.get("message") or "").strip()))
        else:
            results["failed"].append((name, (outcome.get("message") or "").strip().splitlines()[0][:200]))
    return results


def _cell(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("|", "\\|").replace("\n", " ")


def render(figures: dict[str, list[dict]], results: dict[str, list[tuple[str, str]]], runs: list[str]) -> str:
    order = [s for s in SECTIONS if s in figures] + sorted(s for s in figures if s not in SECTIONS)
    lines = [
        "# Reliability battery: figures",
        "",
        "Written by `scripts/reliability.py` — do not edit by hand; re-run it. What each test does and why is",
        "in the docstrings of `tests/reliability/test_*.py`; the hostile inputs they use are described in",
        "`../shared/HOSTILE-INPUT.md` (kept outside the repository). Pillow's test and fuzzer images come",
        "from the Pillow sdist on PyPI at a pinned version and SHA-256, downloaded into",
        "`~/.cache/verify-bench-tests/` with Pillow's `LICENSE` beside them; they are not part of this",
        "repository. Wall times depend on the machine and its load; the counts do not.",
        "",
        f"- Written: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        *[f"- Run: {run}" for run in runs],
        f"- Tests: {len(results['passed'])} passed, {len(results['failed'])} failed, {len(results['skipped'])} skipped",
        (f"- Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
         f"Python {platform.python_version()}{_versions()}"),
        "",
    ]
    if results["failed"]:
        lines += ["## Failed", "", *[f"- `{name}`: {_cell(message)}" for name, message in results["failed"]], ""]
    for section in order:
        lines += [f"## {SECTIONS.get(section, section.replace('_', ' ').capitalize())}", "", "| figure | value |",
                  "| --- | --- |"]
        mixed = len({r["full"] for r in figures[section]}) > 1  # parts of this section ran at both sizes
        lines += [f"| {_cell(r['name'])}{' (CI size)' if mixed and not r['full'] else ''} | {_cell(r['value'])} |"
                  for r in figures[section]]
        lines.append("")
    if results["skipped"]:
        lines += ["## Not measured in this run (skipped tests)", "",
                  *[f"- `{name}`: {_cell(message)}" for name, message in results["skipped"]], ""]
    return "\n".join(lines)


def _versions() -> str:
    found = []
    for module, label in (("PIL", "Pillow"), ("av", "PyAV"), ("exifread", "exifread")):
        try:
            found.append(f"{label} {__import__(module).__version__}")
        except ImportError:  # a missing optional library is just not listed
            continue
    return "; " + ", ".join(found) if found else ""


if __name__ == "__main__":
    sys.exit(main())
