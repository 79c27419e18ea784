"""Battery 10: random sequences of real commands keep a case consistent.

A hypothesis state machine drives ``verify-bench`` (in process) on one case: imports of small generated
files (new folders, or a folder imported again), workflow actions by a lead, an investigator and a newcomer
(assign, checks, comments, submit, review, reopen, status changes, many of them refused by the rules),
location claims, fragment tags and, where the report feature is installed, report exports. After every
step: ``verify`` is clean (which rebuilds every projection from the log alone and compares it row by row),
every original hashes to the SHA-256 its ``item.imported`` event recorded, the items are exactly the
distinct contents imported, and a refused command left the log as it was. At the end the independent
``docs/verify_case.py`` agrees.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import sqlite3
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from tests.factory import make_jpeg, make_png
from verify_bench.cli import COMMANDS, main

from ._relib_cases import (
    INVESTIGATOR,
    LEAD,
    cli,
    cli_json,
    ensure_people,
    independent,
    verify_codes,
)
from .conftest import full_or

NEWCOMER = "rl-newcomer"
ACTORS = st.sampled_from([LEAD, INVESTIGATOR, NEWCOMER])
REPORTS = importlib.util.find_spec("verify_bench.reports") is not None and "report" in COMMANDS
STATES = ["new", "in_progress", "ready_for_review", "verified", "unverifiable", "false_or_misattributed", "returned"]
CHECK_NAMES = ["source", "earliest_upload", "date_time", "location", "content"]
STATS = {"runs": 0, "accepted": 0, "refused": 0}
METHODS = ["file_metadata", "landmark_match", "satellite_comparison", "shadow_sun", "witness", "other"]


class CaseMachine(RuleBasedStateMachine):
    """One case, the commands people run on it, and what must stay true after each."""

    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="relib-model-"))
        self.root = self.work / "model.vbcase"
        self.folders: list[Path] = []
        self.contents: set[str] = set()    # SHA-256 of every file given to an import
        self.items: list[str] = []
        self.steps = {"accepted": 0, "refused": 0}

    @initialize(seed=st.integers(100, 140))
    def create_case(self, seed: int) -> None:
        """A case with two pictures already in it, so that every rule can run from the first step."""
        ensure_people()
        cli("init", str(self.root), "--as", LEAD)
        self.import_new_folder(["jpeg", "png"], seed, INVESTIGATOR)

    # ---- helpers ------------------------------------------------------------------------------------
    def _run(self, *args: str) -> int:
        """Run a command that the rules may refuse: exit 0, or 1 or 2 with a message and the log untouched."""
        before = self._head()
        result = CliRunner().invoke(main, list(args), catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"verify-bench {args!r} raised {result.exception!r}\n{result.output}")
        assert result.exit_code in (0, 1, 2), f"{args!r} exited {result.exit_code}: {result.output}"
        if result.exit_code:   # 1: refused by the rules; 2: a value the command does not accept
            assert self._head() == before, f"refused {args!r} changed the log: {result.output}"
            assert "Error:" in result.output, result.output
            self.steps["refused"] += 1
        else:
            self.steps["accepted"] += 1
        return result.exit_code

    def _head(self) -> tuple[int, str]:
        conn = sqlite3.connect(self.root / "case.sqlite")
        try:
            return tuple(conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone())
        finally:
            conn.close()

    # ---- rules --------------------------------------------------------------------------------------
    @rule(kinds=st.lists(st.sampled_from(["jpeg", "png", "bytes"]), min_size=1, max_size=3),
          seed=st.integers(0, 40), actor=ACTORS)
    def import_new_folder(self, kinds: list[str], seed: int, actor: str) -> None:
        folder = self.work / f"in{len(self.folders)}"
        folder.mkdir()
        for n, kind in enumerate(kinds):
            if kind == "jpeg":
                data = make_jpeg(seed=seed + n)
            elif kind == "png":
                data = make_png(seed=seed + n + 1)
            else:
                data = hashlib.sha512(f"{seed}-{n}".encode()).digest() * 3
            (folder / f"file {n}.{'jpg' if kind == 'jpeg' else kind}").write_bytes(data)
            self.contents.add(hashlib.sha256(data).hexdigest())
        self.folders.append(folder)
        cli("import", str(self.root), str(folder), "--workers", "1", "--as", actor)
        self.items = [row["id"] for row in cli_json("items", str(self.root))]

    @precondition(lambda self: self.folders)
    @rule(pick=st.integers(0, 100), actor=ACTORS)
    def import_a_folder_again(self, pick: int, actor: str) -> None:
        before = len(self.items)
        cli("import", str(self.root), str(self.folders[pick % len(self.folders)]), "--workers", "1", "--as", actor)
        self.items = [row["id"] for row in cli_json("items", str(self.root))]
        assert len(self.items) == before, "importing the same files again created new items"

    @precondition(lambda self: self.items)
    @rule(pick=st.integers(0, 100), actor=ACTORS, assignee=st.sampled_from([LEAD, INVESTIGATOR, NEWCOMER, None]))
    def assign(self, pick: int, actor: str, assignee: str | None) -> None:
        target = ["--to", assignee] if assignee else ["--nobody"]
        self._run("assign", str(self.root), self.items[pick % len(self.items)], *target, "--as", actor)

    @precondition(lambda self: self.items)
    @rule(pick=st.integers(0, 100), actor=ACTORS, check=st.sampled_from(CHECK_NAMES),
          result=st.sampled_from(["pass", "fail", "unknown"]), note=st.text(max_size=20))
    def record_check(self, pick: int, actor: str, check: str, result: str, note: str) -> None:
        self._run("check", str(self.root), self.items[pick % len(self.items)], check, result, "--note", note,
                  "--as", actor)

    @precondition(lambda self: self.items)
    @rule(pick=st.integers(0, 100), actor=ACTORS, text=st.text(min_size=1, max_size=40))
    def comment(self, pick: int, actor: str, text: str) -> None:
        self._run("comment", str(self.root), self.items[pick % len(self.items)], text, "--as", actor)

    @precondition(lambda self: self.items)
    @rule(pick=st.integers(0, 100), actor=ACTORS, action=st.sampled_from(["submit", "approve", "return", "reopen"]),
          verdict=st.sampled_from(["verified", "unverifiable", "false_or_misattributed"]))
    def review(self, pick: int, actor: str, action: str, verdict: str) -> None:
        item = self.items[pick % len(self.items)]
        args = {"submit": ["submit", str(self.root), item],
                "approve": ["review", "approve", str(self.root), item, "--verdict", verdict],
                "return": ["review", "return", str(self.root), item, "--comment", "needs the source"],
                "reopen": ["review", "reopen", str(self.root), item, "--reason", "new footage"]}[action]
        self._run(*args, "--as", actor)

    @precondition(lambda self: self.items)
    @rule(pick=st.integers(0, 100), actor=ACTORS, state=st.sampled_from(STATES), comment=st.booleans())
    def set_status(self, pick: int, actor: str, state: str, comment: bool) -> None:
        extra = ["--comment", "because"] if comment else []
        self._run("status", str(self.root), self.items[pick % len(self.items)], "--set", state, *extra, "--as", actor)

    @precondition(lambda self: self.items)
    @rule(pick=st.integers(0, 100), actor=ACTORS, lat=st.floats(-95, 95), lon=st.floats(-185, 185),
          precision=st.floats(0, 5000), method=st.sampled_from(METHODS), accept=st.booleans())
    def claim_location(self, pick: int, actor: str, lat: float, lon: float, precision: float, method: str,
                       accept: bool) -> None:
        self._run("locate", str(self.root), self.items[pick % len(self.items)], "--lat", repr(lat), "--lon", repr(lon),
                  "--precision", repr(precision), "--method", method, *(["--accept"] if accept else []), "--as", actor)

    @precondition(lambda self: self.items)
    @rule(pick=st.integers(0, 100), actor=ACTORS, x=st.integers(-10, 330), y=st.integers(-10, 250),
          w=st.integers(0, 200), h=st.integers(0, 200), markings=st.text(max_size=20),
          category=st.sampled_from(["other", "fuze", "unlisted thing"]))
    def tag_fragment(self, pick: int, actor: str, x: int, y: int, w: int, h: int, markings: str, category: str) -> None:
        self._run("tag", str(self.root), self.items[pick % len(self.items)], "--region", f"{x},{y},{w},{h}",
                  "--category", category, "--markings", markings, "--as", actor)

    @precondition(lambda self: REPORTS and self.items)
    @rule(actor=ACTORS)
    def export_report(self, actor: str) -> None:
        self._run("report", str(self.root), "--format", "json", "--out", str(self.work / "exports"), "--as", actor)

    @rule()
    def reopen_the_case(self) -> None:
        cli("items", str(self.root))

    # ---- invariants ---------------------------------------------------------------------------------
    @invariant()
    def verify_is_clean(self) -> None:
        """The chain, the signatures, every projection rebuilt from events alone, and every original."""
        if not self.root.exists():
            return
        errors, notices = verify_codes(self.root)
        assert errors == set(), errors
        assert notices <= {"person_has_several_keys"}, notices

    @invariant()
    def originals_hash_to_what_the_log_recorded(self) -> None:
        if not self.root.exists():
            return
        conn = sqlite3.connect(self.root / "case.sqlite")
        try:
            recorded = conn.execute(
                "SELECT json_extract(payload, '$.sha256'), json_extract(payload, '$.stored_path') FROM events"
                " WHERE kind = 'item.imported'").fetchall()
        finally:
            conn.close()
        for sha256, stored in recorded:
            assert hashlib.sha256((self.root / stored).read_bytes()).hexdigest() == sha256, stored
        assert {sha for sha, _ in recorded} == self.contents, "items are not exactly the distinct contents imported"

    def teardown(self) -> None:
        STATS["runs"] += 1
        STATS["accepted"] += self.steps["accepted"]
        STATS["refused"] += self.steps["refused"]
        try:
            if self.root.exists():
                status, problems, _ = independent(self.root)
                assert (status, problems) == (0, set()), problems
        finally:
            shutil.rmtree(self.work, ignore_errors=True)


# No shrinking: each step runs real commands, and a failure already prints the whole sequence of steps.
CaseMachine.TestCase.settings = settings(
    max_examples=full_or(5, 60), stateful_step_count=full_or(15, 50), deadline=None, database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestCaseModel = CaseMachine.TestCase


def test_record_the_model_figures(record_figure):
    """Runs after the machine (file order): what it did, for docs/reliability.md."""
    assert STATS["runs"] > 0
    record_figure("model consistency", "random command sequences run (invariants checked after every step)",
                  STATS["runs"])
    record_figure("model consistency", "commands accepted / refused by the rules (log unchanged when refused)",
                  f"{STATS['accepted']} / {STATS['refused']}")
    record_figure("model consistency", "report exports included", "yes" if REPORTS else "no (reports not installed)")
