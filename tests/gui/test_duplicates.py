"""Duplicates with ``verify_bench.similarity`` wired into the case: groups, comparison, decisions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from verify_bench import browse
from verify_bench.resources import samples_dir
from verify_bench.verify import verify_case


@pytest.fixture
def similarity_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the similarity schema and projectors as the case will once they are merged
    (the same steps as tests/integration/test_dupes.py; a no-op when already registered)."""
    from verify_bench import case as case_module, migrations, projections, verify
    from verify_bench.similarity import projections as similarity_projections
    from verify_bench.similarity.schema import m0002_similarity

    if "m0002_similarity" in migrations.KNOWN_MIGRATIONS:
        return
    registered = [*migrations.migrations._migrations,  # noqa: SLF001
                  migrations.migrations._Migration("m0002_similarity", m0002_similarity)]  # noqa: SLF001
    monkeypatch.setattr(migrations.migrations, "_migrations", registered)
    monkeypatch.setattr(case_module, "KNOWN_MIGRATIONS", migrations.KNOWN_MIGRATIONS | {"m0002_similarity"})
    monkeypatch.setattr(projections, "_PROJECTORS", {**projections._PROJECTORS,  # noqa: SLF001
                                                     **similarity_projections.PROJECTORS})
    monkeypatch.setattr(verify, "PROJECTION_TABLES",
                        (*verify.PROJECTION_TABLES, *similarity_projections.PROJECTION_TABLES))


def test_duplicate_groups_open_a_comparison_where_a_match_is_confirmed(
        similarity_registered, window, qtbot, tmp_path: Path, fast_imports):
    src = tmp_path / "in"
    src.mkdir()
    original = (samples_dir() / "DSCN0010.jpg").read_bytes()
    (src / "DSCN0010.jpg").write_bytes(original)
    small = Image.open(io.BytesIO(original)).convert("RGB")
    small = small.resize((small.width // 3, small.height // 3))
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=75)
    (src / "forwarded_small.jpg").write_bytes(buf.getvalue())
    (src / "other.jpg").write_bytes((samples_dir() / "DSCN0025.jpg").read_bytes())

    assert window.create_case(tmp_path / "dupes.vbcase")
    ws = window.workspace
    with qtbot.waitSignal(ws.imports.finished, timeout=30_000):
        ws.import_paths([src])
    assert browse.duplicate_detection_available(ws.session.case)

    ws.duplicates_dock.show()
    tree = ws.duplicates.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=10_000)
    group = tree.topLevelItem(0)
    assert group.childCount() == 2
    tree.itemActivated.emit(group, 0)
    view = ws.tabs.currentWidget()
    assert view.objectName() == "compare_view"
    assert {i["display_name"] for i in view.items} == {"DSCN0010.jpg", "forwarded_small.jpg"}
    assert view.confirm.isEnabled()
    qtbot.waitUntil(lambda: "detection:" in view.evidence.text(), timeout=10_000)
    view.confirm.click()
    qtbot.waitUntil(lambda: "confirmed" in view.evidence.text(), timeout=10_000)

    ws.tabs.setCurrentWidget(ws.browser)
    bar = ws.browser.filter_bar
    bar.combos["has_duplicates"].setCurrentIndex(bar.combos["has_duplicates"].findData(True))
    qtbot.waitUntil(lambda: ws.model.rowCount() == 2, timeout=5000)
    assert all(ws.model.item_row(r).duplicates == 1 for r in range(2))
    assert verify_case(ws.session.root).ok
