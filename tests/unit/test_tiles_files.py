"""MBTiles and PMTiles readers against files written in the tests (PMTiles by the reference writer)."""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest
from pmtiles.tile import zxy_to_tileid

from tests.tile_factory import colour_of, make_mbtiles, make_pmtiles, pyramid, tile_png
from verify_bench.geo import TileError, open_tile_file
from verify_bench.geo.pmtiles import PMTiles, read_directory, zxy_to_tile_id
from verify_bench.geo.tiles import sniff_format, tile_zoom, tiles_covering


def _colour(data: bytes) -> tuple[int, int, int]:
    import io

    from PIL import Image

    return Image.open(io.BytesIO(data)).convert("RGB").getpixel((1, 1))


def test_mbtiles_rows_are_flipped_from_tms_to_xyz(tmp_path: Path):
    path = make_mbtiles(tmp_path / "detail.mbtiles", pyramid(3), attribution='<a href="x">&copy; Survey</a> 2024',
                        bounds="30.0,31.0,35.0,33.0", name="Gaza detail")
    with sqlite3.connect(path) as conn:  # north-west tile at z1 is stored as TMS row 1
        assert conn.execute("SELECT count(*) FROM tiles WHERE zoom_level=1 AND tile_column=0 AND tile_row=1"
                            ).fetchone()[0] == 1
    source = open_tile_file(path)
    try:
        assert (source.info.kind, source.info.name, source.info.format) == ("mbtiles", "Gaza detail", "png")
        assert (source.info.min_zoom, source.info.max_zoom) == (0, 3)
        assert source.info.attribution == "© Survey 2024"
        assert source.info.bounds == (30.0, 31.0, 35.0, 33.0)
        for z, x, y in [(0, 0, 0), (1, 0, 0), (2, 3, 1), (3, 5, 6)]:
            assert _colour(source.tile(z, x, y)) == colour_of(z, x, y)
        assert source.tile(4, 0, 0) is None
        with pytest.raises(TileError, match="does not exist"):
            source.tile(2, 4, 0)
    finally:
        source.close()
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"  # opened read-only: nothing written


def test_mbtiles_of_vector_tiles_or_without_tiles_are_refused_clearly(tmp_path: Path):
    with pytest.raises(TileError, match="vector tiles"):
        open_tile_file(make_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): b"\x1a\x00"}, format="pbf"))
    with pytest.raises(TileError, match="holds no tiles"):
        open_tile_file(make_mbtiles(tmp_path / "e.mbtiles", {}))
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (a)").connection.commit()
    with pytest.raises(TileError, match="not a readable MBTiles"):
        open_tile_file(other)
    (tmp_path / "x.mbtiles").write_bytes(b"hello")
    with pytest.raises(TileError, match="neither an MBTiles"):
        open_tile_file(tmp_path / "x.mbtiles")


def test_tile_ids_follow_the_reference_hilbert_order():
    for z in range(9):
        for x in range(0, 1 << z, max(1, (1 << z) // 7)):
            for y in range(0, 1 << z, max(1, (1 << z) // 5)):
                assert zxy_to_tile_id(z, x, y) == zxy_to_tileid(z, x, y)
    assert [zxy_to_tile_id(1, x, y) for x, y in [(0, 0), (0, 1), (1, 1), (1, 0)]] == [1, 2, 3, 4]


def test_pmtiles_from_the_reference_writer_read_back_with_metadata(tmp_path: Path):
    path = make_pmtiles(tmp_path / "detail.pmtiles", pyramid(3),
                        metadata={"name": "Rafah 2024", "attribution": "<b>Imagery</b> &amp; labels"})
    source = open_tile_file(path)
    try:
        assert isinstance(source, PMTiles)
        assert (source.info.kind, source.info.name, source.info.format, source.info.attribution) == (
            "pmtiles", "Rafah 2024", "png", "Imagery & labels")
        assert (source.info.min_zoom, source.info.max_zoom) == (0, 3)
        assert source.info.bounds == pytest.approx((-180, -85, 180, 85))
        for z, x, y in [(0, 0, 0), (1, 1, 0), (2, 0, 3), (3, 7, 7), (3, 2, 5)]:
            assert _colour(source.tile(z, x, y)) == colour_of(z, x, y)
        assert source.tile(5, 0, 0) is None
    finally:
        source.close()


def test_pmtiles_runs_of_identical_tiles_and_leaf_directories(tmp_path: Path):
    sea = tile_png((10, 20, 200), 64)
    tiles = {(3, x, y): sea for x in range(8) for y in range(8)}
    tiles[(3, 4, 4)] = tile_png((250, 0, 0), 64)
    path = make_pmtiles(tmp_path / "runs.pmtiles", tiles, leaf_size=5)
    source = PMTiles(path)
    try:
        assert source.header.leaf_length > 0  # the writer was made to use leaves
        assert all(e.run_length == 0 for e in source._root)
        assert _colour(source.tile(3, 4, 4)) == (250, 0, 0)
        others = [(x, y) for x in range(8) for y in range(8) if (x, y) != (4, 4)]
        assert all(_colour(source.tile(3, x, y)) == (10, 20, 200) for x, y in others)
        assert source.tile(2, 1, 1) is None
    finally:
        source.close()


def test_damaged_pmtiles_files_give_clear_errors(tmp_path: Path):
    good = make_pmtiles(tmp_path / "good.pmtiles", pyramid(1)).read_bytes()
    cases = {
        "version": (good[:7] + b"\x02" + good[8:], "version 2 is not supported"),
        "truncated": (good[:140], "beyond the end of the file"),
        "vector": (good[:99] + b"\x01" + good[100:], "mvt tiles; only raster"),
        "brotli": (good[:97] + b"\x03" + good[98:], "compressed with brotli"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / f"{name}.pmtiles").write_bytes(data)
        with pytest.raises(TileError, match=message):
            open_tile_file(tmp_path / f"{name}.pmtiles")


def test_hostile_directories_are_bounded():
    with pytest.raises(TileError, match="claims"):
        read_directory(b"\xff\xff\xff\x7f")
    with pytest.raises(TileError, match="middle of a number"):
        read_directory(b"\x02\x01\x80")
    bomb = gzip.compress(b"\x00" * 40_000_000)
    from verify_bench.geo import pmtiles

    reader = object.__new__(pmtiles.PMTiles)
    with pytest.raises(TileError, match="unpacks to more than"):
        reader._decompress(bomb, 1_000_000, "gzip")


def test_format_sniffing_and_which_tiles_a_view_needs():
    assert sniff_format(tile_png((1, 2, 3), 8)) == "png"
    assert sniff_format(b"\xff\xd8\xff\xe0rest") == "jpeg"
    assert sniff_format(b"\x1a\x03mvt") is None
    assert tile_zoom(5.4, 0, 14) == 5 and tile_zoom(5.6, 0, 14) == 6
    assert tile_zoom(17.0, 0, 14) == 14 and tile_zoom(1.0, 3, 14) == 3
    # the middle quarter of the world at zoom 2: the four central tiles, nearest the centre first
    assert sorted(tiles_covering(64, 64, 191.9, 191.9, 2)) == [(2, 1, 1), (2, 1, 2), (2, 2, 1), (2, 2, 2)]
    assert tiles_covering(-50, -50, 10, 10, 1) == [(1, 0, 0)]
