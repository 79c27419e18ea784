"""The XYZ tile server source against a tile server on 127.0.0.1: caching, freshness, offline behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tile_factory import pyramid, tile_server
from verify_bench.geo import TileError, TileServer
from verify_bench.geo.xyz import RETRY_AFTER_S, CachedTile, TileCache, TileServerSource, check_template, freshness


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_templates_are_checked_with_a_message_saying_what_is_missing():
    assert check_template(" https://t.example.org/{z}/{x}/{y}.png ") == "https://t.example.org/{z}/{x}/{y}.png"
    for bad, message in [("t.example.org/{z}/{x}/{y}", "starts with https"), ("https://t.example.org/{z}/{x}.png",
                         r"needs \{y\}"), ("https://t/{z}/{x}/{y}?k={key}", r"unknown placeholder \{key\}"),
                         ("file:///tiles/{z}/{x}/{y}", "starts with https")]:
        with pytest.raises(TileError, match=message):
            check_template(bad)
    server = TileServer("https://{s}.t.example.org/{z}/{x}/{-y}.png")
    assert server.url(3, 1, 2) == "https://a.t.example.org/3/1/5.png"


def test_freshness_follows_cache_headers():
    assert freshness({"cache-control": "public, max-age=600"}, 100.0) == 700.0
    assert freshness({"cache-control": "no-store"}, 100.0) is None
    assert freshness({"cache-control": "no-cache"}, 100.0) == 100.0
    assert freshness({"expires": "Thu, 01 Jan 2026 00:00:00 GMT"}, 0.0) == 1767225600.0
    assert freshness({}, 100.0) == 100.0 + 24 * 3600


def test_first_view_fetches_then_the_cache_answers_with_the_server_stopped(tmp_path: Path):
    tiles = pyramid(2)
    clock = Clock()
    with tile_server(tiles) as server:
        source = TileServerSource(TileServer(server.template, attribution="© Test tiles"),
                                  TileCache(tmp_path / "cache"), clock=clock)
        assert source.tile(2, 1, 3) == tiles[(2, 1, 3)]
        assert source.tile(2, 1, 3) == tiles[(2, 1, 3)]
        assert server.requests == ["/2/1/3.png"]  # the second came from the cache
        assert source.tile(2, 0, 0) == tiles[(2, 0, 0)]
        assert source.tile(2, 3, 3) is not None and source.tile(1, 1, 1) is not None
        server.stop()
    clock.now += 7200  # stale now: it would revalidate, but the server is gone
    again = TileServerSource(TileServer(server.template), TileCache(tmp_path / "cache"), clock=clock, timeout=2)
    assert again.tile(2, 1, 3) == tiles[(2, 1, 3)]
    assert again.offline and "cannot reach 127.0.0.1" in (again.last_error or "")
    assert again.tile(0, 0, 0) is None  # never fetched: nothing to show, and no error raised
    assert again.tile(2, 0, 0) == tiles[(2, 0, 0)]
    assert again.fetched == 0 and again.from_cache == 2
    clock.now += RETRY_AFTER_S + 1
    assert not again.offline


def test_stale_tiles_are_revalidated_and_a_304_renews_them(tmp_path: Path):
    tiles = pyramid(1)
    clock = Clock()
    with tile_server(tiles, {"Cache-Control": "max-age=60"}) as server:
        source = TileServerSource(TileServer(server.template), TileCache(tmp_path), clock=clock)
        source.tile(1, 0, 1)
        clock.now += 120
        assert source.tile(1, 0, 1) == tiles[(1, 0, 1)]
        assert len(server.requests) == 2 and source.fetched == 1  # the second was a 304
        cached = TileCache(tmp_path).get(source.server, 1, 0, 1)
        assert cached is not None and cached.fresh(clock.now) and cached.etag
        assert source.tile(1, 1, 1) == tiles[(1, 1, 1)]
        assert source.tile(5, 0, 0) is None and "404" in (source.last_error or "")
        assert not source.offline  # a missing tile is not a network problem


def test_no_store_answers_are_not_cached(tmp_path: Path):
    tiles = pyramid(0)
    with tile_server(tiles, {"Cache-Control": "no-store"}) as server:
        source = TileServerSource(TileServer(server.template), TileCache(tmp_path))
        source.tile(0, 0, 0)
        source.tile(0, 0, 0)
        assert len(server.requests) == 2 and TileCache(tmp_path).size() == 0


def test_the_cache_keeps_to_its_size_cap_dropping_least_recently_used(tmp_path: Path):
    cache = TileCache(tmp_path, max_bytes=10_000)
    server = TileServer("https://t.example.org/{z}/{x}/{y}.png")
    for i in range(8):
        cache.put(server, 5, i, 0, CachedTile(bytes(1500), 0.0, None, None))
    assert cache.size() <= 9_000
    assert cache.get(server, 5, 7, 0) is not None  # the newest stays
    assert cache.get(server, 5, 0, 0) is None      # the oldest went
    assert (cache.folder(server) / "source.txt").read_text().strip() == server.template
    other = TileServer("https://other.example.org/{z}/{x}/{y}.png")
    assert cache.folder(other) != cache.folder(server)
