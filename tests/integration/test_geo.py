"""Location and time claims, incidents, reference layers and exports in a real case, replayed by ``verify``."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from tests.factory import make_jpeg
from verify_bench.case import Case
from verify_bench.chrono import claim_time, item_times, time_of_day, timeline
from verify_bench.cli import main
from verify_bench.geo import (
    GeoError,
    accept_location,
    claim_location,
    export_geo,
    import_layer,
    incident_relations,
    item_locations,
    item_relations,
    link_items,
    parse_point,
    record_incident,
    remove_layer,
    to_geojson,
    to_kml,
    withdraw_location,
)
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.verify import verify_case

FAST = ImportOptions(workers=1)
KML_NS = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture
def two_items(case: Case, tmp_path: Path) -> tuple[Case, str, str]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(make_jpeg(seed=1))
    (folder / "b.jpg").write_bytes(make_jpeg(seed=2))
    run_import(case, [str(folder)], options=FAST)
    ids = [r[0] for r in case.conn.execute("SELECT id FROM items ORDER BY display_name")]
    return case, ids[0], ids[1]


def test_claims_are_events_and_exactly_one_is_accepted(two_items: tuple[Case, str, str]) -> None:
    case, a, _ = two_items
    first = claim_location(case, a, parse_point("31.5017, 34.4668"), precision_m=30, method="landmark_match",
                           direction_deg=270.0, note="minaret and water tower line up", accept=True)
    second = claim_location(case, a, parse_point("36R XV 3929 8613"), method="satellite_comparison",
                            position="subject")
    assert second.precision_m == pytest.approx(7.07, abs=0.01)   # from the 10 m MGRS square
    assert item_locations(case, a).accepted == first
    accept_location(case, second.claim_id[:8])
    view = item_locations(case, a)
    assert view.accepted is not None and view.accepted.claim_id == second.claim_id
    assert [c.accepted for c in view.claims] == [False, True]
    withdraw_location(case, second.claim_id, note="wrong building")
    view = item_locations(case, a)
    assert view.accepted is None and view.claims[1].withdrawn
    with pytest.raises(GeoError, match="was withdrawn"):
        accept_location(case, second.claim_id)
    kinds = [e.kind for e in case.events(item_id=a)][-5:]
    assert kinds == ["location.claimed", "location.accepted", "location.claimed", "location.accepted",
                     "location.withdrawn"]
    assert first.actor == "tester"
    assert verify_case(case.root).ok


def test_a_claim_must_say_how_sure_it_is_and_how_it_was_found(two_items: tuple[Case, str, str]) -> None:
    case, a, _ = two_items
    point = parse_point("31.5, 34.4")
    with pytest.raises(GeoError, match="give a precision radius"):
        claim_location(case, a, point, method="witness")
    with pytest.raises(GeoError, match="method 'guess'"):
        claim_location(case, a, point, precision_m=5, method="guess")  # type: ignore[arg-type]
    with pytest.raises(GeoError, match="viewing direction 360"):
        claim_location(case, a, point, precision_m=5, method="witness", direction_deg=360)


def test_times_incidents_timeline_and_time_of_day(two_items: tuple[Case, str, str]) -> None:
    case, a, b = two_items
    claim_location(case, a, parse_point("31.5017, 34.4668"), precision_m=30, method="witness", accept=True)
    claimed = claim_time(case, a, "2024-05-06T01:30", precision_s=900, method="witness")
    assert (claimed.time, claimed.zone) == ("2024-05-06T01:30:00+03:00", "Asia/Gaza")  # the accepted place's zone
    claim_time(case, b, "2024-05-05T12:00Z", precision_s=60, method="shadow_sun")
    night = record_incident(case, "Strike on the port", time="2024-05-06T01:00", lat=31.5017, lon=34.4668)
    day = record_incident(case, "Market strike", time="2024-05-06T13:00+03:00")
    record_incident(case, "Unknown time")
    link_items(case, night.incident_id, [a, b])
    times = item_times(case, b)
    assert times.best is not None and times.best.kind == "claim"
    assert [c.code for c in times.contradictions] == ["far_from_incident"]  # 12:00Z is 10 h before 01:00+03
    order = [e.item_id for e in timeline(case, incident_ref="Strike on the port")]
    assert order == [b, a]
    hours = time_of_day(case)
    assert hours.hours[1] == 1 and hours.hours[13] == 1 and len(hours.unknown) == 1
    from datetime import time
    assert hours.between(time(23), time(4)) == 1
    assert day.zone is None
    assert verify_case(case.root).ok


def test_reference_layers_answer_which_areas_contain_items_and_incidents(
        two_items: tuple[Case, str, str], tmp_path: Path) -> None:
    case, a, _ = two_items
    layer_file = tmp_path / "zones.geojson"
    layer_file.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Humanitarian zone", "date": "2023-12-06"},
         "geometry": {"type": "Polygon", "coordinates": [[[34.2, 31.3], [34.35, 31.3], [34.35, 31.4], [34.2, 31.4],
                                                          [34.2, 31.3]]]}},
        {"type": "Feature", "properties": {"name": "Wadi Gaza"},
         "geometry": {"type": "LineString", "coordinates": [[34.37, 31.46], [34.47, 31.44]]}}]}))
    layer = import_layer(case, layer_file, name="Orders")
    claim_location(case, a, parse_point("31.35, 34.3"), precision_m=50, method="landmark_match", accept=True)
    relations = item_relations(case, a)
    assert relations is not None and relations.basis.startswith("accepted claim")
    assert [(r.feature_name, r.relation) for r in relations.relations] == [
        ("Humanitarian zone", "inside"), ("Wadi Gaza", "right_of")]
    incident = record_incident(case, "North strike", lat=31.52, lon=34.45)
    found = incident_relations(case, incident.incident_id)
    assert found is not None and [(r.feature_name, r.relation) for r in found.relations] == [("Wadi Gaza", "left_of")]
    remove_layer(case, layer.layer_id)
    assert item_relations(case, a).relations == []  # type: ignore[union-attr]
    assert verify_case(case.root).ok


def test_geojson_and_kml_exports_are_well_formed(two_items: tuple[Case, str, str], tmp_path: Path) -> None:
    case, a, b = two_items
    claim_location(case, a, parse_point("31.5017, 34.4668"), precision_m=30, method="witness", accept=True)
    claim_location(case, b, parse_point("31.52, 34.45"), precision_m=100, method="other")
    record_incident(case, "Strike", time="2024-05-06T01:00+03:00", lat=31.5, lon=34.46)
    data = json.loads(to_geojson(case))
    assert data["type"] == "FeatureCollection"
    layers = sorted(f["properties"]["layer"] for f in data["features"])
    assert layers == ["claim", "claim", "incident", "item"]   # b has a claim but no accepted place
    for f in data["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    item = next(f for f in data["features"] if f["properties"]["layer"] == "item")
    assert item["geometry"]["coordinates"] == [34.4668, 31.5017]
    assert len(item["properties"]["sha256"]) == 64 and item["properties"]["basis"].startswith("accepted claim")
    root = ElementTree.fromstring(to_kml(case))
    assert root.tag == f"{KML_NS}kml"
    folders = {f.findtext(f"{KML_NS}name"): f for f in root.iter(f"{KML_NS}Folder")}
    assert set(folders) == {"items", "claims", "incidents"}
    coords = folders["items"].find(f".//{KML_NS}Point/{KML_NS}coordinates")
    assert coords is not None and coords.text == "34.4668000,31.5017000"
    path = export_geo(case, "csv")
    assert path == case.root / "exports" / "geo.csv" and path.read_text().startswith("layer,id,name,lat,lon")


def test_cli_locate_locations_sun_and_export(two_items: tuple[Case, str, str], tmp_path: Path) -> None:
    case, a, _ = two_items
    root = str(case.root)
    case.close()
    runner = CliRunner()
    done = runner.invoke(main, ["locate", root, a[:8], "--plus-code", "8G3PGF28+MPM", "--method", "landmark_match",
                                "--accept", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["accepted"] is True
    bad = runner.invoke(main, ["locate", root, a[:8], "--mgrs", "36RXV123", "--method", "witness"])
    assert bad.exit_code == 2 and "easting and northing need the same count" in bad.output
    both = runner.invoke(main, ["locate", root, a[:8], "--lat", "1", "--lon", "2", "--mgrs", "36RXV12",
                                "--method", "witness", "--precision", "5"])
    assert both.exit_code == 2 and "give the place once" in both.output
    shown = runner.invoke(main, ["locations", root, a[:8], "--json"])
    assert json.loads(shown.output)[0]["accepted"]["input_format"] == "pluscode"
    sun = runner.invoke(main, ["sun", "--lat", "0", "--lon", "0", "--time", "2024-03-20T12:07Z", "--json"])
    assert sun.exit_code == 0 and json.loads(sun.output)["elevation_deg"] > 89.5
    out = tmp_path / "out.kml"
    exported = runner.invoke(main, ["export-geo", root, "--format", "kml", "--output", str(out)])
    assert exported.exit_code == 0 and ElementTree.parse(out).getroot().tag == f"{KML_NS}kml"
    band = runner.invoke(main, ["shadow-band", "--ratio", "1", "--time", "2024-05-06T09:00Z"])
    assert json.loads(band.output)["features"][0]["geometry"]["type"] == "Polygon"
