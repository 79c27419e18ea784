"""Property: any sequence of workflow actions, allowed or refused, rebuilds from the log to the same state."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlite_utils import Database

from verify_bench import events as ev, profiles, projections
from verify_bench.case import Case
from verify_bench.migrations import PROJECTION_TABLES, migrations
from verify_bench.workflow import (
    CHECK_RESULTS,
    CHECKS,
    VERDICTS,
    WorkflowError,
    add_comment,
    approve,
    assign,
    item_status,
    record_check,
    reopen,
    return_items,
    start,
    submit,
)
from verify_bench.workflow.vocabulary import FINAL_STATES, TRANSITIONS

ITEMS = 3
PEOPLE = ("prop-lead", "prop-investigator")


def _profiles() -> None:
    for name, role in zip(PEOPLE, ("lead", "investigator"), strict=True):
        if profiles.find_profile(name) is None:
            profiles.create_profile(name, role=role)  # type: ignore[arg-type]


actions = st.lists(st.tuples(
    st.sampled_from(PEOPLE),
    st.sampled_from(["start", "submit", "approve", "return", "reopen", "check", "assign", "comment"]),
    st.integers(0, ITEMS - 1),
    st.sampled_from(VERDICTS),
    st.sampled_from(CHECKS),
    st.sampled_from(CHECK_RESULTS),
), max_size=25)


def _expected_to(action: str, verdict: str) -> str | None:
    return {"start": "in_progress", "submit": "ready_for_review", "approve": verdict, "return": "returned",
            "reopen": "in_progress"}.get(action)


def _act(action: str, case: Case, item: str, who: str, verdict: str, check: str, result: str) -> None:
    match action:
        case "start":
            start(case, [item])
        case "submit":
            submit(case, [item])
        case "approve":
            approve(case, [item], verdict=verdict)  # type: ignore[arg-type]
        case "return":
            return_items(case, [item], comment="why")
        case "reopen":
            reopen(case, [item], reason="why")
        case "check":
            record_check(case, item, check, result)  # type: ignore[arg-type]
        case "assign":
            assign(case, [item], who)
        case "comment":
            add_comment(case, item, f"{who} was here")


def _rebuilt_equal(case: Case) -> None:
    mem = sqlite3.connect(":memory:", isolation_level=None)
    migrations.apply(Database(mem))
    mem.execute("PRAGMA foreign_keys = OFF")
    for event in case.events():
        projections.apply(mem, event)
    for table in PROJECTION_TABLES:
        live = sorted(map(repr, case.conn.execute(f"SELECT * FROM {table}")))
        fresh = sorted(map(repr, mem.execute(f"SELECT * FROM {table}")))
        assert live == fresh, table


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions)
def test_random_workflow_sequences_rebuild_to_the_same_projections(steps):
    _profiles()
    root = Path(tempfile.mkdtemp()) / "p.vbcase"
    try:
        with Case.create(root, actor=PEOPLE[0]) as lead, Case.open(root, actor=PEOPLE[1]) as investigator:
            with lead.write():
                ids = [lead.append(ev.ITEM_IMPORTED, {
                    "sha256": hashlib.sha256(str(i).encode()).hexdigest(), "md5": "0" * 32, "size": 1,
                    "stored_path": f"originals/{i}", "display_name": f"{i}.jpg", "media_type": "image"},
                    item_id=str(uuid.uuid4())).item_id for i in range(ITEMS)]
            cases = dict(zip(PEOPLE, (lead, investigator), strict=True))
            for who, action, index, verdict, check, result in steps:
                case, item = cases[who], ids[index]
                status = item_status(case, item)
                before, to = status.state, _expected_to(action, verdict)
                rule = TRANSITIONS.get((before, to)) if to else None
                if to:
                    allowed = rule is not None and (who == PEOPLE[0] or not rule.lead_only) and (
                        not rule.comment_required or action in ("return", "reopen"))
                else:
                    allowed = action == "comment" or before not in FINAL_STATES and (
                        action != "assign" or who == PEOPLE[0] or status.assignee in (None, who))
                try:
                    _act(action, case, item, who, verdict, check, result)
                except WorkflowError:
                    assert not allowed, (who, action, before)
                else:
                    assert allowed, (who, action, before)
                    if to:
                        assert item_status(case, item).state == to
            _rebuilt_equal(lead)
    finally:
        shutil.rmtree(root.parent)
