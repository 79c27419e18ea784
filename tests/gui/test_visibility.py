"""Panels read the case only while they are on screen."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from verify_bench.gui.views.visibility import RefreshWhenShown


class _Case(QObject):
    changed = Signal()


def test_a_hidden_panel_reads_once_when_shown_and_a_shown_one_on_every_change(qtbot):
    case, reads = _Case(), []
    panel = QWidget()
    qtbot.addWidget(panel)
    RefreshWhenShown(panel, case.changed, lambda: reads.append("read"))
    case.changed.emit()
    case.changed.emit()
    assert reads == []                      # hidden: nothing read, however often the case changes
    panel.show()
    qtbot.waitExposed(panel)
    assert reads == ["read"]                # first showing reads once
    case.changed.emit()
    assert reads == ["read"] * 2            # shown: every change is read at once
    panel.hide()
    panel.show()
    assert reads == ["read"] * 2            # shown again with nothing new: no read


def test_a_panel_given_its_content_another_way_does_not_read_on_first_show(qtbot):
    case, reads = _Case(), []
    panel = QWidget()
    qtbot.addWidget(panel)
    RefreshWhenShown(panel, case.changed, lambda: reads.append("read"), stale=False)
    panel.show()
    qtbot.waitExposed(panel)
    assert reads == []
    panel.hide()
    case.changed.emit()
    panel.show()
    assert reads == ["read"]
