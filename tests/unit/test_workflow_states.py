"""States, roles, sealing, assignment and checks, enforced by the core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.workflow_support import add_items, use_profiles
from verify_bench import profiles
from verify_bench.case import Case
from verify_bench.geo import claim_location, parse_point
from verify_bench.workflow import (
    ItemSealedError,
    NotPermitted,
    TransitionError,
    WorkflowError,
    acting_role,
    add_comment,
    approve,
    assign,
    change_state,
    item_checks,
    item_comments,
    item_status,
    list_people,
    record_check,
    reopen,
    return_items,
    set_person_role,
    start,
    submit,
)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_profiles(tmp_path, monkeypatch)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[Case, Case, list[str]]]:
    """(lead, investigator, three item ids) on one case created by the lead."""
    root = tmp_path / "t.vbcase"
    with Case.create(root, actor="lena") as lead, Case.open(root, actor="ivan") as ivan:
        yield lead, ivan, add_items(ivan, 3)


def test_an_untouched_item_is_new_and_walks_to_a_verdict(team):
    lead, ivan, (a, _, _) = team
    assert item_status(ivan, a).state == "new"
    assert start(ivan, [a])[0].state == "in_progress"
    submitted = submit(ivan, [a], comment="all five checks done")[0]
    assert (submitted.state, submitted.submitted_by) == ("ready_for_review", "ivan")
    final = approve(lead, [a], verdict="unverifiable")[0]
    assert (final.state, final.reviewed_by, final.sealed) == ("unverifiable", "lena", True)
    assert [c.text for c in item_comments(lead, a)] == ["all five checks done"]


def test_only_a_lead_gives_a_verdict_or_returns_an_item(team):
    lead, ivan, (a, _, _) = team
    submit(ivan, [a])
    with pytest.raises(NotPermitted, match="only a lead may move an item from ready for review to verified"):
        approve(ivan, [a])
    with pytest.raises(NotPermitted, match="ivan is an investigator"):
        return_items(ivan, [a], comment="no")
    assert item_status(lead, a).state == "ready_for_review"


def test_returning_needs_a_comment_and_sends_the_item_back(team):
    lead, ivan, (a, _, _) = team
    submit(ivan, [a])
    with pytest.raises(WorkflowError, match="needs a comment"):
        return_items(lead, [a], comment="  ")
    assert return_items(lead, [a], comment="find the first upload")[0].state == "returned"
    assert [(c.actor, c.context) for c in item_comments(ivan, a)] == [("lena", "returned")]
    assert start(ivan, [a])[0].state == "in_progress"


def test_transitions_outside_the_workflow_are_refused_with_the_reason(team):
    lead, ivan, (a, _, _) = team
    with pytest.raises(TransitionError, match="new: it cannot become verified"):
        approve(lead, [a])
    with pytest.raises(TransitionError, match="already new"):
        change_state(ivan, [a], "new")
    with pytest.raises(WorkflowError, match="unknown state"):
        change_state(ivan, [a], "done")  # type: ignore[arg-type]


def test_a_bulk_change_is_all_or_nothing(team):
    lead, ivan, (a, b, c) = team
    submit(ivan, [a, b])
    with pytest.raises(TransitionError):
        approve(lead, [a, b, c])
    assert {item_status(lead, x).state for x in (a, b, c)} == {"ready_for_review", "new"}
    assert [s.state for s in approve(lead, [a, b])] == ["verified", "verified"]


def test_a_sealed_item_refuses_changes_until_a_lead_reopens_it_with_a_reason(team):
    lead, ivan, (a, _, _) = team
    submit(ivan, [a])
    approve(lead, [a])
    with pytest.raises(ItemSealedError, match="sealed"):
        record_check(ivan, a, "source", "fail")
    with pytest.raises(ItemSealedError):
        assign(lead, [a], "ivan")
    with pytest.raises(ItemSealedError):
        claim_location(lead, a, parse_point("31.5, 34.46"), precision_m=50, method="landmark_match")
    add_comment(ivan, a, "a comment is still welcome")
    with pytest.raises(NotPermitted):
        reopen(ivan, [a], reason="new evidence")
    with pytest.raises(WorkflowError, match="needs a comment"):
        reopen(lead, [a], reason="")
    assert reopen(lead, [a], reason="a longer version surfaced")[0].state == "in_progress"
    assert record_check(ivan, a, "source", "fail").result == "fail"


def test_checks_are_recorded_restated_and_listed_in_order(team):
    _, ivan, (a, _, _) = team
    record_check(ivan, a, "date_time", "unknown", note="no shadows")
    record_check(ivan, a, "date_time", "pass", note="sun azimuth fits 10:40")
    checks = item_checks(ivan, a)
    assert [c.check for c in checks] == ["source", "earliest_upload", "date_time", "location", "content"]
    assert (checks[2].result, checks[2].note, checks[2].actor) == ("pass", "sun azimuth fits 10:40", "ivan")
    assert checks[0].result is None
    with pytest.raises(WorkflowError, match="unknown result"):
        record_check(ivan, a, "source", "maybe")  # type: ignore[arg-type]


def test_investigators_assign_only_themselves_and_leads_anyone(team):
    lead, ivan, (a, b, _) = team
    assert assign(ivan, [a], "ivan")[0].assignee == "ivan"
    with pytest.raises(NotPermitted, match="only to themselves"):
        assign(ivan, [b], "lena")
    assert assign(lead, [b], "omar")[0].assignee == "omar"
    with pytest.raises(NotPermitted):
        assign(ivan, [b], "ivan")
    assert assign(ivan, [a], None)[0].assignee is None


def test_a_second_declared_lead_joins_as_investigator_until_a_lead_promotes_them(team, tmp_path):
    lead, _, (a, _, _) = team
    profiles.create_profile("carla", role="lead")
    with Case.open(lead.root, actor="carla") as carla:
        assert acting_role(carla) == "investigator"
        add_comment(carla, a, "hello")
        assert {p.name: p.role for p in list_people(carla)}["carla"] == "investigator"
        assert set_person_role(lead, "carla", "lead").role_set_by == "lena"
        assert acting_role(carla) == "lead"
    with pytest.raises(WorkflowError, match="has not joined"):
        set_person_role(lead, "nobody", "lead")


def test_the_only_lead_cannot_step_down(team):
    lead, _, _ = team
    with pytest.raises(WorkflowError, match="only lead"):
        set_person_role(lead, "lena", "investigator")
