"""The fragment tagging view: draw, fill, save, edit, delete, undo, measure, video frames, code notices."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from tests.factory import make_jpeg, make_video
from tests.gui.conftest import FAST
from tests.gui.conftest import SCREENSHOTS
from verify_bench import fragments as fr
from verify_bench.case import Case
from verify_bench.gui.session import CaseSession
from verify_bench.gui.views.fragment_view import FragmentTagView
from verify_bench.ingest.pipeline import run_import
from verify_bench.verify import verify_case



def _oriented_jpeg(path: Path, orientation: int, size: tuple[int, int] = (480, 320), seed: int = 3) -> Path:
    img = Image.open(io.BytesIO(make_jpeg(size, seed=seed)))
    exif = Image.Exif()
    exif[0x0112] = orientation
    img.save(path, "JPEG", quality=92, exif=exif)
    return path


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("fragment_src")
    _oriented_jpeg(src / "strike_o6.jpg", 6)
    _oriented_jpeg(src / "reference.jpg", 1, size=(200, 150), seed=8)
    make_video(src / "clip.mp4", [(250, 0, 0), (0, 250, 0), (0, 0, 250), (250, 250, 0), (0, 250, 250), (250, 0, 250)],
               fps=5, gop=2)
    root = tmp_path_factory.mktemp("fragment_case") / "case.vbcase"
    with Case.create(root, actor="tester") as case:
        run_import(case, [src], options=FAST)
    return root


@pytest.fixture
def session(_template: Path, tmp_path: Path, qapp) -> Iterator[CaseSession]:  # type: ignore[no-untyped-def]
    root = tmp_path / "case.vbcase"
    shutil.copytree(_template, root)
    s = CaseSession(root)
    yield s
    s.close()


def _id(session: CaseSession, name: str) -> str:
    return session.case.conn.execute("SELECT id FROM items WHERE display_name = ?", (name,)).fetchone()[0]


def _open(qtbot, session: CaseSession, name: str) -> FragmentTagView:  # type: ignore[no-untyped-def]
    view = FragmentTagView(session, _id(session, name))
    qtbot.addWidget(view)
    view.resize(1280, 820)
    view.show()
    qtbot.waitUntil(lambda: view.canvas.has_image, timeout=10_000)
    return view


def _at(view: FragmentTagView, x: float, y: float) -> QPoint:
    """The viewport position of the upright picture's point (x, y)."""
    return view.canvas.mapFromScene(QPointF(x, y))


def _drag(view: FragmentTagView, a: tuple[float, float], b: tuple[float, float]) -> None:
    vp = view.canvas.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _at(view, *a))
    QTest.mouseMove(vp, _at(view, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
    QTest.mouseMove(vp, _at(view, *b))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _at(view, *b))


def _click(view: FragmentTagView, x: float, y: float) -> None:
    QTest.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _at(view, x, y))


def _key(view: FragmentTagView, key: Qt.Key) -> None:
    QTest.keyClick(view.canvas, key)


def _saved(qtbot, view: FragmentTagView, count: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: len(view.fragments) == count and not view.session.runner.busy, timeout=10_000)


def _kinds(session: CaseSession) -> list[str]:
    return [r[0] for r in session.case.conn.execute("SELECT kind FROM events WHERE kind LIKE 'fragment.%' ORDER BY seq")]


