"""``init``, ``log`` and ``verify``."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from ..case import Case
from ..errors import VerifyBenchError
from ..verify import verify_case
from ..workflow.history import HistoryFilter, query_events
from ..workflow.history import describe as describe_event
from ._common import actor_option, case_argument, json_option, opened, print_json


@click.command()
@case_argument
@click.option("--title", help="Case title (default: the folder name).")
@actor_option
@json_option
def init(case_path: str, title: str | None, actor: str | None, as_json: bool) -> None:
    """Create a new case folder at CASE."""
    try:
        case = Case.create(case_path, actor=actor, title=title)
    except VerifyBenchError as exc:
        raise click.ClickException(str(exc)) from exc
    with case:
        seq, head = case.head()
        title = case.title
    if as_json:
        print_json({"case": str(case.root), "title": title, "head_seq": seq, "head_hash": head})
    else:
        click.echo(f"Created case '{title}' at {case.root}")


@click.command()
@case_argument
@click.option("--item", "item_ref", help="Only events of this item (id or SHA-256 prefix).")
@click.option("--actor", help="Only events recorded by this person.")
@click.option("--kind", "kinds", multiple=True, help="Only events of this kind (repeatable; 'status.*' for a prefix).")
@click.option("--since", metavar="ISO", help="Only events at or after this date or time (UTC unless offset given).")
@click.option("--until", metavar="ISO", help="Only events before this time (a bare date: up to the end of that day).")
@click.option("--limit", type=int, default=None, help="Show only the last N events.")
@click.option("--describe", is_flag=True, help="Say in words what each event changed.")
@json_option
def log(case_path: str, item_ref: str | None, actor: str | None, kinds: tuple[str, ...], since: str | None,
        until: str | None, limit: int | None, describe: bool, as_json: bool) -> None:
    """Show the event log, oldest first."""
    with opened(case_path) as case:
        item_id = case.find_item(item_ref)["id"] if item_ref else None
        flt = HistoryFilter(actor=actor, kinds=kinds, item_id=item_id, since=since, until=until)
        events = query_events(case, flt, limit=limit)
    if as_json:
        print_json([{**asdict(e), "summary": describe_event(e)} if describe else asdict(e) for e in events])
        return
    for e in events:
        item = f" item {e.item_id[:8]}" if e.item_id else ""
        text = f"  {describe_event(e)}" if describe else f"  {e.hash[:16]}"
        click.echo(f"{e.seq:>6}  {e.at}  {e.actor:<12} {e.kind:<16}{item}{text}")


@click.command()
@case_argument
@click.option("--expect-head", metavar="[SEQ:]HASH", help="A head hash exported earlier: detects a cut-off log.")
@json_option
def verify(case_path: str, expect_head: str | None, as_json: bool) -> None:
    """Re-hash every original, recompute the chain and rebuild the projections; exit 1 on any problem."""
    try:
        report = verify_case(case_path, expect_head=expect_head)
    except VerifyBenchError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        print_json({**asdict(report), "ok": report.ok})
    else:
        for f in report.findings:
            click.echo(f"{'NOTICE' if f.severity == 'notice' else 'PROBLEM'} [{f.code}] {f.message}")
        click.echo(
            f"{report.events} events, chain head {report.head_seq}:{report.head_hash}\n"
            f"{report.originals_checked} originals re-hashed ({report.bytes_checked:,} bytes)"
        )
        click.echo("OK: no problems found." if report.ok else f"FAILED: {len(report.errors)} problem(s).")
        click.echo(report.assurance)
    sys.exit(0 if report.ok else 1)
