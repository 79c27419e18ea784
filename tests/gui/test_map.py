"""The map dock and the Location tab: pins from file GPS, placing a claim, coordinate search, distances."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.factory import make_jpeg
from tests.gui.conftest import FAST
from verify_bench import geo
from verify_bench.case import Case
from verify_bench.geo.mercator import project
from verify_bench.ingest.pipeline import run_import
from verify_bench.verify import verify_case

RAFAH = (31.2968, 34.2435)


def gps_exif(lat: float, lon: float) -> bytes:
    """EXIF with a GPS position, as a phone writes it (degrees, minutes, seconds as rationals)."""
    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational

    def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
        value = abs(value)
        degrees, minutes = int(value), int(value % 1 * 60)
        return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(round((value * 60 % 1) * 6000), 100)

    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[0x8825] = {1: "N" if lat >= 0 else "S", 2: dms(lat), 3: "E" if lon >= 0 else "W", 4: dms(lon)}
    return exif.tobytes()


@pytest.fixture(scope="session")
def _gps_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two photos 60 m apart in Rafah, one in Kyiv, one without GPS."""
    src = tmp_path_factory.mktemp("gps_src")
    places = {"rafah_a.jpg": RAFAH, "rafah_b.jpg": (RAFAH[0] + 0.0005, RAFAH[1] + 0.0002), "kyiv.jpg": (50.4501, 30.5234)}
    for seed, (name, (lat, lon)) in enumerate(places.items()):
        (src / name).write_bytes(make_jpeg(seed=seed, exif=gps_exif(lat, lon)))
    (src / "no_gps.jpg").write_bytes(make_jpeg(seed=7))
    root = tmp_path_factory.mktemp("gps_template") / "gps.vbcase"
    with Case.create(root, actor="tester") as case:
        run_import(case, [src], options=FAST)
    return root


@pytest.fixture
def ws(window, qtbot, _gps_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    root = tmp_path / "gps.vbcase"
    shutil.copytree(_gps_template, root)
    assert window.open_case(root)
    qtbot.waitUntil(lambda: window.workspace.model.rowCount() == 4, timeout=5000)
    window.workspace.map_dock.show()
    qtbot.waitUntil(lambda: window.workspace.map.model.settled, timeout=10_000)  # pins are read off the GUI thread
    return window.workspace


def _select(ws, qtbot, name: str) -> str:  # type: ignore[no-untyped-def]
    item_id = ws.session.case.conn.execute("SELECT id FROM items WHERE display_name = ?", (name,)).fetchone()[0]
    assert ws.browser.select_item(item_id)
    qtbot.waitUntil(lambda: ws.map.model.item_id == item_id and ws.detail.item_id == item_id)
    return item_id


def _claims(ws, item_id: str) -> list[geo.LocationClaim]:  # type: ignore[no-untyped-def]
    return geo.location_claims(ws.session.case, item_id=item_id)


def test_the_map_shows_a_pin_per_photo_with_gps_clustered_when_zoomed_out(ws, qtbot):
    pins = ws.map.model.pins
    assert sorted(p.label for p in pins) == ["kyiv.jpg", "rafah_a.jpg", "rafah_b.jpg"]
    assert {p.basis for p in pins} == {"file GPS"}
    canvas = ws.map.canvas
    canvas.centre_on(*RAFAH, zoom=5)
    canvas._layout_pins()  # at once, not after the zoom settles
    assert sorted(len(m.group.pins) for m in canvas.pin_markers) == [1, 2]
    canvas.centre_on(*RAFAH, zoom=18)
    canvas._layout_pins()
    assert sorted(len(m.group.pins) for m in canvas.pin_markers) == [1, 1, 1]
    assert ws.map.attribution.text() == geo.ATTRIBUTION


def test_the_basemap_is_built_when_the_map_is_first_shown(window, qtbot, _gps_template: Path, tmp_path: Path):
    """Opening a case with the map dock closed spends nothing on the basemap's 11,000 points."""
    root = tmp_path / "gps.vbcase"
    shutil.copytree(_gps_template, root)
    assert window.open_case(root)
    ws = window.workspace
    assert not ws.map_dock.isVisible() and ws.map.canvas.basemap == []  # the map dock starts closed
    ws.map_dock.show()
    qtbot.waitUntil(lambda: ws.map.canvas.isVisible())
    land = [item for item in ws.map.canvas.basemap if item.toolTip() == "Ukraine"]
    assert land and land[0].isVisible() and land[0].scene() is ws.map.canvas.scene()


def test_incidents_appear_as_their_own_pins(ws, qtbot):
    ws.session.write(lambda case: geo.record_incident(case, "Strike at the market", lat=RAFAH[0], lon=RAFAH[1]),
                     name="Recording an incident")
    qtbot.waitUntil(lambda: any(p.kind == "incident" for p in ws.map.model.pins), timeout=5000)
    ws.map.canvas.centre_on(*RAFAH, zoom=18)
    ws.map.canvas._layout_pins()
    kinds = [m.group.pins[0].kind for m in ws.map.canvas.pin_markers]
    assert kinds.count("incident") == 1 and kinds.count("item") == 3


def test_clicking_a_pin_selects_its_item(ws, qtbot):
    canvas = ws.map.canvas
    canvas.centre_on(50.4501, 30.5234, zoom=10)
    canvas._layout_pins()
    marker = next(m for m in canvas.pin_markers if m.group.pins[0].label == "kyiv.jpg")
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(marker.pos()) + QPoint(0, -8))
    qtbot.waitUntil(lambda: ws.detail.item_id == marker.group.pins[0].ref)