def test_draw_fill_save_a_rectangle_and_a_polygon_on_a_rotated_photo(qtbot, session: CaseSession) -> None:
    view = _open(qtbot, session, "strike_o6.jpg")
    g = view.geometry_
    assert (g.orientation, g.upright_width, g.upright_height) == (6, 320, 480)
    assert (view.canvas.sceneRect().width(), view.canvas.sceneRect().height()) == (320, 480)  # shown upright
    view.canvas.setFocus()
    _key(view, Qt.Key.Key_R)
    assert view.canvas.tool == "rect"
    _drag(view, (40, 60), (140, 200))
    assert view.pending is not None and view.pending.shape == "rect"
    x, y, w, h = view.pending.bbox()
    assert abs(x - 40) <= 1 and abs(y - 60) <= 1 and abs(w - 100) <= 2 and abs(h - 140) <= 2

    form = view.form
    form.category.setCurrentText("guided bomb kit")
    assert form.component.itemText(1) == "tail kit / fins"          # the category's usual parts first
    form.component.setCurrentText("tail kit / fins")
    form.designation.setCurrentText("GBU-39/B")
    form.markings.setPlainText("  FIN ASSY  \nLOT 12-B\n")
    form.codes["cage"].setText("1abc2")
    form.codes["nsn"].setText("1325012345678")
    form.confidence.setCurrentIndex(form.confidence.findData("probable"))
    view.save_action.trigger()
    _saved(qtbot, view, 1)

    f = view.fragments[0]
    assert (f.category, f.component, f.designation, f.confidence) == ("guided-bomb-kit", "tail-kit", "GBU-39/B", "probable")
    assert f.markings == "  FIN ASSY  \nLOT 12-B\n"                   # verbatim
    assert f.cage == "1abc2" and f.nsn == "1325012345678"             # saved as typed despite the notices
    assert g.to_upright(f.region) == view.geometry_.to_upright(f.region)
    assert g.to_upright(f.region).bbox() == (x, y, w, h)              # drawn upright, recorded on the stored grid
    assert f.region.bbox() == (y, 320 - x - w, h, w)                  # orientation 6: stored = (y, W - x)
    assert "capitals" in view.status.text() or "4-2-3-4" in view.status.text()
    qtbot.waitUntil(lambda: f.crop.is_file(), timeout=5000)
    assert Image.open(f.crop).size == (w, h)                          # the crop is upright, like the drawing

    # a polygon: P, click corners, Enter closes it
    view.new_tag()
    _key(view, Qt.Key.Key_P)
    for p in ((180, 250), (290, 260), (270, 420), (170, 380)):
        _click(view, *p)
    _key(view, Qt.Key.Key_Return)
    assert view.pending is not None and view.pending.shape == "polygon" and len(view.pending.points) == 4
    form.category.setCurrentText("missile")
    form.component.setCurrentText("guidance / seeker section")
    form.codes["manufactured"].setText("2019-07")
    view.save()
    _saved(qtbot, view, 2)
    assert view.fragments[1].region.shape == "polygon"
    assert view.fragments[1].frame_ts is None
    assert _kinds(session) == ["fragment.tagged", "fragment.tagged"]
    assert verify_case(session.root).ok

    # a point: O, one click
    view.new_tag()
    _key(view, Qt.Key.Key_O)
    _click(view, 20.2, 30.7)
    assert view.pending == fr.point(20.5, 30.5)                       # a point lands on its pixel's centre

    view.new_tag()
    view.canvas.select(view.fragments[0].id)
    view.canvas.set_tool("select")
    qtbot.wait(50)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SCREENSHOTS / "fragments-tagging.png"))


def test_invalid_codes_show_a_message_and_never_block_saving(qtbot, session: CaseSession) -> None:
    view = _open(qtbot, session, "reference.jpg")
    form = view.form
    form.codes["cage"].setText("")
    QTest.keyClicks(form.codes["cage"], "12-4")
    QTest.keyClicks(form.codes["nsn"], "1325-01-23")
    QTest.keyClicks(form.codes["manufactured"], "Mar 2019")
    assert form.notices["cage"].isVisibleTo(view) and "5 letters or digits" in form.notices["cage"].text()
    assert "13 digits" in form.notices["nsn"].text()
    assert "kept as typed" in form.notices["manufactured"].text()
    form.codes["cage"].clear()
    QTest.keyClicks(form.codes["cage"], "1ABC2")
    assert not form.notices["cage"].isVisibleTo(view)                 # checked live, while typing
    form.codes["cage"].clear()
    QTest.keyClicks(form.codes["cage"], "12-4")
    view.canvas.set_tool("rect")
    _drag(view, (10, 10), (60, 50))
    view.save()
    _saved(qtbot, view, 1)
    f = view.fragments[0]
    assert (f.cage, f.nsn, f.manufactured) == ("12-4", "1325-01-23", "Mar 2019")
    assert {n.code for n in f.notices} == {"cage_format", "nsn_format", "date_free_text"}
    assert "5 letters or digits" in view.status.text()


