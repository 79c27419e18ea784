"""``dupes`` (list, confirm, reject) and ``similar``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from ..similarity import DEFAULT_THRESHOLD, decide, duplicates, similar_to_file
from ..similarity.decisions import Decision
from ..similarity.index import MAX_RADIUS
from ._common import ListByDefault, actor_option, case_argument, json_option, opened, print_json

threshold_option = click.option(
    "--threshold", type=click.IntRange(0, MAX_RADIUS), default=DEFAULT_THRESHOLD, show_default=True,
    help="Largest Hamming distance (of 64 bits) that counts as a match.")


@click.group(cls=ListByDefault)
def dupes() -> None:
    """Exact duplicates, near-duplicates, shared footage and stills from videos in CASE.

    \b
    verify-bench dupes CASE [--json] [--threshold N] [--kind image|video|all]
    verify-bench dupes confirm CASE ITEM OTHER… [--note TEXT]
    verify-bench dupes reject CASE ITEM OTHER… [--note TEXT]
    """


@dupes.command("list")
@case_argument
@json_option
@threshold_option
@click.option("--kind", type=click.Choice(["image", "video", "all"]), default="all", show_default=True,
              help="image: stills only; video: shared footage and stills found in videos.")
def list_(case_path: str, as_json: bool, threshold: int, kind: str) -> None:
    """List duplicates and suggested matches, grouped into clusters with a suggested best copy."""
    with opened(case_path) as case:
        report = duplicates(case, threshold=threshold, kind=kind)  # type: ignore[arg-type]
        names = {r[0]: r[1] for r in case.conn.execute("SELECT id, display_name FROM items")}
    if as_json:
        print_json({"threshold": report.threshold, "kind": report.kind, "exact": report.exact,
                    "matches": report.matches, "clusters": [asdict(c) for c in report.clusters]})
        return
    for e in report.exact:
        click.echo(f"exact  {e['item_id'][:8]}  {e['sightings']} sightings: " + ", ".join(e["paths"]))
    for c in report.clusters:
        click.echo(f"cluster {c.id[:8]}  {len(c.items)} items, best copy {c.best[:8]} {names.get(c.best, '')}"
                   f" ({', '.join(k for k, v in c.why.items() if v == c.best) or 'largest'})")
        for m in report.matches:
            if m["a"] in c.items:
                click.echo("  " + _describe(m, names))
    if not report.exact and not report.clusters:
        click.echo(f"No duplicates within distance {threshold}.")


def _describe(m: dict[str, Any], names: dict[str, str]) -> str:
    decision = f"  [{m['decision']}]" if m["decision"] else ""
    head = f"{m['a'][:8]} ~ {m['b'][:8]}  {m['kind']:<9}"
    ev = m["evidence"]
    if m["kind"] == "video":
        where = "; ".join(f"{s['a'][0]:.1f}-{s['a'][1]:.1f}s ~ {s['b'][0]:.1f}-{s['b'][1]:.1f}s"
                          for s in ev["segments"])
        detail = f"d={m['distance']}  shared {where}"
    elif m["kind"] == "frame":
        detail = f"d={m['distance']}  still {ev['still'][:8]} at {ev['frame_ts']:.2f}s of video {ev['video'][:8]}"
    elif m["distance"] is not None:
        detail = f"d={m['distance']}  {' ~ '.join(ev['hashes'])}"
    else:
        detail = "confirmed by hand"
    return f"{head} {detail}  {names.get(m['a'], '')} ~ {names.get(m['b'], '')}{decision}"


def _decision_options(f: Any) -> Any:
    for option in reversed((case_argument, click.argument("item_ref", metavar="ITEM"),
                            click.argument("others", metavar="OTHER…", nargs=-1, required=True),
                            click.option("--note", help="Why (recorded in the event)."), actor_option, json_option)):
        f = option(f)
    return f


@dupes.command()
@_decision_options
def confirm(case_path: str, item_ref: str, others: tuple[str, ...], note: str | None, actor: str | None,
            as_json: bool) -> None:
    """Confirm that ITEM and each OTHER show the same picture or footage."""
    _decide(case_path, item_ref, others, "confirmed", note, actor, as_json)


@dupes.command()
@_decision_options
def reject(case_path: str, item_ref: str, others: tuple[str, ...], note: str | None, actor: str | None,
           as_json: bool) -> None:
    """Reject suggested matches between ITEM and each OTHER ("not the same picture")."""
    _decide(case_path, item_ref, others, "rejected", note, actor, as_json)


def _decide(case_path: str, item_ref: str, others: tuple[str, ...], decision: Decision, note: str | None,
            actor: str | None, as_json: bool) -> None:
    with opened(case_path, actor) as case:
        seqs = decide(case, [(item_ref, o) for o in others], decision, note=note)
    if as_json:
        print_json({"decision": decision, "events": seqs})
    else:
        click.echo(f"{decision} {len(seqs)} match{'es' if len(seqs) != 1 else ''} (events {', '.join(map(str, seqs))})")


@click.command()
@case_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=str))
@json_option
@threshold_option
def similar(case_path: str, file: str, as_json: bool, threshold: int) -> None:
    """Have we seen FILE (a picture or a video) in CASE? Nothing is imported or written."""
    with opened(case_path) as case:
        found = similar_to_file(case, file, threshold=threshold)
        names = {r[0]: r[1] for r in case.conn.execute("SELECT id, display_name FROM items")}
    if as_json:
        print_json(asdict(found))
        return
    if found.exact:
        click.echo(f"exact: the case holds these very bytes as item {found.exact[:8]} {names.get(found.exact, '')}")
    if found.low_information:
        click.echo("the picture is nearly uniform: its hashes say nothing, so it was not searched")
    for m in found.matches:
        ev = m["evidence"]
        where = f" at {ev['frame_ts']:.2f}s" if m["kind"] == "frame" else ""
        click.echo(f"{m['kind']:<6} d={m['distance']:<2} {m['item_id'][:8]} {names.get(m['item_id'], '')}{where}")
    if not found.exact and not found.matches:
        click.echo(f"not seen: nothing in the case within distance {threshold}")
