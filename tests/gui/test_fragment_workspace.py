"""Fragment tagging inside the workspace: Item ▸ Tag fragments…, the Fragments dock and its filters; a real photo."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps
from PySide6.QtCore import QItemSelectionModel

from tests.gui.conftest import FAST
from tests.gui.test_fragment_tagging import SCREENSHOTS, _drag, _saved
from verify_bench import fragments as fr
from verify_bench.case import Case
from verify_bench.geo.incidents import link_items, record_incident
from verify_bench.gui.session import CaseSession
from verify_bench.gui.views.fragment_view import FragmentTagView
from verify_bench.ingest.pipeline import run_import


@pytest.fixture
def ws(window, qtbot, filled_case: Path):  # type: ignore[no-untyped-def]
    assert window.open_case(filled_case)
    qtbot.waitUntil(lambda: window.workspace.model.rowCount() == 6, timeout=5000)
    return window.workspace


def _id(ws, name: str) -> str:  # type: ignore[no-untyped-def]
    return ws.session.case.conn.execute("SELECT id FROM items WHERE display_name = ?", (name,)).fetchone()[0]


def _select(ws, name: str) -> None:  # type: ignore[no-untyped-def]
    index = ws.model.index(ws.model.row_of(_id(ws, name)), 0)
    ws.browser.view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def _tag(qtbot, view: FragmentTagView, box: tuple[float, float, float, float], **fields: str) -> None:  # type: ignore[no-untyped-def]
    n = len(view.fragments)
    view.canvas.set_tool("rect")
    _drag(view, box[:2], box[2:])
    view.form.set_fragment(None)
    for name, value in fields.items():
        widget = getattr(view.form, name, None) or view.form.codes[name]
        (widget.setCurrentText if hasattr(widget, "setCurrentText") else
         widget.setPlainText if hasattr(widget, "setPlainText") else widget.setText)(value)
    view.save()
    _saved(qtbot, view, n + 1)


def test_tag_from_the_item_menu_then_find_the_same_kind_across_the_case(ws, qtbot, tmp_path: Path) -> None:
    assert not ws.tag_action.isEnabled()
    _select(ws, "img_1.jpg")
    assert ws.tag_action.isEnabled() and ws.tag_action.shortcut().toString() == "Ctrl+T"
    assert ws.tag_action in ws.menus()["Item"]
    ws.tag_action.trigger()
    view = ws.tabs.currentWidget()
    assert isinstance(view, FragmentTagView) and view.item_id == _id(ws, "img_1.jpg")
    assert view.undo_stack is ws.undo_stack                      # Ctrl+Z in the window undoes tag changes
    qtbot.waitUntil(lambda: view.canvas.has_image, timeout=10_000)
    _tag(qtbot, view, (20, 20, 120, 100), category="guided bomb kit", component="tail kit / fins",
         designation="GBU-39/B", markings="GBU-39/B\nCAGE 12345")
    ws.tag_action.trigger()
    assert ws.tabs.currentWidget() is view                       # one tab per item

    other = ws.tag_fragments(_id(ws, "img_3.jpg"))
    assert other is not view
    qtbot.waitUntil(lambda: other.canvas.has_image, timeout=10_000)
    _tag(qtbot, other, (60, 40, 160, 200), category="guided bomb kit", component="tail kit / fins")
    _tag(qtbot, other, (200, 100, 260, 200), category="artillery projectile", component="fuze", nsn="1390-01-234-5678")

    # "same kind in case": the dock lists every tail kit of a guided bomb kit, on both photos
    other.select_fragment(other.fragments[0].id)
    other.same_kind_action.trigger()
    panel = ws.fragment_list
    assert ws.fragments_dock.isVisible()
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 2, timeout=5000)
    assert {f.item_name for f in panel.fragments} == {"img_1.jpg", "img_3.jpg"}
    assert "2 tags match" in panel.count.text()

    # a marking or code typed in the search box
    panel.clear_filters()
    assert panel.tree.topLevelItemCount() == 3
    panel.search.setText("cage 12345")
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 1, timeout=5000)
    panel.search.setText("1390-01")
    qtbot.waitUntil(lambda: [f.component for f in panel.fragments] == ["fuze"], timeout=5000)
    panel.search.setText("no such thing")
    qtbot.waitUntil(lambda: panel.stack.currentWidget() is panel.empty, timeout=5000)
    assert "No tag matches" in panel.empty.text()
    panel.clear_filters()

    # an incident: only the tags on its items
    with Case.open(ws.session.root) as case:
        incident = record_incident(case, "Strike on the market", time="2024-03-02T10:15:00+02:00")
        link_items(case, incident.incident_id, [_id(ws, "img_3.jpg")])
    ws.session.notify_changed(now=True)
    assert panel.incident.isEnabled() and panel.incident.itemText(1) == "Strike on the market (2024-03-02)"
    panel.incident.setCurrentIndex(1)
    assert {f.item_name for f in panel.fragments} == {"img_3.jpg"} and len(panel.fragments) == 2
    panel.clear_filters()
    panel.category.setCurrentIndex(panel.category.findData("guided-bomb-kit"))
    assert panel.tree.topLevelItemCount() == 2
    qtbot.waitUntil(lambda: not panel.tree.topLevelItem(0).icon(0).isNull(), timeout=5000)   # crops as thumbnails

    ws.fragments_dock.setFloating(True)              # wide enough for every column, for the screenshot
    ws.fragments_dock.resize(780, 360)
    qtbot.wait(50)
    assert ws.fragments_dock.grab().save(str(SCREENSHOTS / "fragments-list.png"))
    ws.fragments_dock.setFloating(False)

    # opening a row: the item's tab with that tag selected
    row = panel.tree.topLevelItem(0)
    panel.tree.itemActivated.emit(row, 0)
    assert ws.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.canvas.selected == view.fragments[0].id, timeout=5000)

    # export what is listed
    target = tmp_path / "fragments.csv"
    panel.export(str(target))
    qtbot.waitUntil(target.is_file, timeout=5000)
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["category"] for r in rows] == ["guided-bomb-kit", "guided-bomb-kit"]
    assert rows[0]["item_sha256"] and rows[0]["region"]



def test_the_detail_view_opens_the_tagging_tab_and_an_empty_case_says_how_to_start(ws, qtbot) -> None:
    ws.fragments_dock.show()
    panel = ws.fragment_list
    assert panel.stack.currentWidget() is panel.empty and "Ctrl+T" in panel.empty.text()
    assert not panel.incident.isEnabled() and panel.incident.currentText() == "no incidents recorded"
    ws.browser.select_item(_id(ws, "img_2.jpg"))
    qtbot.waitUntil(lambda: ws.detail.item_id == _id(ws, "img_2.jpg"), timeout=5000)
    assert ws.detail.tag_button.isEnabled()
    ws.detail.tag_button.click()
    view = ws.tabs.currentWidget()
    assert isinstance(view, FragmentTagView) and view.item_id == _id(ws, "img_2.jpg")
    ws.tabs.tabCloseRequested.emit(ws.tabs.indexOf(view))
    assert ws.tabs.count() == 1


@pytest.mark.parametrize("name", ["portrait_6.jpg", "landscape_5.jpg"])
def test_a_region_drawn_on_a_real_rotated_photo_lands_on_its_stored_pixels(qtbot, qapp, corpus: Path,
                                                                        tmp_path: Path, name: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(corpus / "exif-samples" / "jpg" / "orientation" / name, src / name)
    root = tmp_path / "real.vbcase"
    with Case.create(root, actor="tester") as case:
        run_import(case, [src], options=FAST)
    session = CaseSession(root)
    try:
        item_id = session.case.conn.execute("SELECT id FROM items").fetchone()[0]
        view = FragmentTagView(session, item_id)
        qtbot.addWidget(view)
        view.resize(1100, 760)
        view.show()
        qtbot.waitUntil(lambda: view.canvas.has_image, timeout=10_000)
        upright = ImageOps.exif_transpose(Image.open(src / name)).convert("RGB")
        assert (view.geometry_.upright_width, view.geometry_.upright_height) == upright.size
        _drag(view, (0, 0), (0, 0))  # a click in select mode changes nothing
        view.canvas.set_tool("rect")
        _drag(view, (100, 150), (260, 330))
        view.form.category.setCurrentText("unknown")
        view.save()
        _saved(qtbot, view, 1)
        f = view.fragments[0]
        x, y, w, h = view.geometry_.to_upright(f.region).bbox()
        qtbot.waitUntil(f.crop.is_file, timeout=5000)
        crop = np.asarray(Image.open(f.crop).convert("RGB"), dtype=int)
        expected = np.asarray(upright.crop((x, y, x + w, y + h)), dtype=int)
        assert crop.shape == expected.shape
        assert np.abs(crop - expected).mean() < 3        # the crop is the region seen upright, same pixels
        assert fr.get_fragment(session.case, f.id).region == view.geometry_.to_stored(view.geometry_.to_upright(f.region))
    finally:
        session.close()
