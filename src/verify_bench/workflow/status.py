"""Moving items through the workflow: start, submit, approve, return, reopen.

Every change is checked here, in the core, against :data:`~.vocabulary.TRANSITIONS` and the
acting person's role in the case, and refused with a :class:`~.errors.WorkflowError` that says why.
Several items change together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..case import Case
from .errors import NotPermitted, TransitionError, WorkflowError
from .people import acting_role
from .vocabulary import FINAL_STATES, STATE_LABELS, STATUS_CHANGED, TRANSITIONS, VERDICTS, State, Verdict


@dataclass(frozen=True)
class ItemStatus:
    item_id: str
    state: State
    state_since: str
    assignee: str | None
    submitted_by: str | None
    submitted_at: str | None
    reviewed_by: str | None
    reviewed_at: str | None

    @property
    def sealed(self) -> bool:
        return self.state in FINAL_STATES


def item_status(case: Case, item_ref: str) -> ItemStatus:
    """The workflow state of one item (``new`` until anyone touches it)."""
    item = case.find_item(item_ref)
    row = case.conn.execute(
        "SELECT state, state_since, assignee, submitted_by, submitted_at, reviewed_by, reviewed_at FROM status"
        " WHERE item_id = ?", (item["id"],)).fetchone()
    if row is None:
        return ItemStatus(item["id"], "new", item["imported_at"], None, None, None, None, None)
    return ItemStatus(item["id"], *row)


def change_state(case: Case, item_refs: Sequence[str], to: State, *, comment: str | None = None) -> list[ItemStatus]:
    """Move every item to ``to``; all or none. Raises when a change is not allowed for one of them."""
    comment = (comment or "").strip() or None
    if to not in STATE_LABELS:
        raise WorkflowError(f"unknown state '{to}': choose one of {', '.join(STATE_LABELS)}")
    if not item_refs:
        raise WorkflowError("name at least one item")
    with case.write():
        current = [item_status(case, ref) for ref in item_refs]
        role = acting_role(case)
        for status in current:
            _check_allowed(status, to, role, comment, case.actor)
        for status in current:
            case.append(STATUS_CHANGED, {"from": status.state, "to": to, "comment": comment},
                        item_id=status.item_id)
    return [item_status(case, s.item_id) for s in current]


def start(case: Case, item_refs: Sequence[str]) -> list[ItemStatus]:
    """Begin work on new (or returned) items."""
    return change_state(case, item_refs, "in_progress")


def submit(case: Case, item_refs: Sequence[str], *, comment: str | None = None) -> list[ItemStatus]:
    """Ask a lead to review items."""
    return change_state(case, item_refs, "ready_for_review", comment=comment)


def approve(case: Case, item_refs: Sequence[str], *, verdict: Verdict = "verified",
            comment: str | None = None) -> list[ItemStatus]:
    """A lead's final verdict on items ready for review; the items are sealed."""
    if verdict not in VERDICTS:
        raise WorkflowError(f"unknown verdict '{verdict}': choose one of {', '.join(VERDICTS)}")
    return change_state(case, item_refs, verdict, comment=comment)


def return_items(case: Case, item_refs: Sequence[str], *, comment: str) -> list[ItemStatus]:
    """A lead sends items back to their investigator, saying what is missing."""
    return change_state(case, item_refs, "returned", comment=comment)


def reopen(case: Case, item_refs: Sequence[str], *, reason: str) -> list[ItemStatus]:
    """A lead unseals items with a final verdict, giving the reason; they go back to in progress."""
    return change_state(case, item_refs, "in_progress", comment=reason)


def _check_allowed(status: ItemStatus, to: str, role: str, comment: str | None, actor: str) -> None:
    name = status.item_id[:8]
    if status.state == to:
        raise TransitionError(f"item {name} is already {STATE_LABELS[to]}")
    rule = TRANSITIONS.get((status.state, to))
    if rule is None:
        raise TransitionError(
            f"item {name} is {STATE_LABELS[status.state]}: it cannot become {STATE_LABELS[to]}"
            + (" (it is sealed; a lead reopens it to in progress with a reason)" if status.sealed else ""))
    if rule.lead_only and role != "lead":
        raise NotPermitted(
            f"only a lead may move an item from {STATE_LABELS[status.state]} to {STATE_LABELS[to]};"
            f" {actor} is an investigator in this case")
    if rule.comment_required and not comment:
        what = "reopening a sealed item" if status.sealed else f"making an item {STATE_LABELS[to]}"
        raise WorkflowError(f"{what} needs a comment saying why (item {name})")
