"""Cases built through the real command line, for the tampering, independent-verifier and false-alarm tests.

Everything here goes through ``verify-bench`` (click's runner, in process): profiles, ``init``, ``import``,
the workflow commands, ``locate``, ``tag`` and ``verify``. A test then damages or moves a copy of the case.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.factory import make_jpeg, make_png
from verify_bench import profiles
from verify_bench.cli import main

LEAD = "rl-lead"
INVESTIGATOR = "rl-inv"
REPO = Path(__file__).resolve().parents[2]
INDEPENDENT = REPO / "docs" / "verify_case.py"


class CliFailed(AssertionError):
    """A command ended with a traceback or an unexpected exit status."""


def cli(*args: str, code: int | None = 0) -> str:
    """Run ``verify-bench ARGS``; a Python exception escaping the command is always a failure."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise CliFailed(f"verify-bench {' '.join(args)} raised {result.exception!r}\n{result.output}") from result.exception
    if code is not None and result.exit_code != code:
        raise CliFailed(f"verify-bench {' '.join(args)} exited {result.exit_code}, not {code}:\n{result.output}")
    return result.stdout


def cli_json(*args: str, code: int | None = 0) -> Any:
    return json.loads(cli(*args, "--json", code=code))


def ensure_people() -> None:
    """The lead and the investigator who act in every built case (profiles in the session's config folder)."""
    existing = {p.name for p in profiles.list_profiles()}
    if LEAD not in existing:
        cli("profile", "create", LEAD, "--role", "lead")
    if INVESTIGATOR not in existing:
        cli("profile", "create", INVESTIGATOR)


@dataclass(frozen=True)
class Built:
    root: Path
    items: list[str]           # item ids in import order
    older_db: Path             # a copy of case.sqlite taken after the first import only
    head: str                  # "SEQ:HASH" of the finished case, as `verify --json` exports it


def verify_json(root: Path, *extra: str) -> dict[str, Any]:
    """``verify --json`` (exit 0 or 1 both allowed; anything else is a failure)."""
    result = CliRunner().invoke(main, ["verify", str(root), *extra, "--json"], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise CliFailed(f"verify raised {result.exception!r}") from result.exception
    if result.exit_code not in (0, 1):
        raise CliFailed(f"verify exited {result.exit_code}: {result.output}")
    if result.exit_code == 1 and not result.stdout.lstrip().startswith("{"):
        return {"refused": result.output.strip()}
    return json.loads(result.stdout)


def verify_codes(root: Path, *extra: str) -> tuple[set[str], set[str]]:
    """(error codes, notice codes) that ``verify`` reports; ({"refused"}, set()) when it cannot read the case."""
    report = verify_json(root, *extra)
    if "refused" in report:
        return {"refused"}, set()
    errors = {f["code"] for f in report["findings"] if f["severity"] == "error"}
    notices = {f["code"] for f in report["findings"] if f["severity"] != "error"}
    return errors, notices


def independent(root: Path, *extra: str) -> tuple[int, set[str], set[str]]:
    """Run ``docs/verify_case.py`` as a sceptical reader would: exit status, problem codes, notice codes."""
    proc = subprocess.run([sys.executable, "-I", str(INDEPENDENT), str(root), *extra], check=False, capture_output=True,
                          text=True, timeout=300)
    if proc.returncode not in (0, 1, 2) or "Traceback" in proc.stderr:
        raise CliFailed(f"verify_case.py exited {proc.returncode}: {proc.stderr}")

    def codes(prefix: str) -> set[str]:
        return {line[len(prefix):].split("]", 1)[0] for line in proc.stdout.splitlines() if line.startswith(prefix)}

    return proc.returncode, codes("PROBLEM ["), codes("NOTICE [")


def build_case(folder: Path, *, seed: int = 0, workflow: bool = True) -> Built:
    """A case with two imports (three then one picture) and, with ``workflow``, a lead's and an investigator's work.

    Its last event is a comment, so a cut-off tail loses one comment.
    """
    ensure_people()
    inputs = folder / "inputs"
    (inputs / "first").mkdir(parents=True)
    (inputs / "second").mkdir()
    for i in range(3):
        (inputs / "first" / f"photo {i}.jpg").write_bytes(make_jpeg(seed=seed * 10 + i))
    (inputs / "second" / "later.png").write_bytes(make_png(seed=seed + 2))
    root = folder / "case.vbcase"
    cli("init", str(root), "--as", LEAD)
    cli("import", str(root), str(inputs / "first"), "--workers", "1", "--as", INVESTIGATOR)
    older = folder / "older.sqlite"
    checkpoint(root)
    shutil.copy(root / "case.sqlite", older)
    cli("import", str(root), str(inputs / "second"), "--workers", "1", "--as", INVESTIGATOR)
    items = [row["id"] for row in cli_json("items", str(root))]
    if workflow:
        a, b = items[0], items[1]
        cli("assign", str(root), a, b, "--to", INVESTIGATOR, "--as", LEAD)
        cli("check", str(root), a, "location", "pass", "--note", "minaret matches", "--as", INVESTIGATOR)
        cli("locate", str(root), a, "--lat", "31.2801", "--lon", "34.2502", "--precision", "50", "--method", "landmark_match",
            "--as", INVESTIGATOR)
        cli("tag", str(root), a, "--region", "10,10,60,40", "--category", "other", "--markings", "LOT 7",
            "--as", INVESTIGATOR)
        cli("comment", str(root), b, "first look: shadows fit mid-morning", "--as", INVESTIGATOR)
        cli("submit", str(root), a, "--as", INVESTIGATOR)
        cli("review", "approve", str(root), a, "--as", LEAD)
        cli("comment", str(root), b, "still looking for the source", "--as", INVESTIGATOR)
    report = verify_json(root)
    return Built(root, items, older, f"{report['head_seq']}:{report['head_hash']}")


def checkpoint(root: Path) -> None:
    """Merge the write-ahead log into case.sqlite (what closing the app does)."""
    conn = sqlite3.connect(root / "case.sqlite")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def copy_case(built: Built, dest: Path) -> Built:
    """A private copy of a built case (the folder and its older database) for one test to damage."""
    dest.mkdir(parents=True, exist_ok=True)
    root = dest / built.root.name
    shutil.copytree(built.root, root, symlinks=True)
    older = dest / built.older_db.name
    shutil.copy(built.older_db, older)
    return Built(root, list(built.items), older, built.head)
