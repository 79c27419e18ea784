"""``incident create``, ``incident facts`` and ``incident table`` (added to the ``incident`` group)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..workflow import (
    CONFIDENCES,
    OBJECTS_STRUCK,
    SORT_KEYS,
    WARNINGS,
    Figure,
    IncidentFacts,
    IncidentTableFilter,
    Source,
    create_incident,
    export_incidents_csv,
    incident_facts,
    incident_table,
    record_facts,
)
from ._common import actor_option, case_argument, json_option, opened, print_json


def _figure_options(name: str) -> list[Callable[[Any], Any]]:
    return [
        click.option(f"--{name}", f"{name}_total", type=click.IntRange(0), help=f"People {name}."),
        click.option(f"--{name}-children", type=click.IntRange(0), help=f"Children among the people {name}."),
        click.option(f"--{name}-confidence", type=click.Choice(CONFIDENCES)),
        click.option(f"--{name}-source", multiple=True, metavar="ITEM", help="A media item behind the figure."),
        click.option(f"--{name}-note", multiple=True, metavar="TEXT",
                     help="Another source behind the figure (e.g. an interview)."),
    ]


def facts_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--window-start", metavar="ISO", help="Earliest time it can have happened (with offset)."),
        click.option("--window-end", metavar="ISO", help="Latest time it can have happened (with offset)."),
        click.option("--description"),
        click.option("--object-struck", type=click.Choice(OBJECTS_STRUCK)),
        click.option("--object-note", help="What 'other' was, or the building's name."),
        *_figure_options("killed"), *_figure_options("injured"),
        click.option("--warning", type=click.Choice(WARNINGS), help="Warning given before the strike."),
        click.option("--warning-note"),
        click.option("--munition", help="Munition identified."),
        click.option("--fragment", "fragments", multiple=True, metavar="TAG", help="A fragment tag of the munition."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _merged(current: IncidentFacts | None, given: dict[str, Any]) -> IncidentFacts:
    """The recorded facts with the options that were given replacing theirs."""
    facts = current or IncidentFacts()
    simple = {k: given[k] for k in ("window_start", "window_end", "description", "object_struck", "object_note",
                                    "warning", "warning_note", "munition") if given[k] is not None}
    if given["fragments"]:
        simple["munition_fragments"] = tuple(given["fragments"])
    for name in ("killed", "injured"):
        old: Figure = getattr(facts, name)
        sources = tuple(Source(item_id=i) for i in given[f"{name}_source"]) + \
            tuple(Source(note=n) for n in given[f"{name}_note"])
        simple[name] = Figure(
            given[f"{name}_total"] if given[f"{name}_total"] is not None else old.total,
            given[f"{name}_children"] if given[f"{name}_children"] is not None else old.children,
            given[f"{name}_confidence"] or old.confidence,
            sources or old.sources)
    return dataclasses.replace(facts, **simple)


@click.command("create")
@case_argument
@click.argument("title")
@click.option("--time", "when", help="ISO 8601; without an offset it is local time at --lat/--lon.")
@click.option("--lat", type=float)
@click.option("--lon", type=float)
@click.option("--precision", type=float, help="Radius in metres.")
@facts_options
@actor_option
@json_option
def create(case_path: str, title: str, when: str | None, lat: float | None, lon: float | None,
           precision: float | None, actor: str | None, as_json: bool, **given: Any) -> None:
    """Create an incident called TITLE with its structured facts."""
    with opened(case_path, actor) as case:
        incident_id = create_incident(case, title, time=when, lat=lat, lon=lon, precision_m=precision,
                                      facts=_merged(None, given))
        facts = incident_facts(case, incident_id)
    if as_json:
        print_json({"incident_id": incident_id, "facts": dataclasses.asdict(facts) if facts else None})
    else:
        click.echo(f"incident {incident_id[:8]} '{title}' created")


@click.command("facts")
@case_argument
@click.argument("incident_ref", metavar="INCIDENT")
@facts_options
@actor_option
@json_option
def facts(case_path: str, incident_ref: str, actor: str | None, as_json: bool, **given: Any) -> None:
    """Record facts of INCIDENT (options not given keep their recorded values); without options, show them."""
    with opened(case_path, actor) as case:
        current = incident_facts(case, incident_ref)
        changed = any(v not in (None, ()) for v in given.values())
        found = record_facts(case, incident_ref, _merged(current, given)) if changed else current
    if as_json:
        print_json(dataclasses.asdict(found) if found else None)
        return
    if found is None:
        click.echo("no facts recorded")
        return
    for field, value in dataclasses.asdict(found).items():
        if value not in (None, (), [], {}):
            click.echo(f"  {field.replace('_', ' ')}: {value}")


@click.command("table")
@case_argument
@click.option("--sort", type=click.Choice(SORT_KEYS), default="time", show_default=True)
@click.option("--desc", "descending", is_flag=True, help="Largest / latest first.")
@click.option("--object-struck", type=click.Choice(OBJECTS_STRUCK))
@click.option("--warning", type=click.Choice(WARNINGS))
@click.option("--min-killed", type=click.IntRange(0))
@click.option("--search", "text", help="Text in the title, description or munition.")
@click.option("--csv", "csv_path", is_flag=False, flag_value="", default=None, metavar="[PATH]",
              help="Write CSV (default CASE/exports/incidents.csv).")
@json_option
def table(case_path: str, sort: str, descending: bool, object_struck: str | None, warning: str | None,
          min_killed: int | None, text: str | None, csv_path: str | None, as_json: bool) -> None:
    """The incidents of CASE with their facts: sorted, filtered, and exported to CSV."""
    flt = IncidentTableFilter(object_struck, warning, min_killed, text)
    with opened(case_path) as case:
        rows = incident_table(case, flt, sort=sort, descending=descending)  # type: ignore[arg-type]
        written = export_incidents_csv(case, Path(csv_path) if csv_path else None, flt, sort=sort,  # type: ignore[arg-type]
                                       descending=descending) if csv_path is not None else None
    if as_json:
        print_json([dataclasses.asdict(r) for r in rows])
    else:
        for r in rows:
            figures = f"{_n(r.killed)} killed ({_n(r.killed_children)} children), {_n(r.injured)} injured"
            click.echo(f"{r.incident_id[:8]}  {(r.window_start or r.time or 'time unknown')[:16]:<16}  "
                       f"{(r.object_struck or '-'):<20} {figures:<36} warning {r.warning or '?':<11} {r.title}")
    if written is not None:
        click.echo(f"wrote {written}", err=as_json)


def _n(value: int | None) -> str:
    return "?" if value is None else str(value)
