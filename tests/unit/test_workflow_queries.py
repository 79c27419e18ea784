"""What the review queue, the history and the incident table show, and how they filter."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.workflow_support import add_items, use_profiles
from verify_bench.case import Case
from verify_bench.geo import link_items
from verify_bench.workflow import (
    Figure,
    HistoryFilter,
    IncidentFacts,
    IncidentFactsError,
    IncidentTableFilter,
    QueueFilter,
    Source,
    assign,
    case_history,
    create_incident,
    export_incidents_csv,
    incident_facts,
    incident_table,
    incidents_csv,
    item_history,
    queue_count,
    record_check,
    record_facts,
    review_queue,
    state_counts,
    submit,
)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_profiles(tmp_path, monkeypatch, investigators=())


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with Case.create(tmp_path / "q.vbcase", actor="lena") as c:
        yield c


def test_the_queue_lists_items_ready_for_review_oldest_first_with_their_checks(case: Case):
    a, b, c = add_items(case, 3)
    record_check(case, b, "location", "pass")
    record_check(case, b, "source", "fail")
    submit(case, [b])
    submit(case, [a])
    entries = review_queue(case)
    assert [e.item_id for e in entries] == [b, a]
    assert entries[0].checks == {"source": "fail", "location": "pass"} and entries[0].checks_passed == 1
    assert entries[0].submitted_by == "lena" and entries[0].age_seconds >= 0
    assert queue_count(case) == 2
    assert [e.item_id for e in review_queue(case, QueueFilter(states=("new",)))] == [c]
    assert state_counts(case)["ready_for_review"] == 2 and state_counts(case)["new"] == 1


def test_the_queue_filters_by_assignee_incident_and_age(case: Case):
    a, b, c = add_items(case, 3)
    assign(case, [a], "ivan")
    submit(case, [a, b, c])
    incident = create_incident(case, "Market strike")
    link_items(case, incident, [c])
    assert [e.item_id for e in review_queue(case, QueueFilter(assignee="ivan"))] == [a]
    assert [e.item_id for e in review_queue(case, QueueFilter(assignee=""))] == [b, c]
    assert [e.item_id for e in review_queue(case, QueueFilter(incident_id=incident))] == [c]
    later = datetime.now(timezone.utc) + timedelta(days=2)
    assert len(review_queue(case, QueueFilter(min_age=timedelta(days=1)), now=later)) == 3
    assert review_queue(case, QueueFilter(min_age=timedelta(days=1))) == []
    assert [e.item_id for e in review_queue(case, limit=1, offset=1)] == [b]
    first = review_queue(case, limit=1)[0]
    assert [e.item_id for e in review_queue(case, after=(first.state_since, first.item_id))] == [b, c]


def test_history_filters_by_person_kind_item_and_time_and_says_what_changed(case: Case, tmp_path: Path):
    a, b = add_items(case, 2)
    with Case.open(case.root, actor="ivan") as ivan:
        record_check(ivan, a, "date_time", "pass", note="shadows fit")
        submit(ivan, [a])
    by_ivan = case_history(case, HistoryFilter(actor="ivan"))
    assert [h.kind for h in by_ivan] == ["status.changed", "check.recorded", "person.registered"]
    assert by_ivan[0].summary == "status new → ready for review"
    assert by_ivan[1].summary == "check “date and time confirmed”: pass — shadows fit"
    assert all(h.signed for h in by_ivan)
    assert [h.kind for h in case_history(case, HistoryFilter(kinds=("status.*", "item.imported")))] == \
        ["status.changed", "item.imported", "item.imported"]
    assert [h.item_id for h in item_history(case, b)] == [b]
    assert case_history(case, HistoryFilter(until="2000-01-01")) == []
    assert len(case_history(case, HistoryFilter(since="2000-01-01"), limit=2)) == 2
    newest = case_history(case, limit=1)[0]
    assert case_history(case, limit=1, before_seq=newest.seq)[0].seq == newest.seq - 1


def test_incident_facts_are_recorded_with_sources_and_validated(case: Case):
    a, _ = add_items(case, 2)
    incident = create_incident(case, "Shelter strike", facts=IncidentFacts(
        window_start="2024-05-02T01:00+03:00", window_end="2024-05-02T02:30+03:00", object_struck="shelter",
        killed=Figure(12, 5, "medium", (Source(item_id=a[:8]), Source(note="interview with a nurse"))),
        warning="none", munition="GBU-39"))
    facts = incident_facts(case, incident)
    assert facts is not None and facts.window_start == "2024-05-01T22:00:00Z"
    assert facts.killed.sources == (Source(item_id=a), Source(note="interview with a nurse"))
    with pytest.raises(IncidentFactsError, match="cannot exceed"):
        record_facts(case, incident, IncidentFacts(killed=Figure(2, 3)))
    with pytest.raises(IncidentFactsError, match="ends .* before it starts"):
        record_facts(case, incident, IncidentFacts(window_start="2024-05-02T02:00Z", window_end="2024-05-02T01:00Z"))
    with pytest.raises(IncidentFactsError, match="no fragment tag|no fragment tags"):
        record_facts(case, incident, IncidentFacts(munition_fragments=("nope",)))
    with pytest.raises(IncidentFactsError, match="either a media item or a note"):
        record_facts(case, incident, IncidentFacts(injured=Figure(1, sources=(Source(),))))


def test_the_incident_table_sorts_filters_and_exports_csv_safely(case: Case):
    create_incident(case, "Market", facts=IncidentFacts(object_struck="market", killed=Figure(12, 5), warning="none"))
    create_incident(case, "Clinic", facts=IncidentFacts(object_struck="medical_facility", killed=Figure(3),
                                                        description="=cmd|' /C calc'!A0"))
    create_incident(case, "Unknown")
    assert [r.title for r in incident_table(case, sort="killed", descending=True)] == ["Market", "Clinic", "Unknown"]
    assert [r.title for r in incident_table(case, sort="killed")] == ["Clinic", "Market", "Unknown"]
    assert [r.title for r in incident_table(case, IncidentTableFilter(min_killed=5))] == ["Market"]
    assert [r.title for r in incident_table(case, IncidentTableFilter(object_struck="medical_facility"))] == ["Clinic"]
    assert [r.title for r in incident_table(case, IncidentTableFilter(text="calc"))] == ["Clinic"]
    rows = list(csv.DictReader(io.StringIO(incidents_csv(incident_table(case, sort="title")))))
    assert [r["title"] for r in rows] == ["Clinic", "Market", "Unknown"]
    assert rows[0]["description"].startswith("'=") and rows[1]["killed_children"] == "5"
    path = export_incidents_csv(case)
    assert path == case.root / "exports" / "incidents.csv" and path.read_text().count("\n") == 4
