"""The closed vocabularies of the workflow, its event kinds, and who may move an item where."""

from __future__ import annotations

from typing import Literal, get_args

# ---- event kinds ----------------------------------------------------------------------------
PERSON_REGISTERED = "person.registered"   # a person's public key (and granted role) joins the case
PERSON_ROLE_SET = "person.role_set"       # a lead changes someone's role in the case
STATUS_CHANGED = "status.changed"         # {from, to, comment}
ITEM_ASSIGNED = "item.assigned"           # {assignee} (null: unassigned)
CHECK_RECORDED = "check.recorded"         # {check, result, note}
COMMENT_ADDED = "comment.added"           # {text}
INCIDENT_FACTS = "incident.facts_recorded"  # every structured field restated

# ---- states -----------------------------------------------------------------------------------
State = Literal["new", "in_progress", "ready_for_review", "verified", "unverifiable", "false_or_misattributed",
                "returned"]
STATES: tuple[State, ...] = get_args(State)
Verdict = Literal["verified", "unverifiable", "false_or_misattributed"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
FINAL_STATES: frozenset[str] = frozenset(VERDICTS)
STATE_LABELS: dict[str, str] = {
    "new": "new", "in_progress": "in progress", "ready_for_review": "ready for review", "verified": "verified",
    "unverifiable": "unverifiable", "false_or_misattributed": "false or misattributed", "returned": "returned",
}


class Rule:
    """One allowed change of state: who may make it and whether it needs a comment."""

    __slots__ = ("lead_only", "comment_required")

    def __init__(self, *, lead_only: bool = False, comment_required: bool = False) -> None:
        self.lead_only = lead_only
        self.comment_required = comment_required


_ANYONE = Rule()
_LEAD = Rule(lead_only=True)
_LEAD_WITH_REASON = Rule(lead_only=True, comment_required=True)

#: (from, to) -> rule. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], Rule] = {
    ("new", "in_progress"): _ANYONE,
    ("returned", "in_progress"): _ANYONE,
    ("new", "ready_for_review"): _ANYONE,
    ("in_progress", "ready_for_review"): _ANYONE,
    ("returned", "ready_for_review"): _ANYONE,
    ("ready_for_review", "returned"): _LEAD_WITH_REASON,
    **{("ready_for_review", v): _LEAD for v in VERDICTS},
    **{(v, "in_progress"): _LEAD_WITH_REASON for v in VERDICTS},   # reopening a sealed item
}

# ---- checks -----------------------------------------------------------------------------------
Check = Literal["source", "earliest_upload", "date_time", "location", "content"]
CHECKS: tuple[Check, ...] = get_args(Check)
CHECK_LABELS: dict[str, str] = {
    "source": "source identified", "earliest_upload": "earliest upload found",
    "date_time": "date and time confirmed", "location": "location confirmed",
    "content": "content consistent (nothing staged, edited or out of context)",
}
CheckResult = Literal["pass", "fail", "unknown"]
CHECK_RESULTS: tuple[CheckResult, ...] = get_args(CheckResult)

# ---- incident facts ---------------------------------------------------------------------------
ObjectStruck = Literal["residential_building", "place_of_worship", "market", "street", "shelter",
                       "medical_facility", "other"]
OBJECTS_STRUCK: tuple[ObjectStruck, ...] = get_args(ObjectStruck)
WarningGiven = Literal["none", "ineffective", "effective"]
WARNINGS: tuple[WarningGiven, ...] = get_args(WarningGiven)
Confidence = Literal["low", "medium", "high"]
CONFIDENCES: tuple[Confidence, ...] = get_args(Confidence)
