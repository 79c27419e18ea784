"""Importing through the UI: menu and drop, progress panel, thumbnails, failures shown where they happen, cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from tests.factory import make_jpeg
from verify_bench.case import Case
from verify_bench.gui import import_job
from verify_bench.gui.models.item_model import ItemRowRole
from verify_bench.verify import verify_case


@pytest.fixture
def workspace(window, tmp_path: Path, fast_imports):  # type: ignore[no-untyped-def]
    assert window.create_case(tmp_path / "case.vbcase")
    return window.workspace


def _rows(ws) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {r.display_name: r for r in (ws.model.item_row(i) for i in range(ws.model.rowCount())) if r}


def test_importing_files_from_the_menu_shows_items_thumbnails_and_the_failed_file(
        workspace, qtbot, photos: Path, monkeypatch):
    ws = workspace
    files = sorted(str(p) for p in photos.iterdir())
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (files, ""))
    with qtbot.waitSignal(ws.imports.finished, timeout=30_000) as finished:
        ws.import_files_action.trigger()
        assert ws.import_dock.isVisible()
    summary = finished.args[0]
    assert summary.imported == 5 and summary.with_problems == 1
    qtbot.waitUntil(lambda: ws.model.rowCount() == 5, timeout=5000)

    panel = ws.import_panel
    assert "Import finished" in panel.headline.text() and "5 new items" in panel.headline.text()
    assert panel.bar.value() == 5 and panel.bar.format() == "5 of 5 files"
    failed = [panel.failures.topLevelItem(i) for i in range(panel.failures.topLevelItemCount())]
    assert [Path(f.text(0)).name for f in failed] == ["broken.jpg"]
    assert failed[0].text(1) in ("truncated", "corrupt")

    rows = _rows(ws)
    assert rows["broken.jpg"].analysis in ("problems", "failed")
    shas = [r.sha256 for name, r in rows.items() if name != "broken.jpg"]
    for sha in shas:
        ws.thumbnails.pixmap(sha, False)
    qtbot.waitUntil(lambda: all(ws.thumbnails.pixmap(s, False) is not None for s in shas), timeout=5000)
    assert not any(ws.thumbnails.pixmap(s, False).isNull() for s in shas)

    panel.failures.itemActivated.emit(failed[0], 0)  # the failed file opens its item, with the error on it
    qtbot.waitUntil(lambda: ws.detail.item_id == rows["broken.jpg"].id)
    assert ws.detail.provenance.problems.isVisibleTo(ws.detail.provenance)
    assert "truncated" in ws.detail.provenance.problems.text() or "corrupt" in ws.detail.provenance.problems.text()
    assert verify_case(ws.session.root).ok


def test_dropping_a_folder_on_the_window_imports_it(window, workspace, qtbot, photos: Path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photos))])
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(workspace.imports.finished, timeout=30_000):
        window.dropEvent(drop)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 5, timeout=5000)


def test_items_appear_while_the_import_runs(workspace, qtbot, tmp_path: Path, monkeypatch):
    """The import is held at its first commit with files done until the list shows them."""
    src = tmp_path / "many"
    src.mkdir()
    for seed in range(30):
        (src / f"p{seed:02d}.jpg").write_bytes(make_jpeg(seed=seed + 20, size=(1200, 900)))
    shown = threading.Event()
    held: list[int] = []
    real_run_import = import_job.run_import

    def held_import(case, inputs, *, progress, **kwargs):  # type: ignore[no-untyped-def]
        def report(p) -> None:  # type: ignore[no-untyped-def]
            progress(p)
            if not held and 0 < p.files_done < p.files_total and not case.conn.in_transaction:
                held.append(p.files_done)  # committed: another connection can see these files now
                assert shown.wait(30), "no items were shown while the import ran"

        return real_run_import(case, inputs, progress=report, **kwargs)

    monkeypatch.setattr(import_job, "run_import", held_import)
    from verify_bench.ingest import pipeline

    monkeypatch.setattr(pipeline, "COMMIT_SECONDS", 0.0)  # commit as often as it can, however fast the files go
    with qtbot.waitSignal(workspace.imports.finished, timeout=60_000):
        workspace.import_paths([src])
        qtbot.waitUntil(lambda: bool(held), timeout=30_000)
        qtbot.waitUntil(lambda: workspace.model.rowCount() >= held[0], timeout=30_000)
        assert workspace.imports.running
        shown.set()
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 30, timeout=5000)


def test_cancelling_an_import_halfway_leaves_a_consistent_case(workspace, qtbot, tmp_path: Path):
    src = tmp_path / "lots"
    src.mkdir()
    for seed in range(40):
        (src / f"f{seed:02d}.jpg").write_bytes(make_jpeg(seed=seed + 100))
    panel = workspace.import_panel
    done: list[object] = []

    def on_file(outcome: object) -> None:
        done.append(outcome)
        if len(done) == 3:
            panel.cancel_button.click()

    workspace.imports.file_done.connect(on_file)
    with qtbot.waitSignal(workspace.imports.finished, timeout=30_000) as finished:
        workspace.import_paths([src])
    summary = finished.args[0]
    assert summary.state == "cancelled"
    assert "Import cancelled" in panel.headline.text()
    with Case.open(workspace.session.root) as case:
        count = case.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    assert 3 <= count < 40
    assert verify_case(workspace.session.root).ok
    qtbot.waitUntil(lambda: workspace.model.rowCount() == count, timeout=5000)


@pytest.mark.corpus
def test_files_from_the_shared_corpus_import_through_the_ui(workspace, qtbot, corpus: Path):
    picks = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in (".jpg", ".jpeg", ".mp4"))[:8]
    if not picks:
        pytest.skip("no JPEG or MP4 files in the corpus")
    with qtbot.waitSignal(workspace.imports.finished, timeout=60_000) as finished:
        workspace.import_paths(picks)
    summary = finished.args[0]
    assert summary.imported + summary.sighted + summary.rejected == len(picks)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == summary.imported, timeout=5000)
    workspace.browser.select_item(workspace.model.index(0, 0).data(ItemRowRole).id)
    assert workspace.detail.provenance.sha256.edit.text()
    assert verify_case(workspace.session.root).ok
