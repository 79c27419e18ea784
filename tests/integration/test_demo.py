"""The sample case: every panel has something to show, and it re-checks cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify_bench import fragments, geo, workflow
from verify_bench.case import Case
from verify_bench.demo import FRAGMENT_PHOTO, PHOTO, REUPLOAD, build_demo_case
from verify_bench.resources import samples_dir
from verify_bench.similarity.decisions import current_decisions
from verify_bench.similarity.service import duplicates
from verify_bench.verify import verify_case


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "sample.vbcase"
    first, again = build_demo_case(target)
    assert first.rejected == 0 and again.sighted + again.known == 1
    return target


def _id(case: Case, name: str) -> str:
    return case.conn.execute("SELECT id FROM items WHERE display_name = ?", (name,)).fetchone()[0]


def test_photos_a_video_and_a_broken_file(demo: Path) -> None:
    with Case.open(demo) as case:
        kinds = dict(case.conn.execute("SELECT media_type, count(*) FROM items GROUP BY media_type").fetchall())
        problems = case.conn.execute("SELECT count(*) FROM items WHERE analysis = 'problems'").fetchone()[0]
    assert kinds["image"] >= 5 and kinds["video"] == 1
    assert problems == 1


def test_duplicates_are_found_and_one_is_confirmed(demo: Path) -> None:
    with Case.open(demo) as case:
        photo, reupload = _id(case, PHOTO), _id(case, REUPLOAD)
        sightings = case.conn.execute("SELECT count(*) FROM sightings WHERE item_id = ?", (photo,)).fetchone()[0]
        report = duplicates(case)
        decisions = current_decisions(case, item_id=photo)
    assert sightings == 2  # received twice, stored once
    assert any({photo, reupload} <= set(c.items) for c in report.clusters)
    assert [(d.decision, {d.a, d.b}) for d in decisions] == [("confirmed", {photo, reupload})]


def test_an_incident_with_an_accepted_and_a_disagreeing_location(demo: Path) -> None:
    with Case.open(demo) as case:
        photo = _id(case, PHOTO)
        (incident,) = geo.list_incidents(case)
        locations = geo.item_locations(case, photo)
        linked = {_id(case, n) for n in (PHOTO, REUPLOAD, FRAGMENT_PHOTO)}
    assert set(incident.item_ids) == linked
    assert len(locations.claims) == 2
    assert locations.accepted is not None and locations.accepted.method == "landmark_match"
    assert locations.flagged  # the witness's claim is 1.6 km from the file's own GPS


def test_a_fragment_is_tagged(demo: Path) -> None:
    with Case.open(demo) as case:
        (tag,) = fragments.list_fragments(case)
        assert tag.item_id == _id(case, FRAGMENT_PHOTO)
    assert tag.component == "tail-kit" and "LOT 7" in (tag.markings or "")


def test_an_item_awaits_review_and_one_is_in_progress(demo: Path) -> None:
    with Case.open(demo) as case:
        queue = workflow.review_queue(case)
        photo, fragment_photo = _id(case, PHOTO), _id(case, FRAGMENT_PHOTO)
        checks = workflow.item_checks(case, photo)
        photo_state = workflow.item_status(case, photo).state
    assert [(e.item_id, e.state) for e in queue] == [(fragment_photo, "ready_for_review")]
    assert photo_state == "in_progress" and len([c for c in checks if c.result]) == 4


def test_every_change_is_a_signed_event_and_verify_passes(demo: Path) -> None:
    report = verify_case(demo)
    assert report.ok, report
    with Case.open(demo) as case:
        kinds = {k for (k,) in case.conn.execute("SELECT DISTINCT kind FROM events")}
        unsigned = case.conn.execute("SELECT count(*) FROM events WHERE signature IS NULL").fetchone()[0]
    assert {"match.confirmed", "fragment.tagged"} <= kinds
    assert unsigned == 0


def test_the_sample_media_are_attributed() -> None:
    attribution = (samples_dir() / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for media in samples_dir().iterdir():
        if media.name != "ATTRIBUTION.md":
            assert f"`{media.name}`" in attribution, f"{media.name} has no line in ATTRIBUTION.md"
