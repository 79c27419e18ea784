"""``incident`` (add, link, unlink, list), ``layers`` (import, list, remove) and ``areas``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from ..geo import (
    find_incident,
    import_layer,
    incident_relations,
    item_relations,
    link_items,
    list_incidents,
    list_layers,
    record_incident,
    remove_layer,
)
from ._common import actor_option, case_argument, json_option, opened, print_json


@click.group()
def incident() -> None:
    """Incidents: events in the world, with a time, a place and the items that show them."""


@incident.command("add")
@case_argument
@click.argument("title")
@click.option("--time", "when", help="ISO 8601; without an offset it is local time at --lat/--lon.")
@click.option("--lat", type=float)
@click.option("--lon", type=float)
@click.option("--precision", type=float, help="Radius in metres.")
@click.option("--note")
@click.option("--update", "incident_ref", metavar="INCIDENT", help="Restate an existing incident instead.")
@actor_option
@json_option
def add(case_path: str, title: str, when: str | None, lat: float | None, lon: float | None, precision: float | None,
        note: str | None, incident_ref: str | None, actor: str | None, as_json: bool) -> None:
    """Record an incident called TITLE (or, with --update, restate one)."""
    with opened(case_path, actor) as case:
        found = record_incident(case, title, time=when, lat=lat, lon=lon, precision_m=precision, note=note,
                                incident_ref=incident_ref)
    if as_json:
        print_json(asdict(found))
    else:
        click.echo(f"incident {found.incident_id[:8]} '{found.title}' {found.time or 'time unknown'}")


@incident.command("link")
@case_argument
@click.argument("incident_ref", metavar="INCIDENT")
@click.argument("items", metavar="ITEM…", nargs=-1, required=True)
@click.option("--unlink", is_flag=True, help="Say the items do not show the incident after all.")
@actor_option
def link(case_path: str, incident_ref: str, items: tuple[str, ...], unlink: bool, actor: str | None) -> None:
    """Say that ITEMs show INCIDENT."""
    with opened(case_path, actor) as case:
        found = link_items(case, incident_ref, list(items), unlink=unlink)
    click.echo(f"incident {found.incident_id[:8]} now has {len(found.item_ids)} item(s)")


@incident.command("list")
@case_argument
@json_option
def list_(case_path: str, as_json: bool) -> None:
    """List incidents by time."""
    with opened(case_path) as case:
        found = list_incidents(case)
    if as_json:
        print_json([asdict(i) for i in found])
        return
    for i in found:
        place = f"{i.lat:.5f}, {i.lon:.5f}" if i.lat is not None else "place unknown"
        click.echo(f"{i.incident_id[:8]}  {(i.time or 'time unknown'):<25}  {place:<22}  {len(i.item_ids)} items"
                   f"  {i.title}")


@click.group()
def layers() -> None:
    """Reference layers (KML, KMZ, GeoJSON): zones, lines and places to check items against."""


@layers.command("import")
@case_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Layer name (default: the file name).")
@actor_option
@json_option
def import_(case_path: str, file: Path, name: str | None, actor: str | None, as_json: bool) -> None:
    """Import FILE as a reference layer."""
    with opened(case_path, actor) as case:
        layer = import_layer(case, file, name=name)
    if as_json:
        print_json(asdict(layer))
    else:
        click.echo(f"layer {layer.layer_id[:8]} '{layer.name}': {layer.feature_count} features")


@layers.command("list")
@case_argument
@json_option
def list_layers_cmd(case_path: str, as_json: bool) -> None:
    """List reference layers."""
    with opened(case_path) as case:
        found = list_layers(case)
    if as_json:
        print_json([asdict(x) for x in found])
        return
    for x in found:
        click.echo(f"{x.layer_id[:8]}  {x.name:<30} {x.format:<8} {x.feature_count} features  ({x.source_name})")


@layers.command("remove")
@case_argument
@click.argument("layer_ref", metavar="LAYER")
@actor_option
def remove(case_path: str, layer_ref: str, actor: str | None) -> None:
    """Remove a reference layer (its import stays in the log)."""
    with opened(case_path, actor) as case:
        remove_layer(case, layer_ref)
    click.echo("removed")


@click.command()
@case_argument
@click.argument("ref", metavar="ITEM|INCIDENT")
@click.option("--incident", "is_incident", is_flag=True, help="REF names an incident, not an item.")
@json_option
def areas(case_path: str, ref: str, is_incident: bool, as_json: bool) -> None:
    """Which reference areas contain an item (or incident), and on which side of each line it lies."""
    with opened(case_path) as case:
        found = incident_relations(case, ref) if is_incident else item_relations(case, ref)
        title = find_incident(case, ref).title if is_incident else ref
    if as_json:
        print_json(asdict(found) if found else None)
        return
    if found is None:
        click.echo(f"{title}: no place known")
        return
    click.echo(f"{title} at {found.lat:.5f}, {found.lon:.5f} ({found.basis})")
    for r in found.relations:
        where = "inside" if r.relation == "inside" else f"{r.relation.replace('_', ' ')} (seen along the line)"
        extra = f", {r.distance_m:,.0f} m away" if r.distance_m is not None else ""
        date = f" [{r.feature_date}]" if r.feature_date else ""
        click.echo(f"  {where} {r.layer_name}: {r.feature_name or r.feature_index}{date}{extra}")
