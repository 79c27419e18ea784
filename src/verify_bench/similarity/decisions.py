"""Confirming or rejecting suggested matches: each decision is an event and outlives every recomputation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..case import Case
from ..errors import ItemNotFound
from .projections import MATCH_CONFIRMED, MATCH_REJECTED

Decision = Literal["confirmed", "rejected"]
_KIND = {"confirmed": MATCH_CONFIRMED, "rejected": MATCH_REJECTED}


@dataclass(frozen=True)
class PairDecision:
    a: str
    b: str
    decision: Decision
    note: str | None
    actor: str
    at: str
    event_seq: int


def decide(case: Case, pairs: Iterable[tuple[str, str]], decision: Decision, *, note: str | None = None) -> list[int]:
    """Record ``decision`` for each pair of item references (ids or unique prefixes), in one transaction.

    Returns the event sequence numbers. Raises :class:`ItemNotFound` before writing anything if a
    reference is unknown or a pair names one item twice.
    """
    resolved: list[tuple[str, str]] = []
    for ref_a, ref_b in pairs:
        a, b = case.find_item(ref_a)["id"], case.find_item(ref_b)["id"]
        if a == b:
            raise ItemNotFound(f"'{ref_a}' and '{ref_b}' are the same item")
        resolved.append((min(a, b), max(a, b)))
    with case.write():
        return [case.append(_KIND[decision], {"a": a, "b": b, "note": note}, item_id=a).seq for a, b in resolved]


def current_decisions(case: Case, *, item_id: str | None = None) -> list[PairDecision]:
    """Current decisions (the latest per pair), optionally only those about one item."""
    sql = "SELECT a, b, decision, note, actor, at, event_seq FROM match_decisions"
    args: list[str] = []
    if item_id is not None:
        sql += " WHERE a = ? OR b = ?"
        args = [item_id, item_id]
    return [PairDecision(*row) for row in case.conn.execute(sql + " ORDER BY event_seq", args)]
