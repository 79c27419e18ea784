"""Grid clustering of map pins (plain arithmetic; no window needed)."""

from __future__ import annotations

from verify_bench.gui.models.map_model import Pin, cluster


def _pin(ref: str, kind: str = "item") -> Pin:
    return Pin(kind, ref, 0.0, 0.0, ref, "file GPS")  # type: ignore[arg-type]


def test_pins_closer_than_a_cell_form_one_cluster_at_their_mean():
    groups = cluster([(_pin("a"), 10.0, 10.0), (_pin("b"), 12.0, 14.0), (_pin("c"), 40.0, 10.0)], cell=5.0)
    by_size = sorted(groups, key=lambda g: len(g.pins))
    assert [len(g.pins) for g in by_size] == [1, 2]
    assert (by_size[1].x, by_size[1].y) == (11.0, 12.0)


def test_neighbours_across_a_grid_line_still_cluster():
    groups = cluster([(_pin("a"), 4.9, 0.0), (_pin("b"), 5.1, 0.0)], cell=5.0)
    assert len(groups) == 1


def test_incidents_never_merge_with_items():
    groups = cluster([(_pin("a"), 1.0, 1.0), (_pin("i", "incident"), 1.0, 1.0)], cell=5.0)
    assert sorted(g.pins[0].kind for g in groups) == ["incident", "item"]


def test_a_smaller_cell_splits_clusters():
    placed = [(_pin(str(i)), i * 1.0, 0.0) for i in range(10)]
    assert len(cluster(placed, cell=100.0)) == 1
    assert len(cluster(placed, cell=0.5)) == 10
