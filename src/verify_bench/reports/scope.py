"""Which items a report covers: the whole case, an incident, named items, or items in given states."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..case import Case
from ..geo.incidents import find_incident
from ..workflow.queue import parse_states
from .errors import ReportError


@dataclass(frozen=True)
class Scope:
    """All given conditions hold together; with none, the whole case. Items keep import order."""

    incident: str | None = None                     # id, id prefix or exact title
    items: tuple[str, ...] = ()                     # ids, id prefixes or SHA-256/MD5 prefixes
    states: tuple[str, ...] = field(default=())     # workflow states (see workflow.vocabulary.STATES)

    @property
    def whole_case(self) -> bool:
        return not (self.incident or self.items or self.states)


@dataclass(frozen=True)
class ResolvedScope:
    item_ids: list[str]
    description: str
    record: dict[str, Any]   # what the scope was, as stored in the report and the export event


def resolve_scope(case: Case, scope: Scope) -> ResolvedScope:
    """The items in ``scope``; raises :class:`ReportError` for an unknown incident, item or state."""
    from ..errors import ItemNotFound
    from ..geo.errors import GeoError
    from ..workflow.errors import WorkflowError

    conditions: list[str] = []
    args: list[Any] = []
    parts: list[str] = []
    record: dict[str, Any] = {"incident": None, "items": [], "states": []}
    try:
        if scope.incident:
            incident = find_incident(case, scope.incident)
            conditions.append("id IN (SELECT item_id FROM incident_items WHERE incident_id = ?)")
            args.append(incident.incident_id)
            parts.append(f"incident “{incident.title}” ({incident.incident_id})")
            record["incident"] = {"id": incident.incident_id, "title": incident.title}
        if scope.items:
            ids = list(dict.fromkeys(case.find_item(ref)["id"] for ref in scope.items))
            conditions.append(f"id IN ({', '.join('?' * len(ids))})")
            args += ids
            parts.append(f"{len(ids)} selected item(s)")
            record["items"] = ids
        if scope.states:
            states = list(parse_states(_split(scope.states)))
            conditions.append(
                f"coalesce((SELECT state FROM status s WHERE s.item_id = items.id), 'new') IN"
                f" ({', '.join('?' * len(states))})")
            args += states
            parts.append("items in state " + ", ".join(s.replace("_", " ") for s in states))
            record["states"] = states
    except (ItemNotFound, GeoError, WorkflowError) as exc:
        raise ReportError(str(exc)) from exc
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    ids = [r[0] for r in case.conn.execute(f"SELECT id FROM items{where} ORDER BY imported_seq", args)]
    description = "; ".join(parts) if parts else "the whole case"
    record["description"] = description
    return ResolvedScope(ids, description, record)


def _split(values: Sequence[str]) -> list[str]:
    """``("verified,returned", "new")`` -> ``["verified", "returned", "new"]``."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]
