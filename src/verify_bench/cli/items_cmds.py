"""``items`` and ``show``."""

from __future__ import annotations

import click

from ..queries import item_details, list_items
from ._common import case_argument, human_size, json_option, opened, print_json


@click.command()
@case_argument
@json_option
def items(case_path: str, as_json: bool) -> None:
    """List the items of CASE in import order."""
    with opened(case_path) as case:
        rows = list_items(case)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("No items yet. Add files with: verify-bench import CASE PATH…")
        return
    for r in rows:
        camera = " ".join(x for x in (r["camera_make"], r["camera_model"]) if x) or "-"
        gps = "GPS" if r["gps_lat"] is not None else "   "
        taken = r["taken_at"] or r["creation_time"] or "-"
        flag = "" if r["analysis"] == "ok" else f"  [{r['analysis']}]"
        click.echo(f"{r['id'][:8]}  {r['sha256'][:12]}  {r['media_type']:<5} {human_size(r['size']):>9}  "
                   f"{taken[:19]:<19}  {gps}  {camera[:28]:<28}  {r['display_name']}{flag}")


@click.command()
@case_argument
@click.argument("item_ref", metavar="ITEM")
@json_option
def show(case_path: str, item_ref: str, as_json: bool) -> None:
    """Show everything recorded about ITEM (id, or a unique SHA-256 prefix)."""
    with opened(case_path) as case:
        details = item_details(case, item_ref)
    if as_json:
        print_json(details)
        return
    item = details["item"]
    click.echo(f"{item['display_name']}  ({item['media_type']}, {item.get('mime') or 'unknown type'})")
    for key in ("id", "sha256", "md5", "size", "stored_path", "imported_at", "imported_by", "analysis", "width",
                "height", "duration", "taken_at", "taken_at_offset", "taken_at_source", "camera_make", "camera_model",
                "software", "lens", "orientation", "gps_lat", "gps_lon", "gps_alt", "gps_direction", "gps_time",
                "gps_source", "creation_time", "codec", "frame_rate", "rotation"):
        if item.get(key) not in (None, ""):
            click.echo(f"  {key:<16} {item[key]}")
    if item["taken_at"] and not item["taken_at_offset"]:
        click.echo("  (taken_at is local time; the file states no time zone)")
    for d in item["disagreements"]:
        values = "; ".join(f"{v[0]} ({v[1]})" for v in d["values"])
        click.echo(f"  ! sources disagree on {d['field']}: {values}")
    click.echo("Sightings:")
    for s in details["sightings"]:
        extra = f"  from {s['source_url']}" if s["source_url"] else ""
        click.echo(f"  {s['acquired_at']}  by {s['acquired_by']}: {s['original_path']}{extra}")
        if s["sidecar"] and s["sidecar"].get("webpage_url"):
            sc = s["sidecar"]
            click.echo(f"    sidecar: {sc.get('webpage_url')} uploaded {sc.get('upload_date')} by {sc.get('uploader')}")
    if details["problems"]:
        click.echo("Problems:")
        for p in details["problems"]:
            click.echo(f"  {p['kind']} ({p['stage']}): {p['message']}")
    stills = [h for h in details["hashes"] if h["frame_ts"] is None]
    if stills:
        click.echo("Hashes: " + ", ".join(f"{h['algo']} {h['bits']}" for h in stills))
    elif details["hashes"]:
        click.echo(f"Hashes: {len(details['hashes'])} keyframe hashes")
    click.echo(f"Metadata: {sum(len(v) for v in details['metadata'].values())} raw tags from "
               f"{', '.join(details['metadata']) or 'no source'} (use --json for all)")
    click.echo("Events:")
    for e in details["events"]:
        click.echo(f"  {e['seq']:>6}  {e['at']}  {e['actor']}  {e['kind']}  {e['hash'][:16]}")
