"""Groups of items that show the same picture, and which copy of each group to prefer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Cluster:
    """Items linked by matches; ``id`` is the smallest item id (stable while the group holds)."""

    id: str
    items: tuple[str, ...]
    best: str                 # the suggested copy
    why: dict[str, str]       # criterion ("largest", "earliest", "most_metadata") -> item that wins it


@dataclass(frozen=True)
class CopyFacts:
    """What decides the best copy of an item."""

    pixels: int
    earliest: str | None      # ISO 8601: the earliest date the case knows for the item
    metadata: int             # number of raw metadata tags


def connected(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components of a graph given by its edges (union-find), each sorted, largest first."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in parent:
        groups[root(x)].append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def best_copy(items: list[str], facts: dict[str, CopyFacts]) -> tuple[str, dict[str, str]]:
    """The copy that wins most criteria (largest, earliest known, most metadata); ties go to the largest."""
    missing = CopyFacts(0, None, 0)
    f = {i: facts.get(i, missing) for i in items}
    why = {
        "largest": max(items, key=lambda i: (f[i].pixels, -items.index(i))),
        "most_metadata": max(items, key=lambda i: (f[i].metadata, -items.index(i))),
    }
    dated = [i for i in items if f[i].earliest]
    if dated:
        why["earliest"] = min(dated, key=lambda i: (f[i].earliest or "", items.index(i)))
    wins = defaultdict(int)
    for winner in why.values():
        wins[winner] += 1
    best = max(items, key=lambda i: (wins[i], i == why["largest"], f[i].pixels))
    return best, why


def clusters(pairs: Iterable[tuple[str, str]], facts: dict[str, CopyFacts]) -> list[Cluster]:
    out = []
    for group in connected(pairs):
        best, why = best_copy(group, facts)
        out.append(Cluster(group[0], tuple(group), best, why))
    return out


def facts_from_rows(rows: Iterable[dict[str, Any]]) -> dict[str, CopyFacts]:
    """Rows with ``id, width, height, earliest, metadata`` -> facts per item."""
    return {r["id"]: CopyFacts((r["width"] or 0) * (r["height"] or 0), r["earliest"], r["metadata"] or 0)
            for r in rows}
