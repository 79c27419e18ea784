"""Reference layers (GeoJSON, KML, KMZ), point-in-area and side-of-line, distances, and the bundled basemap."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from verify_bench.geo import LayerError, bearing_deg, circle, destination, distance_m, load_basemap, view_wedge
from verify_bench.geo.containment import in_polygon, side_of_lines
from verify_bench.geo.layers import read_layer

ZONE = {"type": "Feature", "properties": {"name": "Evacuation zone", "date": "2023-10-13"},
        "geometry": {"type": "Polygon", "coordinates": [
            [[34.0, 31.0], [35.0, 31.0], [35.0, 32.0], [34.0, 32.0], [34.0, 31.0]],
            [[34.4, 31.4], [34.6, 31.4], [34.6, 31.6], [34.4, 31.6], [34.4, 31.4]]]}}
KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
 <Placemark><name>Wadi</name><TimeStamp><when>2023-10-13</when></TimeStamp>
  <ExtendedData><Data name="source"><value>order 12</value></Data></ExtendedData>
  <LineString><coordinates>34.30,31.45,0 34.50,31.40,0</coordinates></LineString></Placemark>
 <Placemark><name>Zone</name><MultiGeometry>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>34,31 35,31 35,32 34,32</coordinates></LinearRing>
  </outerBoundaryIs></Polygon><Point><coordinates>34.5,31.5</coordinates></Point></MultiGeometry></Placemark>
</Folder></Document></kml>"""


def test_reference_distances_and_bearings() -> None:
    assert distance_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-4)           # one degree of meridian
    assert distance_m(51.5007, -0.1246, 48.8584, 2.2945) == pytest.approx(340_900, rel=0.005)  # Big Ben–Eiffel
    assert bearing_deg(0, 0, 0, 1) == pytest.approx(90)
    lat, lon = destination(31.5, 34.47, 45.0, 1000.0)
    assert distance_m(31.5, 34.47, lat, lon) == pytest.approx(1000.0, rel=1e-9)
    assert bearing_deg(31.5, 34.47, lat, lon) == pytest.approx(45.0, abs=1e-6)


def test_precision_circles_and_view_wedges_are_closed_rings_of_the_right_size() -> None:
    ring = circle(31.5, 34.47, 250.0, segments=36)
    assert ring[0] == ring[-1] and len(ring) == 37
    assert all(distance_m(31.5, 34.47, lat, lon) == pytest.approx(250.0, rel=1e-9) for lat, lon in ring)
    wedge = view_wedge(31.5, 34.47, 90.0, spread=20.0, reach_m=400.0)
    assert wedge[0] == wedge[-1] == (31.5, 34.47)
    assert [round(bearing_deg(31.5, 34.47, *p)) for p in (wedge[1], wedge[-2])] == [80, 100]


def test_geojson_features_keep_name_date_and_bounding_box(tmp_path: Path) -> None:
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [ZONE]}))
    fmt, features = read_layer(path)
    assert fmt == "geojson" and len(features) == 1
    assert (features[0]["name"], features[0]["date"]) == ("Evacuation zone", "2023-10-13")
    assert features[0]["bbox"] == [31.0, 34.0, 32.0, 35.0]


def test_kml_and_kmz_placemarks_become_features(tmp_path: Path) -> None:
    kml = tmp_path / "layer.kml"
    kml.write_text(KML)
    fmt, features = read_layer(kml)
    assert fmt == "kml"
    assert [(f["name"], f["geometry"]["type"]) for f in features] == [
        ("Wadi", "LineString"), ("Zone", "Polygon"), ("Zone", "Point")]
    assert features[0]["date"] == "2023-10-13" and features[0]["properties"]["source"] == "order 12"
    assert features[1]["geometry"]["coordinates"][0][-1] == [34.0, 31.0]  # ring closed
    kmz = tmp_path / "layer.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.writestr("doc.kml", KML)
    assert read_layer(kmz)[1] == features


@pytest.mark.parametrize("name, content, message", [
    ("a.geojson", b"{not json", "neither KML nor valid GeoJSON"),
    ("a.geojson", b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [200, 10]}}', "out of range"),
    ("a.geojson", b'{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[0,0]]]}}',
     "at least 4 positions"),
    ("a.geojson", b'{"type": "Feature", "geometry": {"type": "Circle", "coordinates": [1, 2]}}',
     "unsupported geometry type 'Circle'"),
    ("a.kml", b"<kml><Placemark><Point><coordinates>x,y</coordinates></Point></Placemark></kml>",
     "'x,y' is not 'longitude,latitude"),
    ("a.kml", b'<!DOCTYPE kml [<!ENTITY a "aaaa">]><kml>&a;</kml>', "DOCTYPE or entities is refused"),
    ("a.kml", b"<kml><Placemark>", "not well-formed XML"),
    ("a.kmz", b"PK\x03\x04garbage", "not a readable KMZ"),
])
def test_broken_layers_say_what_is_wrong(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LayerError, match=None) as info:
        read_layer(path)
    assert message in str(info.value)


def test_points_inside_areas_respect_holes_and_lines_have_sides() -> None:
    rings = ZONE["geometry"]["coordinates"]
    assert in_polygon(34.2, 31.2, rings)
    assert not in_polygon(34.5, 31.5, rings)        # in the hole
    assert not in_polygon(35.5, 31.5, rings)
    assert in_polygon(34.0, 31.5, rings)            # on the edge counts as inside
    line = [[[34.0, 31.0], [35.0, 31.0]]]           # drawn west to east
    side, metres = side_of_lines(34.5, 31.1, line)
    assert side == "left_of" and metres == pytest.approx(11_120, rel=0.01)
    assert side_of_lines(34.5, 30.9, line)[0] == "right_of"


def test_the_bundled_natural_earth_basemap_holds_countries_and_places() -> None:
    countries = load_basemap("countries")
    assert countries["type"] == "FeatureCollection" and len(countries["features"]) == 177
    names = {f["properties"]["name"] for f in countries["features"]}
    assert {"Israel", "Palestine", "Ukraine", "Syria"} <= names
    egypt = next(f for f in countries["features"] if f["properties"]["name"] == "Egypt")
    assert any(in_polygon(31.24, 30.04, p) for p in (
        [egypt["geometry"]["coordinates"]] if egypt["geometry"]["type"] == "Polygon"
        else egypt["geometry"]["coordinates"]))  # Cairo lies in Egypt
    assert len(load_basemap("places")["features"]) == 243
