"""The Incidents dock: the case-level table with the structured facts, its sorting and filters, CSV export
through the core, the detail pane, opening items, recording an incident, and its place in the workspace."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl

from tests.gui.conftest import SCREENSHOTS
from verify_bench import workflow
from verify_bench.case import Case
from verify_bench.demo import build_demo_case
from verify_bench.geo.incidents import list_incidents
from verify_bench.gui.session import CaseSession
from verify_bench.gui.views.incidents_view import (
    COLUMNS,
    EMPTY_CASE,
    ID_ROLE,
    IncidentsView,
)
from verify_bench.workflow import Figure, IncidentFacts, IncidentTableFilter, Source

SHELTER = "Strike on the school shelter"


def photo_id(case: Case) -> str:
    """The demo's camera photo, the source of the killed figure."""
    return str(case.conn.execute("SELECT id FROM items WHERE display_name = 'DSCN0010.jpg'"
                                 " ORDER BY imported_seq LIMIT 1").fetchone()[0])


@pytest.fixture(scope="module")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample case, its incident given facts, and a second incident (built once for this module)."""
    root = tmp_path_factory.mktemp("incidents") / "demo.vbcase"
    build_demo_case(root)
    with Case.open(root, actor="tester") as case:
        demo = list_incidents(case)[0]
        photo = photo_id(case)
        fragment = case.conn.execute("SELECT id FROM fragments").fetchone()[0]
        workflow.record_facts(case, demo.incident_id, IncidentFacts(
            window_start="2024-05-07T07:30+03:00", window_end="2024-05-07T07:50+03:00",
            description="A bomb hit the market street in the morning.", object_struck="market",
            killed=Figure(4, 1, "medium", (Source(item_id=photo), Source(note="interview with a stall owner"))),
            injured=Figure(11, 3, "low", (Source(note="hospital list"),)), warning="none",
            munition="guided aerial bomb", munition_fragments=(fragment,)))
        workflow.create_incident(case, SHELTER, time="2024-05-09T22:10+03:00", facts=IncidentFacts(
            object_struck="shelter", killed=Figure(9, 5, "high"), injured=Figure(2), warning="effective",
            description="Night strike on the shelter in the school basement."))
    return root


@pytest.fixture
def session(_demo_template: Path, tmp_path: Path) -> Iterator[CaseSession]:
    root = tmp_path / "demo.vbcase"
    shutil.copytree(_demo_template, root)
    s = CaseSession(root)
    yield s
    s.close()


@pytest.fixture
def view(qtbot, session: CaseSession) -> IncidentsView:  # type: ignore[no-untyped-def]
    v = IncidentsView(session)
    qtbot.addWidget(v)
    v.resize(1300, 520)
    v.show()
    qtbot.waitExposed(v)
    return v


def shown(view: IncidentsView, column: int = 1) -> list[str]:
    """The texts of one column, in the displayed order."""
    return [view.model.index(row, column).data() for row in range(view.model.rowCount())]


def column(key: str) -> int:
    """The table column of a core sort key (or, for the munition, its header)."""
    return [c[1] or c[0].lower() for c in COLUMNS].index(key)


def test_the_table_lists_incidents_with_their_facts_and_shows_the_detail(view: IncidentsView) -> None:
    titles = shown(view)
    assert len(titles) == 2 and titles[1] == SHELTER        # by time: the demo strike (7 May) first
    demo = titles[0]
    row = {COLUMNS[c][1] or "munition": view.model.index(0, c).data() for c in range(len(COLUMNS))}
    assert row == {"time": "2024-05-07 07:40:00", "title": demo, "object_struck": "Market", "killed": "4",
                   "killed_children": "1", "injured": "11", "injured_children": "3", "warning": "No warning",
                   "munition": "guided aerial bomb", "items": "3"}
    assert view.count.text() == "2 incidents"
    assert not view.empty.isVisible()

    view.table.selectRow(0)
    text = view.detail.toPlainText()
    for expected in (demo, "A bomb hit the market street", "between 2024-05-07 04:30:00 and 2024-05-07 04:50:00 UTC",
                     "± 300 m", "Market", "4, of whom 1 child — medium confidence", "interview with a stall owner",
                     "11, of whom 3 children — low confidence", "hospital list", "No warning", "guided aerial bomb",
                     "fragment tag", "DSCN0010.jpg"):
        assert expected in text, expected
    assert view.items.count() == 3

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SCREENSHOTS / "incidents-dock.png"))


def test_sorting_and_filtering(view: IncidentsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    view.table.horizontalHeader().setSortIndicator(column("killed_children"), Qt.SortOrder.DescendingOrder)
    assert shown(view)[0] == SHELTER and shown(view, column("killed_children")) == ["5", "1"]
    view.table.horizontalHeader().setSortIndicator(column("injured"), Qt.SortOrder.DescendingOrder)
    assert shown(view, column("injured")) == ["11", "2"]
    view.table.horizontalHeader().setSortIndicator(column("title"), Qt.SortOrder.AscendingOrder)
    assert shown(view) == sorted(shown(view), key=str.casefold)

    header = view.table.horizontalHeader()
    killed = column("killed")
    click = header.sectionViewportPosition(killed) + header.sectionSize(killed) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(click, header.height() // 2))
    first = shown(view, killed)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(click, header.height() // 2))
    assert shown(view, killed) == list(reversed(first)) and sorted(first, key=int) in (first, shown(view, killed))
    munition = column("munition")
    header.setSortIndicator(munition, Qt.SortOrder.AscendingOrder)  # not a core sort key: nothing changes
    assert header.sortIndicatorSection() == killed and shown(view, killed) == list(reversed(first))

    with Case.open(view.session.root, actor="tester") as case:   # no facts: unknown sorts last either way
        workflow.create_incident(case, "Reported strike, unconfirmed")
    view.session.notify_changed(now=True)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        header.setSortIndicator(killed, order)
        assert shown(view)[-1] == "Reported strike, unconfirmed" and shown(view, killed)[-1] == ""
    header.setSortIndicator(column("title"), Qt.SortOrder.AscendingOrder)

    view.search.setText("basement")                              # in the description
    assert shown(view) == [SHELTER] and view.count.text() == "1 of 3"
    view.search.clear()
    view.object_struck.setCurrentIndex(view.object_struck.findData("market"))
    view.object_struck.activated.emit(view.object_struck.currentIndex())
    assert shown(view, column("object_struck")) == ["Market"]
    view.warning.setCurrentIndex(view.warning.findData("effective"))
    view.warning.activated.emit(view.warning.currentIndex())
    assert shown(view) == [] and view.empty.isVisible() and "filters" in view.empty.text()
    assert not view.export_button.isEnabled()


def test_csv_export_is_the_cores_table_with_the_filters_and_order_shown(view: IncidentsView,
                                                                        tmp_path: Path) -> None:
    view.table.horizontalHeader().setSortIndicator(column("killed"), Qt.SortOrder.DescendingOrder)
    written = view.export_csv(tmp_path / "out" / "incidents.csv")
    text = written.read_bytes().decode("utf-8")
    expected = workflow.incidents_csv(workflow.incident_table(view.session.case, sort="killed", descending=True))
    assert text == expected
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["title"] for r in rows] == shown(view) and rows[0]["killed"] == "9"
    assert "interview with a stall owner" in rows[1]["sources"]

    view.search.setText("market")
    view.export_csv(written)
    rows = list(csv.DictReader(io.StringIO(written.read_bytes().decode("utf-8"))))
    assert [r["title"] for r in rows] == shown(view) and len(rows) == 1
    assert written.read_bytes().decode("utf-8") == workflow.incidents_csv(workflow.incident_table(
        view.session.case, IncidentTableFilter(text="market"), sort="killed", descending=True))
    assert str(written) in view.status.text()


def test_opening_an_item_from_the_detail(view: IncidentsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    view.table.selectRow(0)
    entry = view.items.item(1)
    rect = view.items.visualItemRect(entry)
    with qtbot.waitSignal(view.item_requested) as opened:
        qtbot.mousePress(view.items.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseRelease(view.items.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.items.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [entry.data(ID_ROLE)]
    photo = photo_id(view.session.case)
    with qtbot.waitSignal(view.item_requested) as opened:
        view.detail.anchorClicked.emit(QUrl(f"item:{photo}"))
    assert opened.args == [photo]


def test_an_empty_case_says_how_to_create_one_and_new_incident_records_it(
        qtbot, filled_case: Path) -> None:  # type: ignore[no-untyped-def]
    session = CaseSession(filled_case)
    try:
        v = IncidentsView(session)
        qtbot.addWidget(v)
        v.show()
        assert v.empty.isVisible() and v.empty.text() == EMPTY_CASE and "incident create" in EMPTY_CASE
        assert v.count.text() == "0 incidents" and not v.export_button.isEnabled()
        v.new_incident("Shelling of the bakery")
        qtbot.waitUntil(lambda: shown(v) == ["Shelling of the bakery"], timeout=10_000)
        assert "recorded" in v.status.text() and v.current_id() is not None
        assert session.case.conn.execute(
            "SELECT count(*) FROM events WHERE kind = 'incident.facts_recorded'").fetchone()[0] == 1
    finally:
        session.close()


def test_the_workspace_has_the_dock_and_opens_items_from_it(window, _demo_template: Path, tmp_path: Path,
                                                            qtbot) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "demo.vbcase"
    shutil.copytree(_demo_template, root)
    assert window.open_case(root)
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.model.loaded_once)
    assert not ws.incidents_dock.isVisible()
    assert ws.incidents_action.shortcut().toString() == "Ctrl+Shift+N"
    assert ws.incidents_action in ws.menus()["View"]
    ws.incidents_action.trigger()
    assert ws.incidents_dock.isVisible() and len(shown(ws.incidents)) == 2
    ws.incidents.table.selectRow(0)
    item_id = ws.incidents.items.item(0).data(ID_ROLE)
    ws.incidents.item_requested.emit(item_id)
    assert ws.browser.current_id == item_id