def test_clicking_in_set_location_mode_and_accepting_the_dialog_records_a_claim(ws, qtbot):
    item_id = _select(ws, qtbot, "rafah_a.jpg")
    canvas = ws.map.canvas
    canvas.centre_on(RAFAH[0] + 0.01, RAFAH[1], zoom=15)
    ws.map.set_location.setChecked(True)
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.viewport().rect().center())
    dialog = ws.map.claim_dialog
    assert dialog is not None and dialog.isVisible()
    lat, lon = geo.parse_point(dialog.coords.text()).lat, geo.parse_point(dialog.coords.text()).lon
    assert (lat, lon) == pytest.approx((RAFAH[0] + 0.01, RAFAH[1]), abs=1e-4)
    dialog.precision.setValue(40)
    dialog.has_direction.setChecked(True)
    dialog.direction.setValue(120)
    dialog.note.setText("water tower matches")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: len(_claims(ws, item_id)) == 1, timeout=5000)
    claim = _claims(ws, item_id)[0]
    assert (claim.precision_m, claim.direction_deg, claim.note, claim.method) == (40, 120, "water tower matches",
                                                                                 "landmark_match")
    assert claim.accepted and not ws.map.set_location.isChecked()
    assert verify_case(ws.session.root).ok
    qtbot.waitUntil(lambda: ws.map.model.locations is not None and len(ws.map.model.locations.claims) == 1)
    assert len(ws.map.canvas.overlay) >= 5  # circle, wedge, centre, distance line and label, file GPS
    assert next(p for p in ws.map.model.pins if p.ref == item_id).basis == "accepted claim"


def test_the_claim_dialog_says_what_is_wrong_with_typed_coordinates(ws, qtbot):
    _select(ws, qtbot, "no_gps.jpg")
    ws.map.canvas.centre_on(*RAFAH, zoom=12)
    qtbot.mouseClick(ws.map.canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     ws.map.canvas.viewport().rect().center())
    dialog = ws.map.claim_dialog
    dialog.coords.setText("95, 34")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "out of range" in dialog.error.text()
    dialog.coords.setText("36R XV 39298 86136")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: ws.map.model.locations is not None and len(ws.map.model.locations.claims) == 1)
    assert ws.map.model.locations.claims[0].input_text == "36R XV 39298 86136"


def test_search_centres_on_mgrs_and_plus_codes_and_reports_nonsense(ws, qtbot):
    canvas = ws.map.canvas
    for text in ("36R XV 39298 86136", "8G3PGF28+MPM", "geo:31.5017,34.4668"):
        canvas.centre_on(0, 0, zoom=3)
        ws.map.search.setText(text)
        qtbot.keyClick(ws.map.search, Qt.Key.Key_Return)
        assert ws.map.search_error.isHidden()
        assert canvas.centre() == pytest.approx((31.5017, 34.4668), abs=2e-3)
        assert canvas.zoom >= 12
        assert canvas.search_marker is not None
        assert canvas.search_marker.pos().x() == pytest.approx(project(31.5017, 34.4668)[0], abs=1e-4)
    ws.map.search.setText("somewhere nice")
    qtbot.keyClick(ws.map.search, Qt.Key.Key_Return)
    assert not ws.map.search_error.isHidden()
    assert "is not coordinates" in ws.map.search_error.text()


def test_the_location_tab_lists_claims_with_distances_and_flags_disagreement(ws, qtbot):
    item_id = _select(ws, qtbot, "rafah_b.jpg")
    near = geo.ParsedPoint(RAFAH[0] + 0.0005, RAFAH[1] + 0.0003, "decimal")
    far = geo.ParsedPoint(RAFAH[0] + 0.05, RAFAH[1], "decimal")
    ws.session.write(lambda c: (geo.claim_location(c, item_id, near, precision_m=30, method="landmark_match"),
                                geo.claim_location(c, item_id, far, precision_m=100, method="witness")),
                     name="Two claims")
    panel = ws.detail.location
    ws.detail.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)  # two claims and the file GPS
    rows = [[panel.model.item(r, c).text() for c in range(panel.model.columnCount())] for r in range(3)]
    assert rows[0][1] == "Landmark match" and rows[0][3] == "10 m from exif"
    assert rows[1][3].startswith("⚠ 5,5") and rows[1][3].endswith("m from exif")
    assert rows[2][0] == "File GPS (exif)"
    assert "disagrees" in panel.summary.text()
    assert panel.model.item(1, 3).foreground().color().name() == "#d0312d"

    panel.tree.setCurrentIndex(panel.model.index(0, 0))
    assert panel.formats["decimal"].edit.text() == geo.format_decimal(near.lat, near.lon)
    assert panel.formats["mgrs"].edit.text() == geo.all_formats(near.lat, near.lon)["mgrs"]
    panel.formats["pluscode"].button.click()
    assert QApplication.clipboard().text() == geo.all_formats(near.lat, near.lon)["pluscode"]

    first = _claims(ws, item_id)[0].claim_id
    panel.accept_button.click()
    qtbot.waitUntil(lambda: _claims(ws, item_id)[0].accepted, timeout=5000)
    qtbot.waitUntil(lambda: panel.model.item(0, 0).text() == "camera · ✓ accepted")
    assert panel.current_claim_id() == first and not panel.accept_button.isEnabled()
    panel.withdraw_button.click()
    qtbot.waitUntil(lambda: _claims(ws, item_id)[0].withdrawn, timeout=5000)
    assert verify_case(ws.session.root).ok
