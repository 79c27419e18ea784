"""History entries carry the event hash and, when asked, how each signature stands (as the GUI shows it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from verify_bench import profiles, workflow
from verify_bench.case import Case
from verify_bench.ingest.pipeline import ImportOptions, run_import


@pytest.fixture
def worked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    monkeypatch.setenv(profiles.CONFIG_DIR_ENV, str(tmp_path / "config"))
    profiles.create_profile("lena", role="lead")
    root = tmp_path / "c.vbcase"
    (tmp_path / "a.jpg").write_bytes(make_jpeg(seed=1))
    with Case.create(root, actor="lena") as case:
        run_import(case, [tmp_path / "a.jpg"], options=ImportOptions(workers=1))
        item = case.conn.execute("SELECT id FROM items").fetchone()[0]
    with Case.open(root, actor="ivan") as case:
        workflow.add_comment(case, item, "first")
        workflow.add_comment(case, item, "second")
        workflow.add_comment(case, item, "third")
    return root, item


def tamper(root: Path, sql: str, *args: object) -> None:
    conn = sqlite3.connect(root / "case.sqlite")
    conn.execute("DROP TRIGGER IF EXISTS events_refuse_update")
    conn.execute(sql, args)
    conn.commit()
    conn.close()


def test_every_entry_has_its_hash_and_a_valid_signature(worked):
    root, item = worked
    with Case.open(root) as case:
        entries = workflow.item_history(case, item, check_signatures=True)
        hashes = dict(case.conn.execute("SELECT seq, hash FROM events WHERE item_id = ?", (item,)).fetchall())
        unchecked = workflow.item_history(case, item)
    assert [e.summary for e in entries[:3]] == ["comment: “third”", "comment: “second”", "comment: “first”"]
    assert all(e.hash == hashes[e.seq] for e in entries)
    assert {e.signature for e in entries} == {"valid"}
    assert {e.signature for e in unchecked} == {""}


def test_a_forged_actor_a_broken_signature_and_a_missing_one_are_told_apart(worked):
    root, item = worked
    with Case.open(root) as case:
        third, second, first = (e.seq for e in workflow.item_history(case, item)[:3])
    tamper(root, "UPDATE events SET actor = 'lena' WHERE seq = ?", third)   # ivan's key, lena's name
    tamper(root, "UPDATE events SET signature = replace(signature, substr(signature, 1, 2),"
                 " CASE substr(signature, 1, 2) WHEN '00' THEN '11' ELSE '00' END) WHERE seq = ?", second)
    tamper(root, "UPDATE events SET signature = NULL WHERE seq = ?", first)
    with Case.open(root) as case:
        states = {e.seq: e.signature for e in workflow.item_history(case, item, check_signatures=True)}
    assert (states[third], states[second], states[first]) == ("key_mismatch", "invalid", "unsigned")
    assert set(workflow.SIGNATURE_STATES) >= set(states.values())


@pytest.mark.parametrize(("kind", "payload", "said"), [
    ("location.claimed", {"claim_id": "c1", "lat": 31.28, "lon": 34.25, "precision_m": 60, "method": "landmark_match",
                          "note": "water tower"}, "location claimed: 31.28000, 34.25000 ±60 m by landmark match — water tower"),
    ("location.accepted", {"claim_id": None, "note": None}, "no accepted location any more"),
    ("match.rejected", {"a": "a" * 36, "b": "b" * 36, "note": None}, "rejected a match with bbbbbbbb"),
    ("incident.linked", {"incident_id": "i" * 36, "item_ids": ["x", "y"]}, "2 item(s) linked to incident iiiiiiii"),
    ("fragment.tagged", {"fragment_id": "f" * 32, "fields": {"category": "aircraft-bomb", "component": "tail-kit"}},
     "tagged fragment ffffffff: aircraft-bomb / tail-kit"),
    ("item.flagged", {"flag": "sensitive", "value": True}, "marked “sensitive”"),
    ("location.claimed", {"claim_id": "c1", "lat": "not a number"}, "location.claimed: claim_id=\"c1\", lat=\"not a number\""),
])
def test_the_events_of_other_features_are_said_in_words(kind, payload, said):
    from verify_bench import events as ev

    event = ev.new_event(seq=2, actor="lena", kind=kind, item_id=None, payload=payload, prev_hash=ev.GENESIS_HASH)
    assert workflow.describe(event) == said
