from __future__ import annotations

import pytest

from verify_bench import events as ev


def _event(**changes):
    base = dict(seq=1, actor="a", kind="k", item_id=None, payload={"b": 1, "a": [1, "é"]}, prev_hash=ev.GENESIS_HASH)
    base.update(changes)
    return ev.new_event(**base)


def test_canonical_json_is_independent_of_key_order_and_keeps_unicode():
    assert ev.canonical_json({"b": 1, "a": "é"}) == ev.canonical_json({"a": "é", "b": 1}) == '{"a":"é","b":1}'


def test_canonical_json_refuses_nan():
    with pytest.raises(ValueError):
        ev.canonical_json({"x": float("nan")})


def test_hash_covers_every_field():
    e = _event()
    assert ev.recompute_hash(e) == e.hash
    for field, value in [("seq", 2), ("actor", "b"), ("kind", "x"), ("item_id", "i"), ("at", "2020-01-01T00:00:00Z"),
                         ("id", "other"), ("payload", {"b": 2, "a": [1, "é"]}), ("prev_hash", "1" * 64)]:
        changed = ev.Event(**{**e.__dict__, field: value})
        assert ev.recompute_hash(changed) != e.hash, field


def test_events_chain_through_prev_hash():
    first = _event()
    second = _event(seq=2, prev_hash=first.hash)
    assert second.prev_hash == first.hash
    assert second.hash != first.hash
    assert second.at.endswith("Z")
