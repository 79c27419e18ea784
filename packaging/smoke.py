"""Smoke test of the desktop app: start offscreen, open the sample case, import a file, report, verify, exit.

Runs against a packaged build (``dist/verify-bench/verify-bench --smoke``) or a source install
(``python packaging/smoke.py``). Everything it writes (settings, profile keys, cases) goes to a
temporary folder, or to ``--work DIR`` when the caller wants to look at the case afterwards.
Prints one ``key=value`` line per step and exits 0 only if every step passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="verify-bench --smoke", description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep settings, profile and cases in DIR (default: a temp folder)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds allowed for each step")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="vb-smoke-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["VERIFY_BENCH_CONFIG_DIR"] = str(work / "config")  # profile keys: never the user's own
    os.environ["VERIFY_BENCH_ACTOR"] = "smoke"
    try:
        return _run(work, args.timeout)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, timeout: float) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))

    from verify_bench import __version__
    from verify_bench.gui.app import make_app
    from verify_bench.gui.main_window import MainWindow
    from verify_bench.verify import verify_case

    def wait(what: str, condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
            QApplication.processEvents()
            time.sleep(0.02)

    report = print
    report(f"version={__version__}")
    app = make_app()
    window = MainWindow(sample_path=work / "sample.vbcase")
    window.show()
    wait("the window", window.isVisible)
    QApplication.processEvents()
    report(f"window_shown_at={time.time():.3f}")

    window.open_sample()
    wait("the sample case", lambda: window.workspace is not None and window.workspace.model.rowCount() > 0)
    ws = window.workspace
    assert ws is not None
    before = ws.session.case.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    report(f"sample_items={before}")

    incoming = work / "incoming.jpg"
    _write_photo(incoming)
    ws.import_paths([incoming])
    wait("the import", lambda: not ws.imports.running and ws.session.case.conn.execute(
        "SELECT count(*) FROM items").fetchone()[0] > before)
    analysed = ws.session.case.conn.execute(
        "SELECT analysis FROM items ORDER BY imported_seq DESC LIMIT 1").fetchone()[0]
    report(f"imported=1 analysis={analysed}")

    case_root = ws.session.root
    window.close()
    app.processEvents()
    reported = _report(case_root, work)
    report(f"report={reported}")
    result = verify_case(case_root)
    report(f"verify={'ok' if result.ok else 'FAILED'} originals={result.originals_checked}")
    report(f"case={case_root}")
    ok = result.ok and analysed == "ok" and reported in ("ok", "absent")
    report("smoke=" + ("passed" if ok else "failed"))
    return 0 if ok else 1


def _report(case_root: Path, work: Path) -> str:
    """Export a report of the case and re-check it through the command line ("absent" in builds without it)."""
    import contextlib
    import io
    import json

    from verify_bench.cli import main as cli

    if "report" not in cli.commands:
        return "absent"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main(["report", str(case_root), "--out", str(work / "exports"), "--json"], prog_name="verify-bench",
                 standalone_mode=False)
    export = json.loads(out.getvalue())["path"]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main(["check-report", export], prog_name="verify-bench", standalone_mode=False)
    except SystemExit as exit_:
        return "ok" if exit_.code == 0 else f"check-report-failed:{exit_.code}"
    return "ok"


def _write_photo(path: Path) -> None:
    """A small JPEG that is new to the sample case (a gradient the samples do not contain)."""
    from PIL import Image

    picture = Image.linear_gradient("L").resize((320, 240)).convert("RGB")
    picture.save(path, quality=90)


if __name__ == "__main__":
    sys.exit(main())
