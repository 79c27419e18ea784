from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        changed = dataclasses.replace(e, **{field: value})
        assert ev.recompute_hash(changed) != e.hash, field


def test_events_chain_through_prev_hash():
    first = _event()
    second = _event(seq=2, prev_hash=first.hash)
    assert second.prev_hash == first.hash
    assert second.hash != first.hash
    assert second.at.endswith("Z")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=8) | st.integers().map(str), _json, max_size=5),
       actor=st.text(), kind=st.text(), item_id=st.none() | st.text(), seq=st.integers(1, 2**62))
def test_the_payload_is_written_once_yet_hashed_and_stored_as_verify_recomputes(payload, actor, kind, item_id, seq):
    e = ev.new_event(seq=seq, actor=actor, kind=kind, item_id=item_id, payload=payload, prev_hash="f" * 64)
    assert e.payload_json == ev.canonical_json(e.payload)
    read_back = dataclasses.replace(e, payload=json.loads(e.payload_json))
    assert ev.recompute_hash(read_back) == e.hash  # what `verify` does with the stored row
    assert "_payload_text" not in dataclasses.asdict(e) and read_back.payload_json == e.payload_json


def test_keys_that_sort_otherwise_as_text_are_hashed_as_stored():
    e = _event(payload={2: "a", 10: {3: 1, 20: 2}})
    assert e.payload_json == '{"10":{"20":2,"3":1},"2":"a"}'
    assert ev.recompute_hash(dataclasses.replace(e, payload=json.loads(e.payload_json))) == e.hash
