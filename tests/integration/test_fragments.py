"""Fragment tagging through real imports: events, projections, crops, scales, filters, exports, verify."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from tests.factory import make_jpeg, make_video
from verify_bench import fragments as fr
from verify_bench.case import Case
from verify_bench.geo.incidents import link_items, record_incident
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.verify import verify_case

FAST = ImportOptions(workers=1, time_limit=60)


def _import(case: Case, path: Path) -> str:
    run_import(case, [str(path)], options=FAST)
    return case.conn.execute("SELECT id FROM items WHERE display_name = ?", (path.name,)).fetchone()[0]


def _oriented_jpeg(path: Path, orientation: int, size: tuple[int, int] = (120, 80), seed: int = 3) -> Path:
    img = Image.open(io.BytesIO(make_jpeg(size, seed=seed)))
    exif = Image.Exif()
    exif[0x0112] = orientation
    img.save(path, "JPEG", quality=95, exif=exif)
    return path


def _kinds(case: Case) -> list[str]:
    return [e.kind for e in case.events() if e.kind.startswith("fragment.")]


def test_tag_edit_delete_are_events_and_the_projection_replays(case: Case, tmp_path: Path) -> None:
    item = _import(case, _oriented_jpeg(tmp_path / "o6.jpg", 6))
    ref = _import(case, _oriented_jpeg(tmp_path / "ref.jpg", 1, seed=9))
    result = fr.tag_fragment(case, item[:8], fr.rect(65, 10, 10, 20), grid="upright", fields={
        "category": "Guided bomb kit", "component": "fins", "markings": "  MFR 1ABC2\nLOT 7 ", "cage": "1abc",
        "nsn": "1325012345678", "confidence": "probable", "refs": [ref[:8]]})
    assert result.region == fr.Region("rect", ((10, 5), (30, 15)))   # turned back onto the stored grid
    assert {n.code for n in result.notices} == {"cage_format", "nsn_grouping"}
    (tagged,) = [e for e in case.events() if e.kind == "fragment.tagged"]
    assert tagged.item_id == item and tagged.payload["region"] == {"shape": "rect", "points": [[10, 5], [30, 15]]}
    f = fr.get_fragment(case, result.fragment_id)
    assert (f.category, f.component, f.cage, f.nsn) == ("guided-bomb-kit", "tail-kit", "1abc", "1325012345678")
    assert f.markings == "  MFR 1ABC2\nLOT 7 " and f.refs == (ref,) and f.item_sha256

    edited = fr.edit_fragment(case, f.id[:6], {"designation": "GBU-39", "cage": "1ABC2", "category": "guided-bomb-kit",
                                               "nsn": None})
    assert edited is not None
    changes = next(e for e in case.events() if e.kind == "fragment.edited").payload["changes"]
    assert changes == {"designation": "GBU-39", "cage": "1ABC2", "nsn": None}
    assert fr.edit_fragment(case, f.id, {"designation": "GBU-39"}) is None
    assert fr.get_fragment(case, f.id).nsn is None

    seq = fr.delete_fragment(case, f.id, reason="duplicate tag")
    assert _kinds(case) == ["fragment.tagged", "fragment.edited", "fragment.deleted"]
    assert fr.list_fragments(case) == [] and not f.crop.exists()
    assert [e.seq for e in fr.fragment_history(case, f.id)][-1] == seq
    case.close()
    report = verify_case(case.root)
    assert report.ok, report.findings


def test_bad_input_is_refused_before_any_event(case: Case, tmp_path: Path) -> None:
    item = _import(case, _oriented_jpeg(tmp_path / "a.jpg", 1))
    before = case.head()
    for call, message in (
        (lambda: fr.tag_fragment(case, item, fr.rect(100, 60, 30, 30), grid="stored"), "outside"),
        (lambda: fr.tag_fragment(case, item, fr.rect(0, 0, 5, 5), grid="stored", frame_ts=1.0), "no frames"),
        (lambda: fr.tag_fragment(case, item, fr.rect(0, 0, 5, 5), grid="stored", fields={"confidence": "sure"}),
         "confidence"),
        (lambda: fr.tag_fragment(case, item, fr.rect(0, 0, 5, 5), grid="stored", fields={"colour": "red"}),
         "unknown fragment fields"),
        (lambda: fr.tag_fragment(case, item, fr.rect(0, 0, 5, 5), grid="stored", fields={"refs": ["ffffffff"]}),
         "import it"),
    ):
        with pytest.raises(fr.FragmentError, match=message):
            call()
    assert case.head() == before


def test_crops_match_the_region_on_the_upright_picture(case: Case, tmp_path: Path) -> None:
    item = _import(case, _oriented_jpeg(tmp_path / "o8.jpg", 8))
    result = fr.tag_fragment(case, item, fr.rect(7, 30, 25, 40), grid="upright")
    stored = Image.open(case.root / case.find_item(item)["stored_path"])
    upright = ImageOps.exif_transpose(stored)
    crop = Image.open(result.crop)
    assert crop.tobytes() == upright.convert("RGB").crop((7, 30, 32, 70)).tobytes()
    assert crop.text["verify-bench:item-sha256"] == case.find_item(item)["sha256"]
    assert json.loads(crop.text["verify-bench:region"]) == result.region.to_json()

    poly = fr.tag_fragment(case, item, fr.polygon([(1, 1), (20, 2), (10, 30)]), grid="upright")
    assert Image.open(poly.crop).size == (19, 29)
    result.crop.unlink()
    stale = fr.crop_path(case.root, "ab" + "0" * 30)
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"x")
    report = fr.rebuild_crops(case)
    assert (report.written, report.kept, report.removed, report.failed) == (1, 1, 1, [])
    assert Image.open(result.crop).tobytes() == crop.tobytes()


def test_a_tag_on_a_video_frame_records_the_time_and_crops_that_frame(case: Case, tmp_path: Path) -> None:
    colours = [(250, 0, 0), (0, 250, 0), (0, 0, 250), (250, 250, 0), (0, 250, 250), (250, 0, 250)]
    item = _import(case, make_video(tmp_path / "clip.mp4", colours, fps=5, gop=2))
    with pytest.raises(fr.FragmentError, match="choose the frame"):
        fr.tag_fragment(case, item, fr.rect(0, 0, 8, 8), grid="upright")
    result = fr.tag_fragment(case, item, fr.rect(8, 8, 16, 16), grid="upright", frame_ts=0.65,
                             fields={"category": "rocket"})
    assert result.crop_error is None
    assert fr.get_fragment(case, result.fragment_id).frame_ts == 0.65
    pixel = np.asarray(Image.open(result.crop).convert("RGB")).reshape(-1, 3).mean(axis=0)
    assert np.abs(pixel - colours[3]).max() < 30          # 0.65 s at 5 fps shows the 4th frame (0.6 s)
    edited = fr.edit_fragment(case, result.fragment_id, {"frame_ts": 0.25})
    assert edited is not None and edited.crop is not None
    pixel = np.asarray(Image.open(edited.crop).convert("RGB")).reshape(-1, 3).mean(axis=0)
    assert np.abs(pixel - colours[1]).max() < 30


def test_scales_and_measurements_record_the_reference_used(case: Case, tmp_path: Path) -> None:
    item = _import(case, _oriented_jpeg(tmp_path / "o6.jpg", 6))
    other = _import(case, _oriented_jpeg(tmp_path / "other.jpg", 1, seed=5))
    brick = fr.set_scale(case, item, (10, 10), (10, 50), length=21.5, unit="cm", label="brick", grid="upright")
    assert brick.pixels == 40 and brick.measure((0, 0), (0, 20)) == 10.75
    tag = fr.tag_fragment(case, item, fr.rect(0, 0, 40, 40), grid="upright")
    m = fr.measure(case, brick.id[:6], (0, 0), (30, 40), grid="upright", fragment_ref=tag.fragment_id, label="fin")
    assert (m.pixels, m.length, m.unit) == (50, 26.875, "cm")
    assert m.reference["label"] == "brick" and m.reference["length"] == 21.5
    assert fr.measurements(case, item)[0] == m
    other_tag = fr.tag_fragment(case, other, fr.rect(0, 0, 4, 4), grid="stored")
    with pytest.raises(fr.FragmentError, match="same picture"):
        fr.measure(case, brick.id, (0, 0), (3, 4), grid="stored", fragment_ref=other_tag.fragment_id)
    with pytest.raises(fr.FragmentError, match="positive"):
        fr.set_scale(case, item, (0, 0), (1, 1), length=0, unit="cm", label="x", grid="stored")
    fr.delete_scale(case, brick.id)
    assert fr.scales(case, item) == [] and fr.measurements(case, item)[0].reference["label"] == "brick"
    case.close()
    assert verify_case(case.root).ok


def test_taxonomy_extensions_and_suggestions_grow_from_the_case(case: Case, tmp_path: Path) -> None:
    item = _import(case, _oriented_jpeg(tmp_path / "a.jpg", 1))
    first = fr.tag_fragment(case, item, fr.rect(0, 0, 9, 9), grid="stored",
                            fields={"category": "glide bomb", "designation": "GBU-39", "manufacturer": "Acme"})
    assert "category_unknown" in {n.code for n in first.notices}
    assert fr.extend_taxonomy(case, "category", "Glide bomb", note="seen in this case") == "glide-bomb"
    with pytest.raises(fr.FragmentError, match="already"):
        fr.extend_taxonomy(case, "category", "glide bomb")
    fr.extend_taxonomy(case, "component", "Wing kit", category="glide bomb")
    fr.extend_taxonomy(case, "designation", "SDB", category="guided bomb kit")
    tax = fr.case_taxonomy(case)
    assert tax.resolve("category", "Glide Bomb") == "glide-bomb"
    assert tax.components_for("glide-bomb")[0].id == "wing-kit"
    assert len(fr.list_fragments(case, fr.FragmentFilter(category="glide bomb"))) == 1
    second = fr.tag_fragment(case, item, fr.rect(0, 0, 9, 9), grid="stored",
                             fields={"category": "glide bomb", "designation": "gbu 39"})
    assert second.notices[0].code == "designation_variant" and "GBU-39" in second.notices[0].message
    assert [(s.value, s.count) for s in fr.suggest(case, "designation", typed="gbu")] == [("gbu 39", 1), ("GBU-39", 1)]
    assert [s.value for s in fr.suggest(case, "designation", category="guided-bomb-kit")] == ["SDB"]
    assert fr.suggest(case, "manufacturer", typed="ac")[0].value == "Acme"
    case.close()
    assert verify_case(case.root).ok


def test_filters_and_exports_carry_hashes_regions_and_cage_names(case: Case, tmp_path: Path) -> None:
    a = _import(case, _oriented_jpeg(tmp_path / "a.jpg", 1))
    b = _import(case, _oriented_jpeg(tmp_path / "b.jpg", 3, seed=7))
    fr.tag_fragment(case, a, fr.rect(1, 2, 30, 20), grid="stored",
                    fields={"category": "missile", "component": "data plate", "cage": "1ABC2", "confidence": "confirmed"})
    fr.tag_fragment(case, b, fr.point(10, 10), grid="upright",
                    fields={"category": "mortar bomb", "lot": "LOT-77", "designation": "M720"})
    incident = record_incident(case, "Strike on the market")
    link_items(case, incident.incident_id, [b])

    def names(**kw: str) -> list[str]:
        return [f.item_id for f in fr.list_fragments(case, fr.FragmentFilter(**kw))]

    assert names(category="Missile") == [a] and names(component="dataplate") == [a]
    assert names(code="lot-7") == [b] and names(code="1abc") == [a] and names(designation="720") == [b]
    assert names(confidence="confirmed") == [a] and names(incident="Strike on the market") == [b]
    assert names(item=b[:8]) == [b]

    table = tmp_path / "cage.csv"
    table.write_text("CAGE Code,Entity Name,Country\n1abc2,Example Works,XX\n", encoding="utf-8")
    cage_names = fr.load_cage_csv(table)
    path = fr.export_fragments(case, fr.list_fragments(case), "csv", cage_names=cage_names)
    assert path.parent == case.root / "exports"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows[0]["item_sha256"] == case.find_item(a)["sha256"] and rows[0]["cage_name"] == "Example Works"
    assert json.loads(rows[0]["region"]) == {"shape": "rect", "points": [[1, 2], [31, 22]]}
    assert rows[1]["shape"] == "point" and rows[1]["item_md5"] == case.find_item(b)["md5"]
    doc = json.loads(fr.render_export(case, fr.list_fragments(case), "json"))
    seq, head = case.head()
    assert doc["head"] == f"{seq}:{head}" and doc["fragments"][1]["region"]["points"] == [[110, 70]]
    assert doc["fragments"][0]["category_label"] == "missile"
    bad = tmp_path / "bad.csv"
    bad.write_text("code;name\n", encoding="utf-8")
    with pytest.raises(fr.FragmentError, match="needs a header"):
        fr.load_cage_csv(bad)


def test_verify_reports_a_fragment_row_changed_behind_the_log(case: Case, tmp_path: Path) -> None:
    item = _import(case, _oriented_jpeg(tmp_path / "a.jpg", 1))
    fr.tag_fragment(case, item, fr.rect(0, 0, 9, 9), grid="stored", fields={"cage": "1ABC2"}, crop=False)
    case.conn.execute("UPDATE fragments SET cage = '9ZZZ9'")
    case.close()
    report = verify_case(case.root)
    assert not report.ok
    assert any(f.code == "projection_mismatch" and "fragments" in f.message for f in report.findings)
