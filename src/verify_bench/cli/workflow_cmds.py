"""``status``, ``assign``, ``check``, ``comment``, ``submit``, ``review approve|return|reopen`` and ``queue``."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import timedelta

import click

from ..geo.incidents import find_incident
from ..workflow import (
    CHECK_RESULTS,
    CHECKS,
    STATE_LABELS,
    VERDICTS,
    QueueFilter,
    add_comment,
    approve,
    assign,
    change_state,
    item_checks,
    item_comments,
    item_status,
    parse_states,
    queue_count,
    record_check,
    reopen,
    return_items,
    review_queue,
    state_counts,
    submit,
)
from ..workflow.status import ItemStatus
from ._common import actor_option, case_argument, json_option, opened, print_json

items_argument = click.argument("items", metavar="ITEM…", nargs=-1, required=True)


def _echo_statuses(found: list[ItemStatus], as_json: bool) -> None:
    if as_json:
        print_json([{**asdict(s), "sealed": s.sealed} for s in found])
        return
    for s in found:
        who = f", assigned to {s.assignee}" if s.assignee else ""
        click.echo(f"{s.item_id[:8]}  {STATE_LABELS[s.state]}{who}")


@click.command()
@case_argument
@click.argument("item_ref", metavar="[ITEM]", required=False)
@click.option("--set", "to", type=click.Choice(list(STATE_LABELS)), help="Move ITEM to this state.")
@click.option("--comment", help="Why (required when returning or reopening).")
@actor_option
@json_option
def status(case_path: str, item_ref: str | None, to: str | None, comment: str | None, actor: str | None,
           as_json: bool) -> None:
    """Workflow state of ITEM with its checks and comments (or, without ITEM, how many items are in each state)."""
    with opened(case_path, actor) if to else opened(case_path) as case:
        if item_ref is None:
            if to:
                raise click.UsageError("--set needs an ITEM")
            counts = state_counts(case)
            if as_json:
                print_json(counts)
            else:
                for state, n in counts.items():
                    click.echo(f"{STATE_LABELS[state]:<24} {n:>8,}")
            return
        if to:
            change_state(case, [item_ref], to, comment=comment)  # type: ignore[arg-type]
        current = item_status(case, item_ref)
        checks = item_checks(case, current.item_id)
        thread = item_comments(case, current.item_id)
    if as_json:
        print_json({**asdict(current), "sealed": current.sealed, "checks": [asdict(c) for c in checks],
                    "comments": [asdict(c) for c in thread]})
        return
    click.echo(f"{current.item_id}  {STATE_LABELS[current.state]} since {current.state_since}"
               f"{'  [sealed]' if current.sealed else ''}")
    click.echo(f"  assigned to {current.assignee or 'nobody'}"
               + (f"; submitted by {current.submitted_by} at {current.submitted_at}" if current.submitted_by else "")
               + (f"; reviewed by {current.reviewed_by} at {current.reviewed_at}" if current.reviewed_by else ""))
    for c in checks:
        note = f" — {c.note}" if c.note else ""
        click.echo(f"  [{(c.result or '-'):<7}] {c.label}{note}" + (f" ({c.actor})" if c.actor else ""))
    for m in thread:
        context = "" if m.context == "comment" else f" ({STATE_LABELS.get(m.context, m.context)})"
        click.echo(f"  {m.at[:19]} {m.actor}{context}: {m.text}")


@click.command("assign")
@case_argument
@items_argument
@click.option("--to", "assignee", metavar="NAME", help="The person to assign (default: yourself).")
@click.option("--nobody", is_flag=True, help="Unassign the items.")
@actor_option
@json_option
def assign_cmd(case_path: str, items: tuple[str, ...], assignee: str | None, nobody: bool, actor: str | None,
               as_json: bool) -> None:
    """Assign ITEMs to a person (a lead assigns anyone; an investigator takes items)."""
    if nobody and assignee:
        raise click.UsageError("give --to NAME or --nobody, not both")
    with opened(case_path, actor) as case:
        found = assign(case, list(items), None if nobody else (assignee or case.actor))
    _echo_statuses(found, as_json)


@click.command("check")
@case_argument
@click.argument("item_ref", metavar="ITEM")
@click.argument("check_name", metavar="CHECK", type=click.Choice(CHECKS))
@click.argument("result", type=click.Choice(CHECK_RESULTS))
@click.option("--note", help="How you know.")
@actor_option
@json_option
def check_cmd(case_path: str, item_ref: str, check_name: str, result: str, note: str | None, actor: str | None,
              as_json: bool) -> None:
    """Record the RESULT of one CHECK of ITEM."""
    with opened(case_path, actor) as case:
        found = record_check(case, item_ref, check_name, result, note=note)  # type: ignore[arg-type]
    if as_json:
        print_json(asdict(found))
    else:
        click.echo(f"{found.label}: {found.result}")


@click.command("comment")
@case_argument
@click.argument("item_ref", metavar="ITEM")
@click.argument("text")
@actor_option
@json_option
def comment_cmd(case_path: str, item_ref: str, text: str, actor: str | None, as_json: bool) -> None:
    """Add a comment to ITEM's thread."""
    with opened(case_path, actor) as case:
        found = add_comment(case, item_ref, text)
    if as_json:
        print_json(asdict(found))
    else:
        click.echo(f"comment {found.event_seq} added")


