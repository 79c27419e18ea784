"""The verification workflow: people and roles, states and reviews, checks, assignments, comments,
incident facts, the review queue and the history of a case.

Front ends use the names below (they load on first use, so that the case can import
:mod:`.people`, :mod:`.seal` and :mod:`.projections` without importing itself back).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assignments import assign
    from .checks import CheckRecord, item_checks, record_check
    from .comments import Comment, add_comment, item_comments
    from .errors import IncidentFactsError, ItemSealedError, NotPermitted, TransitionError, WorkflowError
    from .history import (
        SIGNATURE_STATES,
        HistoryEntry,
        HistoryFilter,
        case_history,
        describe,
        event_kinds,
        item_history,
        parse_instant,
        query_events,
        signature_state,
        signing_keys,
    )
    from .tabulation import (
        SORT_KEYS,
        IncidentRow,
        IncidentTableFilter,
        export_incidents_csv,
        incident_table,
        incidents_csv,
    )
    from .incidents import Figure, IncidentFacts, Source, create_incident, incident_facts, record_facts
    from .people import Person, PersonKey, acting_role, list_people, set_person_role
    from .queue import QueueEntry, QueueFilter, parse_states, queue_count, review_queue, state_counts
    from .status import ItemStatus, approve, change_state, item_status, reopen, return_items, start, submit
    from .vocabulary import (
        CHECK_LABELS,
        CHECK_RESULTS,
        CHECKS,
        CONFIDENCES,
        FINAL_STATES,
        OBJECTS_STRUCK,
        STATE_LABELS,
        STATES,
        VERDICTS,
        WARNINGS,
    )

_HOMES = {
    "assign": "assignments",
    **{n: "checks" for n in ("CheckRecord", "item_checks", "record_check")},
    **{n: "comments" for n in ("Comment", "add_comment", "item_comments")},
    **{n: "errors" for n in ("IncidentFactsError", "ItemSealedError", "NotPermitted", "TransitionError",
                             "WorkflowError")},
    **{n: "history" for n in ("SIGNATURE_STATES", "HistoryEntry", "HistoryFilter", "case_history", "describe",
                              "event_kinds", "item_history", "parse_instant", "query_events", "signature_state",
                              "signing_keys")},
    **{n: "tabulation" for n in ("SORT_KEYS", "IncidentRow", "IncidentTableFilter", "export_incidents_csv",
                                     "incident_table", "incidents_csv")},
    **{n: "incidents" for n in ("Figure", "IncidentFacts", "Source", "create_incident", "incident_facts",
                                "record_facts")},
    **{n: "people" for n in ("Person", "PersonKey", "acting_role", "list_people", "set_person_role")},
    **{n: "queue" for n in ("QueueEntry", "QueueFilter", "parse_states", "queue_count", "review_queue",
                            "state_counts")},
    **{n: "status" for n in ("ItemStatus", "approve", "change_state", "item_status", "reopen", "return_items",
                             "start", "submit")},
    **{n: "vocabulary" for n in ("CHECK_LABELS", "CHECK_RESULTS", "CHECKS", "CONFIDENCES", "FINAL_STATES",
                                 "OBJECTS_STRUCK", "STATE_LABELS", "STATES", "VERDICTS", "WARNINGS")},
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{home}", __name__), name)
