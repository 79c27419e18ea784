"""The verification checks of an item, each with a result and a note."""

from __future__ import annotations

from dataclasses import dataclass

from ..case import Case
from .errors import WorkflowError
from .vocabulary import CHECK_LABELS, CHECK_RECORDED, CHECK_RESULTS, CHECKS, Check, CheckResult


@dataclass(frozen=True)
class CheckRecord:
    check: Check
    label: str
    result: CheckResult | None   # None: not recorded yet
    note: str | None
    actor: str | None
    at: str | None


def record_check(case: Case, item_ref: str, check: Check, result: CheckResult, *,
                 note: str | None = None) -> CheckRecord:
    """Record (or re-record) one check of an item."""
    if check not in CHECKS:
        raise WorkflowError(f"unknown check '{check}': choose one of {', '.join(CHECKS)}")
    if result not in CHECK_RESULTS:
        raise WorkflowError(f"unknown result '{result}': choose one of {', '.join(CHECK_RESULTS)}")
    item_id = case.find_item(item_ref)["id"]
    with case.write():
        case.append(CHECK_RECORDED, {"check": check, "result": result, "note": (note or "").strip() or None},
                    item_id=item_id)
    return next(c for c in item_checks(case, item_id) if c.check == check)


def item_checks(case: Case, item_ref: str) -> list[CheckRecord]:
    """Every check of an item, in the standard order, recorded or not."""
    item_id = case.find_item(item_ref)["id"]
    found = {r[0]: r[1:] for r in case.conn.execute(
        "SELECT name, result, note, actor, at FROM checks WHERE item_id = ?", (item_id,))}
    return [CheckRecord(c, CHECK_LABELS[c], *found.get(c, (None, None, None, None))) for c in CHECKS]