@click.command("submit")
@case_argument
@items_argument
@click.option("--comment", help="A note for the reviewer.")
@actor_option
@json_option
def submit_cmd(case_path: str, items: tuple[str, ...], comment: str | None, actor: str | None, as_json: bool) -> None:
    """Mark ITEMs ready for review."""
    with opened(case_path, actor) as case:
        found = submit(case, list(items), comment=comment)
    _echo_statuses(found, as_json)


@click.group()
def review() -> None:
    """A lead's decisions on items ready for review (all named items change, or none)."""


@review.command("approve")
@case_argument
@items_argument
@click.option("--verdict", type=click.Choice(VERDICTS), default="verified", show_default=True)
@click.option("--comment", help="Why (optional).")
@actor_option
@json_option
def approve_cmd(case_path: str, items: tuple[str, ...], verdict: str, comment: str | None, actor: str | None,
                as_json: bool) -> None:
    """Give ITEMs their final verdict; they are sealed."""
    with opened(case_path, actor) as case:
        found = approve(case, list(items), verdict=verdict, comment=comment)  # type: ignore[arg-type]
    _echo_statuses(found, as_json)


@review.command("return")
@case_argument
@items_argument
@click.option("--comment", required=True, help="What is missing (required).")
@actor_option
@json_option
def return_cmd(case_path: str, items: tuple[str, ...], comment: str, actor: str | None, as_json: bool) -> None:
    """Send ITEMs back to their investigator."""
    with opened(case_path, actor) as case:
        found = return_items(case, list(items), comment=comment)
    _echo_statuses(found, as_json)


@review.command("reopen")
@case_argument
@items_argument
@click.option("--reason", required=True, help="Why the verdict is reopened (required).")
@actor_option
@json_option
def reopen_cmd(case_path: str, items: tuple[str, ...], reason: str, actor: str | None, as_json: bool) -> None:
    """Unseal ITEMs with a final verdict; they go back to in progress."""
    with opened(case_path, actor) as case:
        found = reopen(case, list(items), reason=reason)
    _echo_statuses(found, as_json)


@click.command("queue")
@case_argument
@click.option("--state", "states", multiple=True, help="State(s) to list (default: ready_for_review).")
@click.option("--assignee", metavar="NAME", help="Only items assigned to NAME.")
@click.option("--unassigned", is_flag=True, help="Only items assigned to nobody.")
@click.option("--incident", "incident_ref", metavar="INCIDENT", help="Only items of this incident.")
@click.option("--older-than", metavar="AGE", help="Only items in their state at least this long: 3d, 12h, 30m.")
@click.option("--limit", type=click.IntRange(1), default=200, show_default=True)
@json_option
def queue(case_path: str, states: tuple[str, ...], assignee: str | None, unassigned: bool,
          incident_ref: str | None, older_than: str | None, limit: int, as_json: bool) -> None:
    """Items waiting for review (or in other states), oldest first."""
    if assignee and unassigned:
        raise click.UsageError("give --assignee NAME or --unassigned, not both")
    with opened(case_path) as case:
        flt = QueueFilter(
            states=parse_states(states) if states else ("ready_for_review",),
            assignee="" if unassigned else assignee,
            incident_id=find_incident(case, incident_ref).incident_id if incident_ref else None,
            min_age=_age(older_than) if older_than else None)
        entries = review_queue(case, flt, limit=limit)
        total = queue_count(case, flt)
    if as_json:
        print_json({"total": total, "entries": [asdict(e) for e in entries]})
        return
    for e in entries:
        checks = "".join({"pass": "✓", "fail": "✗", "unknown": "?"}[r] for r in e.checks.values()) or "-"
        click.echo(f"{e.item_id[:8]}  {_days(e.age_seconds):>6}  {STATE_LABELS[e.state]:<18} "
                   f"{(e.assignee or '-'):<14} {checks:<6} {e.display_name}")
    click.echo(f"{len(entries)} of {total} item(s)")


def _age(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhm])\s*", text)
    if not match:
        raise click.BadParameter(f"'{text}' is not an age such as 3d, 12h or 30m", param_hint="--older-than")
    unit = {"d": "days", "h": "hours", "m": "minutes"}[match.group(2)]
    return timedelta(**{unit: float(match.group(1))})


def _days(seconds: float) -> str:
    return f"{seconds / 86400:.1f}d" if seconds >= 86400 else f"{seconds / 3600:.1f}h"
