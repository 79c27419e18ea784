"""The Qt-free item list queries (``verify_bench.browse``)."""

from __future__ import annotations

from pathlib import Path

from verify_bench import browse
from verify_bench.case import Case
from verify_bench.verify import verify_case


def test_item_order_filters_and_sorts(filled_case: Path):
    with Case.open(filled_case) as case:
        conn = case.conn
        everything = browse.item_order(conn)
        assert len(everything) == 6 == browse.count_items(conn)
        rows = browse.fetch_rows(conn, everything)
        by_size = browse.item_order(conn, sort="size", descending=True)
        sizes = [rows[r].size for r in by_size]
        assert sizes == sorted(sizes, reverse=True)
        named = browse.item_order(conn, browse.ItemFilter(text="img_1"))
        assert [rows[r].display_name for r in named] == ["img_1.jpg"]
        assert len(browse.item_order(conn, browse.ItemFilter(text="testcam"))) == 5
        sha = rows[named[0]].sha256
        assert list(browse.item_order(conn, browse.ItemFilter(text=sha[:10]))) == list(named)
        assert len(browse.item_order(conn, browse.ItemFilter(taken_from="2024-03-02", taken_to="2024-03-03"))) == 2
        assert len(browse.item_order(conn, browse.ItemFilter(media_type="video"))) == 0
        assert len(browse.item_order(conn, browse.ItemFilter(text="100%_"))) == 0  # LIKE wildcards are literal


def test_filters_survive_a_json_round_trip():
    flt = browse.ItemFilter(text="x", has_gps=False, status="ok", taken_from="2024-01-01")
    assert browse.ItemFilter.from_json(flt.to_json()) == flt
    assert browse.ItemFilter().is_empty


def test_flags_are_events_and_setting_the_same_value_twice_records_nothing(filled_case: Path):
    with Case.open(filled_case, actor="tester") as case:
        ids = [r[0] for r in case.conn.execute("SELECT id FROM items LIMIT 2")]
        assert len(browse.set_flag(case, ids, browse.SENSITIVE, True)) == 2
        assert browse.set_flag(case, ids, browse.SENSITIVE, True) == []
        assert browse.sensitive_items(case.conn) == set(ids)
        assert len(browse.item_order(case.conn, browse.ItemFilter(sensitive=True))) == 2
        assert len(browse.set_flag(case, ids[:1], browse.SENSITIVE, False)) == 1
        assert browse.sensitive_items(case.conn) == {ids[1]}
    assert verify_case(filled_case).ok


def test_hash_matches_find_the_closest_frames(filled_case: Path):
    with Case.open(filled_case) as case:
        a = case.conn.execute("SELECT id FROM items WHERE display_name = 'img_0.jpg'").fetchone()[0]
        b = case.conn.execute("SELECT id FROM items WHERE display_name = 'img_0_copy.jpg'").fetchone()[0]
        c = case.conn.execute("SELECT id FROM items WHERE display_name = 'img_3.jpg'").fetchone()[0]
        same = {m.algo: m.distance for m in browse.hash_matches(case.conn, a, b)}
        other = {m.algo: m.distance for m in browse.hash_matches(case.conn, a, c)}
    assert same and all(same[k] < other[k] for k in same)