def test_editing_geometry_and_fields_and_deleting_are_events_with_undo(qtbot, session: CaseSession) -> None:
    view = _open(qtbot, session, "strike_o6.jpg")
    view.canvas.set_tool("rect")
    _drag(view, (40, 40), (120, 120))
    view.form.category.setCurrentText("rocket")
    view.save()
    _saved(qtbot, view, 1)
    fid = view.fragments[0].id
    assert view.selected_id == fid and view.canvas.selected == fid

    # drag the bottom-right handle: a geometry edit event
    view.canvas.set_tool("select")
    before = view.geometry_.to_upright(view.fragments[0].region)
    _drag(view, (120, 120), (160, 180))
    qtbot.waitUntil(lambda: _kinds(session)[-1] == "fragment.edited" and not session.runner.busy, timeout=5000)
    qtbot.waitUntil(lambda: view.fragments and view.fragments[0].region != view.geometry_.to_stored(before),
                    timeout=5000)
    after = view.geometry_.to_upright(view.fragments[0].region).bbox()
    assert after[:2] == before.bbox()[:2] and abs(after[2] - 120) <= 2 and abs(after[3] - 140) <= 2

    # a field edit, only what differs
    view.form.designation.setCurrentText("Grad 122 mm")
    view.save()
    qtbot.waitUntil(lambda: view.fragments[0].designation == "Grad 122 mm", timeout=5000)
    edit = session.case.conn.execute(
        "SELECT payload FROM events WHERE kind = 'fragment.edited' ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert '"designation":"Grad 122 mm"' in edit and "category" not in edit

    # undo records the old value back, as a new event
    view.undo_stack.undo()
    qtbot.waitUntil(lambda: view.fragments[0].designation is None and not session.runner.busy, timeout=5000)
    assert _kinds(session) == ["fragment.tagged", "fragment.edited", "fragment.edited", "fragment.edited"]

    # Delete removes the selected tag, as an event; undo tags it again
    view.canvas.select(fid)
    view.canvas.setFocus()
    _key(view, Qt.Key.Key_Delete)
    _saved(qtbot, view, 0)
    assert _kinds(session)[-1] == "fragment.deleted"
    assert "Tag deleted" in view.status.text()
    view.undo_stack.undo()
    _saved(qtbot, view, 1)
    restored = view.fragments[0]
    assert restored.category == "rocket" and restored.id != fid
    view.undo_stack.redo()                                            # the handle follows the new id
    _saved(qtbot, view, 0)
    assert verify_case(session.root).ok


def test_esc_cancels_and_a_double_click_closes_a_polygon(qtbot, session: CaseSession) -> None:
    view = _open(qtbot, session, "reference.jpg")
    view.canvas.setFocus()
    _key(view, Qt.Key.Key_P)
    _click(view, 10, 10)
    _click(view, 50, 12)
    assert len(view.canvas.draft) == 2
    _key(view, Qt.Key.Key_Escape)
    assert view.canvas.draft == [] and view.canvas.tool == "polygon"
    _key(view, Qt.Key.Key_Escape)
    assert view.canvas.tool == "select"
    _key(view, Qt.Key.Key_P)
    for p in ((10, 10), (80, 15), (60, 90)):
        _click(view, *p)
    QTest.mouseDClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      _at(view, 60, 90))
    assert view.pending is not None and view.pending.shape == "polygon"
    assert _kinds(session) == []                                       # nothing recorded until Save
    # the unsaved region can be reshaped in select mode; the form being filled stays
    view.form.designation.setCurrentText("M107")
    _key(view, Qt.Key.Key_V)
    _click(view, 50, 40)                                               # inside it: selected, handles shown
    assert view.canvas.selected == "pending" and view.selected_id is None
    _drag(view, (80, 15), (100, 20))
    assert view.pending.points[1] == (100, 20)
    _click(view, 190, 140)                                             # clicking beside it deselects…
    assert view.form.designation.currentText() == "M107"              # …and keeps what was typed
    view.canvas.select("pending")
    _key(view, Qt.Key.Key_Delete)                                      # Delete drops it: nothing to record
    assert view.pending is None and _kinds(session) == []


