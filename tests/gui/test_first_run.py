"""First run: the start screen explains a case and offers the way in; Help shows the guide, licences, version."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from verify_bench import __version__
from verify_bench.case import Case
from verify_bench.gui import settings
from verify_bench.gui.app import ICON_SIZES, app_icon
from verify_bench.gui.help_viewer import IMAGE_WIDTH
from verify_bench.resources import project_dir, user_guide_path


def test_start_screen_explains_a_case_and_offers_the_three_ways_in(window) -> None:
    start = window.start
    sentences = [s for s in start.explanation.text().split(". ") if s.strip()]
    assert "case" in start.explanation.text() and len(sentences) == 2
    assert [b.text() for b in (start.sample_button, start.new_button, start.open_button)] == [
        "Open sample case", "Create case…", "Open case…"]
    assert all(b.toolTip() for b in (start.sample_button, start.new_button, start.open_button))
    assert start.sample_button.isDefault()


def test_recent_cases_show_titles_mark_missing_ones_and_can_be_forgotten(window, tmp_path: Path) -> None:
    Case.create(tmp_path / "a.vbcase", title="Strikes on the ring road").close()
    settings.remember_case(tmp_path / "gone.vbcase")
    settings.remember_case(tmp_path / "a.vbcase")
    window.start.reload()
    recent = window.start.recent
    assert recent.item(0).text().startswith("Strikes on the ring road")
    assert "missing" in recent.item(1).text()
    recent.itemActivated.emit(recent.item(1))
    assert window.workspace is None and "is not there any more" in window.start.status.text()
    recent.setCurrentRow(1)
    QApplication.sendEvent(recent, QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier))
    assert settings.recent_cases() == [(tmp_path / "a.vbcase").resolve()]
    assert recent.count() == 1


def test_the_window_has_the_app_icon_in_every_size() -> None:
    sizes = {s.width() for s in app_icon().availableSizes()}
    assert sizes == set(ICON_SIZES)
    assert not QApplication.windowIcon().isNull()


def test_help_menu_has_guide_shortcuts_licences_and_about(window) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    texts = [a.text() for a in help_menu.actions() if not a.isSeparator()]
    assert texts == ["&User guide", "&Keyboard shortcuts", "&Third-party licences", "&About Verify Bench"]
    assert window.guide_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)


def test_user_guide_opens_from_the_local_file_with_its_screenshots(window, qtbot) -> None:
    guide = user_guide_path()
    assert guide == project_dir() / "docs" / "user-guide.md"
    viewer = window.show_user_guide()
    qtbot.addWidget(viewer)
    text = viewer.browser.toPlainText()
    assert "Import" in text and "duplicates" in text.lower() and "report" in text.lower()
    images = [f for f in _image_formats(viewer.browser.document())]
    assert images, "the guide shows screenshots"
    for fmt in images:
        assert fmt.width() == IMAGE_WIDTH
        assert (guide.parent / fmt.name()).is_file(), fmt.name()


def test_start_screen_link_opens_the_guide(window, qtbot, monkeypatch) -> None:
    opened = []
    monkeypatch.setattr(window, "show_user_guide", lambda: opened.append(True))
    window.start.guide_requested.disconnect()
    window.start.guide_requested.connect(window.show_user_guide)
    window.start.guide_link.linkActivated.emit("guide")
    assert opened == [True]


def test_third_party_licences_are_shown(window, qtbot) -> None:
    viewer = window.show_licences()
    qtbot.addWidget(viewer)
    assert "PySide6" in viewer.browser.toPlainText() and "FFmpeg" in viewer.browser.toPlainText()


def test_about_names_version_and_licence_and_links_the_licences(window, qtbot, monkeypatch) -> None:
    seen = {}

    def fake_exec(box: QMessageBox) -> int:
        seen["text"] = box.text()
        seen["buttons"] = [b.text() for b in box.buttons() if isinstance(b, QPushButton)]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    window.about_action.trigger()
    assert __version__ in seen["text"] and "General Public License" in seen["text"]
    assert "Third-party licences…" in seen["buttons"]


def _image_formats(document):  # type: ignore[no-untyped-def]
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                yield fmt.toImageFormat()
            it += 1
        block = block.next()
