"""Suggestions that grow from what users entered: designations and manufacturers already in the case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..case import Case
from .codes import Notice

SuggestField = Literal["designation", "manufacturer"]


@dataclass(frozen=True)
class Suggestion:
    value: str
    count: int          # tags that use it now (0: a taxonomy extension not used yet)


def suggest(
    case: Case, field: SuggestField, *, typed: str = "", category: str | None = None, limit: int = 20,
) -> list[Suggestion]:
    """Values of ``field`` in use (most used first) containing ``typed``; designations also from the
    case taxonomy. ``category`` (an id) narrows to values used with, or added for, that category."""
    if field not in ("designation", "manufacturer"):
        raise ValueError(f"no suggestions for {field!r}")
    sql = f"SELECT {field}, count(*) FROM fragments WHERE {field} IS NOT NULL AND {field} != ''"
    args: list[str] = []
    if category:
        sql += " AND category = ?"
        args.append(category)
    counts = dict(case.conn.execute(sql + f" GROUP BY {field}", args).fetchall())
    if field == "designation":
        for name, scope in case.conn.execute("SELECT name, category FROM fragment_taxonomy WHERE kind = 'designation'"):
            if not category or scope in ("", category):
                counts.setdefault(name, 0)
    needle = typed.strip().lower()
    found = [Suggestion(v, n) for v, n in counts.items() if needle in v.lower() or _key(needle) in _key(v)]
    return sorted(found, key=lambda s: (-s.count, s.value.lower()))[:limit]


def resembling(case: Case, field: SuggestField, value: str) -> Notice | None:
    """A notice when ``value`` differs only in case, spaces or punctuation from one already in use."""
    key = _key(value)
    for existing, n in case.conn.execute(
        f"SELECT {field}, count(*) FROM fragments WHERE {field} IS NOT NULL GROUP BY {field} ORDER BY count(*) DESC"
    ):
        if existing != value and _key(existing) == key:
            return Notice(field, f"{field}_variant",
                          f"{field} {value!r} looks like {existing!r}, used on {n} tag{'s' if n != 1 else ''}; "
                          "use one spelling so that filters find both")
    return None


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())
