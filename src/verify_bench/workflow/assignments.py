"""Who works on an item. A lead assigns anyone; an investigator takes or gives up items themselves."""

from __future__ import annotations

from collections.abc import Sequence

from ..case import Case
from ..profiles.store import check_name
from .errors import NotPermitted, WorkflowError
from .people import acting_role
from .status import ItemStatus, item_status
from .vocabulary import ITEM_ASSIGNED


def assign(case: Case, item_refs: Sequence[str], assignee: str | None) -> list[ItemStatus]:
    """Assign items to ``assignee`` (a person's name), or unassign them with ``None``; all or none."""
    name = check_name(assignee) if assignee is not None else None
    if not item_refs:
        raise WorkflowError("name at least one item")
    with case.write():
        current = [item_status(case, ref) for ref in item_refs]
        if acting_role(case) != "lead":
            for status in current:
                if name not in (None, case.actor) or status.assignee not in (None, case.actor):
                    raise NotPermitted(
                        f"an investigator assigns items only to themselves; {case.actor} cannot assign item"
                        f" {status.item_id[:8]} to {name or 'nobody'}"
                        f" (it is assigned to {status.assignee or 'nobody'})")
        for status in current:
            if status.assignee != name:
                case.append(ITEM_ASSIGNED, {"assignee": name}, item_id=status.item_id)
    return [item_status(case, s.item_id) for s in current]