def test_a_known_length_then_measurements_shown_with_their_reference(qtbot, session: CaseSession,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QDialog

    from verify_bench.gui.views import fragment_measure

    asked: list[str] = []

    def answer(dialog: fragment_measure.ScaleDialog) -> int:   # the user fills in the dialog and presses OK
        asked.append(dialog.windowTitle())
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()   # "what it is" is required
        dialog.length.setValue(50)
        dialog.unit.setCurrentText("cm")
        dialog.label.setText("brick row")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(fragment_measure.ScaleDialog, "exec", answer)
    view = _open(qtbot, session, "strike_o6.jpg")
    view.canvas.setFocus()
    _key(view, Qt.Key.Key_K)
    assert view.side_tabs.currentIndex() == 1                          # the measurements page comes forward
    _drag(view, (20, 100), (220, 100))
    assert asked == ["Known length"]
    qtbot.waitUntil(lambda: view.measure.current_scale() is not None, timeout=5000)
    assert "brick row" in view.measure.preview((20, 200), (120, 200))
    assert "≈ 25.0 cm" in view.measure.preview((20, 200), (120, 200))   # half the pixels, half the length
    view.canvas.set_tool("measure")
    _drag(view, (20, 300), (120, 300))
    qtbot.waitUntil(lambda: view.measure.list.count() == 1, timeout=5000)
    text = view.measure.list.item(0).text()
    assert "brick row" in text and "50 cm over 200 px" in text
    m = fr.measurements(session.case, view.item_id)[0]
    assert m.unit == "cm" and abs(m.length - 25) < 0.6 and m.reference["label"] == "brick row"
    kinds = {o.kind for o in view.canvas.overlays.values()}
    assert {"scale", "measurement"} <= kinds                           # both drawn over the picture
    qtbot.wait(50)
    assert view.grab().save(str(SCREENSHOTS / "fragments-measure.png"))


def test_a_video_frame_is_chosen_and_its_time_recorded(qtbot, session: CaseSession) -> None:
    view = _open(qtbot, session, "clip.mp4")
    assert view.frame_bar.isVisibleTo(view)
    qtbot.waitUntil(lambda: view.frames.count() > 0, timeout=5000)
    view.frame_time.setValue(0.65)
    view.show_frame(0.65)
    qtbot.waitUntil(lambda: view.canvas.has_image and view.stack.currentWidget() is view.canvas, timeout=5000)
    view.canvas.set_tool("rect")
    _drag(view, (8, 8), (40, 32))
    view.form.category.setCurrentText("rocket")
    view.save()
    _saved(qtbot, view, 1)
    f = view.fragments[0]
    assert f.frame_ts == 0.65
    qtbot.waitUntil(lambda: f.crop.is_file(), timeout=5000)
    pixel = np.asarray(Image.open(f.crop).convert("RGB")).reshape(-1, 3).mean(axis=0)
    assert np.abs(pixel - (250, 250, 0)).max() < 30                  # the 4th frame (0.6 s) is the one shown
    view.show_frame(0.0)
    qtbot.waitUntil(lambda: view.frame_ts == 0.0 and view.stack.currentWidget() is view.canvas, timeout=5000)
    assert f.id not in view.canvas.overlays                            # tags of other frames are not drawn here
    view.select_fragment(f.id)                                         # choosing it in the list goes to its frame
    qtbot.waitUntil(lambda: view.frame_ts == 0.65 and view.canvas.selected == f.id, timeout=5000)
    assert view.frames.currentRow() == -1                              # 0.65 s is between keyframes
    view.frames.setCurrentRow(1)                                       # a keyframe picked in the strip
    qtbot.waitUntil(lambda: view.frame_ts == view._times[1] and view.canvas.has_image, timeout=5000)  # noqa: SLF001
    view.show_frame(0.65)
    qtbot.waitUntil(lambda: view.frame_ts == 0.65 and view.stack.currentWidget() is view.canvas, timeout=5000)
    view.select_fragment(f.id)
    assert view.grab().save(str(SCREENSHOTS / "fragments-video.png"))


def test_zoom_and_pan_halfway_through_a_polygon_keep_its_corners(qtbot, session: CaseSession) -> None:
    view = _open(qtbot, session, "strike_o6.jpg")
    view.canvas.set_tool("polygon")
    _click(view, 20, 20)
    _click(view, 100, 30)
    view.canvas.set_zoom(view.canvas.zoom * 2)                          # zoom in while drawing
    vp = view.canvas.viewport()
    start = vp.rect().center()
    before = view.canvas.mapToScene(start)
    QTest.mousePress(vp, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(vp, start + QPoint(-60, -40))
    QTest.mouseRelease(vp, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, start + QPoint(-60, -40))
    assert view.canvas.mapToScene(start) != before                      # the middle button panned
    assert view.canvas.draft == [(20.0, 20.0), (100.0, 30.0)]           # and the drawing went on
    view.canvas.centerOn(QPointF(80, 80))
    _click(view, 90, 110)
    _key(view, Qt.Key.Key_Enter)
    assert view.pending is not None and view.pending.points == ((20, 20), (100, 30), (90, 110))


def test_clicking_a_tag_selects_it_and_the_form_shows_it(qtbot, session: CaseSession) -> None:
    view = _open(qtbot, session, "reference.jpg")
    view.canvas.set_tool("rect")
    _drag(view, (10, 10), (90, 70))
    view.form.category.setCurrentText("landmine")
    view.form.markings.setPlainText("ПМН-2")
    view.save()
    _saved(qtbot, view, 1)
    view.new_tag()
    assert view.form.markings.toPlainText() == "" and view.canvas.selected is None
    view.canvas.set_tool("select")
    _click(view, 50, 40)
    assert view.canvas.selected == view.fragments[0].id
    assert view.form.markings.toPlainText() == "ПМН-2" and view.form.category.currentText() == "landmine"
    view.save()
    assert view.status.text() == "Nothing changed."                      # no empty edit is recorded


def test_a_reference_image_is_picked_from_the_case(qtbot, session: CaseSession) -> None:
    from verify_bench.gui.views.fragment_form import ReferencePicker

    view = _open(qtbot, session, "strike_o6.jpg")
    picker = ReferencePicker(session, view)
    qtbot.addWidget(picker)
    assert picker.list.count() == 3                                      # both photos and the video
    picker.search.setText("refer")
    assert picker.list.count() == 1
    picker.list.setCurrentRow(0)
    picker._accept()  # noqa: SLF001 - what OK or a double-click does
    assert picker.chosen == _id(session, "reference.jpg")
    view.canvas.set_tool("point")
    _click(view, 50, 50)
    view.form._add_ref(picker.chosen)  # noqa: SLF001 - what the picker's OK adds
    view.save()
    _saved(qtbot, view, 1)
    assert view.fragments[0].refs == (_id(session, "reference.jpg"),)
    assert "reference.jpg" in view.form.refs.item(0).text()


def test_a_sensitive_item_is_blurred_until_revealed(qtbot, session: CaseSession) -> None:
    from verify_bench import browse

    item_id = _id(session, "strike_o6.jpg")
    with Case.open(session.root) as case:
        browse.set_flag(case, [item_id], browse.SENSITIVE, True)
    session.notify_changed(now=True)
    assert session.is_blurred(item_id)
    view = _open(qtbot, session, "strike_o6.jpg")
    assert view.reveal_action.isVisible() and "blurred" in view.status.text()
    shown = view.canvas._item.pixmap().toImage()  # noqa: SLF001
    assert shown != view._image  # noqa: SLF001
    view.reveal_action.trigger()
    qtbot.waitUntil(lambda: view.canvas._item.pixmap().toImage() == view._image.convertToFormat(  # noqa: SLF001
        view.canvas._item.pixmap().toImage().format()), timeout=5000)  # noqa: SLF001
    assert not view.reveal_action.isVisible()


def test_closing_the_tab_while_it_loads_drops_late_results(qtbot, session: CaseSession) -> None:
    view = FragmentTagView(session, _id(session, "strike_o6.jpg"))
    view.show()
    view.close()
    view.deleteLater()
    qtbot.wait(20)
    qtbot.waitUntil(lambda: not session.runner.busy, timeout=10_000)
    qtbot.wait(50)                                   # queued results arrive after the widget is gone
    session.write_failed.emit("a late failure")      # no slot of the closed tab is called


def test_a_typed_category_or_component_can_join_the_case_taxonomy(qtbot, session: CaseSession) -> None:
    view = _open(qtbot, session, "reference.jpg")
    form = view.form
    assert not form.extend_buttons["category"].isEnabled()
    form.category.setCurrentText("guided bomb kit")
    assert not form.extend_buttons["category"].isEnabled()            # already known
    form.component.setCurrentText("wing kit")
    assert form.extend_buttons["component"].isEnabled()
    form.extend_buttons["component"].click()
    qtbot.waitUntil(lambda: not session.runner.busy and form.component.findText("wing kit") >= 0, timeout=5000)
    assert _kinds(session) == ["fragment.taxonomy_extended"]
    tax = fr.case_taxonomy(session.case)
    assert tax.resolve("component", "wing kit") == "wing-kit"
    assert "wing-kit" in next(c for c in tax.categories if c.id == "guided-bomb-kit").components
    assert form.component.currentText() == "wing kit" and not form.extend_buttons["component"].isEnabled()
    assert form.fields()["component"] == "wing-kit"


def test_lengths_are_shown_to_three_significant_digits() -> None:
    from verify_bench.gui.views.fragment_measure import shown

    assert [shown(v) for v in (25.013, 123.44, 1234.6, 0.012345, 0)] == ["25.0", "123", "1235", "0.0123", "0"]
