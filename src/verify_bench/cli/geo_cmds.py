"""``locate``, ``locations``, ``accept-location``, ``withdraw-location``, ``coords`` and ``export-geo``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from ..geo import (
    LOCATION_METHODS,
    POSITIONS,
    CoordinateError,
    accept_location,
    all_formats,
    claim_location,
    export_geo,
    item_locations,
    location_claims,
    parse_point,
    withdraw_location,
)
from ..geo.coords import ParsedPoint
from ._common import actor_option, case_argument, json_option, opened, print_json


def _near(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        point = parse_point(value)
    except CoordinateError as exc:
        raise click.BadParameter(str(exc), param_hint="--near") from exc
    return point.lat, point.lon


def read_point(lat: float | None, lon: float | None, mgrs: str | None, plus_code: str | None, at: str | None,
               near: str | None) -> tuple[ParsedPoint, str]:
    """The one place given by --lat/--lon, --mgrs, --plus-code or --at, and the text it was read from."""
    given = [x for x in ((lat, lon) if lat is not None or lon is not None else None, mgrs, plus_code, at) if x]
    if len(given) != 1:
        raise click.UsageError("give the place once: --lat and --lon, --mgrs, --plus-code or --at")
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise click.UsageError("give both --lat and --lon")
        text = f"{lat}, {lon}"
    else:
        text = mgrs or plus_code or at or ""
    try:
        point = parse_point(text, near=_near(near))
    except CoordinateError as exc:
        raise click.BadParameter(str(exc), param_hint="place") from exc
    if mgrs and point.format != "mgrs" or plus_code and point.format != "pluscode":
        raise click.BadParameter(f"'{text}' is not {'an MGRS reference' if mgrs else 'a plus code'}")
    return point, text


def place_options(f: Any) -> Any:
    for option in reversed((
        click.option("--lat", type=float, help="Latitude, decimal degrees (north positive)."),
        click.option("--lon", type=float, help="Longitude, decimal degrees (east positive)."),
        click.option("--mgrs", help="MGRS grid reference, e.g. '36R XV 39298 86130'."),
        click.option("--plus-code", help="Plus code (Open Location Code), e.g. '8G3PGF28+MPM'."),
        click.option("--at", "at", metavar="TEXT",
                     help="Any form: decimal, DMS, MGRS, plus code, Google Maps / OSM URL, geo: URI."),
        click.option("--near", metavar="PLACE", help="Reference point for a short plus code."),
    )):
        f = option(f)
    return f


@click.command()
@case_argument
@click.argument("item_ref", metavar="ITEM")
@place_options
@click.option("--precision", type=float, help="Radius in metres within which you are sure "
              "(default: what an MGRS square, plus code or geo: u= states).")
@click.option("--method", type=click.Choice(LOCATION_METHODS), required=True, help="How the place was found.")
@click.option("--position", type=click.Choice(POSITIONS), default="camera", show_default=True,
              help="Whether the point is where the camera stood or what it shows.")
@click.option("--direction", type=float, help="Viewing direction, degrees clockwise from true north.")
@click.option("--note", help="How you know (recorded in the event).")
@click.option("--accept", is_flag=True, help="Also make this the item's accepted location.")
@actor_option
@json_option
def locate(case_path: str, item_ref: str, lat: float | None, lon: float | None, mgrs: str | None,
           plus_code: str | None, at: str | None, near: str | None, precision: float | None, method: str,
           position: str, direction: float | None, note: str | None, accept: bool, actor: str | None,
           as_json: bool) -> None:
    """Claim where ITEM was filmed or photographed."""
    point, text = read_point(lat, lon, mgrs, plus_code, at, near)
    with opened(case_path, actor) as case:
        claim = claim_location(case, item_ref, point, precision_m=precision, method=method,  # type: ignore[arg-type]
                               position=position, direction_deg=direction, note=note,  # type: ignore[arg-type]
                               input_text=text, accept=accept)
    if as_json:
        print_json(asdict(claim))
    else:
        click.echo(f"claim {claim.claim_id[:8]}: {claim.lat:.6f}, {claim.lon:.6f} ±{claim.precision_m:g} m "
                   f"({claim.method}, {claim.position}){' — accepted' if claim.accepted else ''}")
        if point.note:
            click.echo(f"  note: {point.note}")


@click.command()
@case_argument
@click.argument("item_ref", metavar="[ITEM]", required=False)
@json_option
def locations(case_path: str, item_ref: str | None, as_json: bool) -> None:
    """Location claims (of ITEM, or all), with the file's own GPS beside them and the distance between."""
    with opened(case_path) as case:
        if item_ref:
            views = [item_locations(case, item_ref)]
        else:
            ids = sorted({c.item_id for c in location_claims(case)} | {r[0] for r in case.conn.execute(
                "SELECT DISTINCT item_id FROM fields WHERE field = 'gps_lat'")})
            views = [item_locations(case, i) for i in ids]
    if as_json:
        print_json([{**asdict(v), "flagged": v.flagged} for v in views])
        return
    for v in views:
        click.echo(f"item {v.item_id[:8]}" + ("  ! claims and file GPS disagree" if v.flagged else ""))
        for m in v.metadata:
            click.echo(f"  file GPS ({m.source}): {m.lat:.6f}, {m.lon:.6f}")
        for c in v.claims:
            marks = "".join((" [accepted]" if c.accepted else "", " [withdrawn]" if c.withdrawn else ""))
            click.echo(f"  claim {c.claim_id[:8]}: {c.lat:.6f}, {c.lon:.6f} ±{c.precision_m:g} m {c.method} "
                       f"{c.position} by {c.actor}{marks}")
            for cmp in (x for x in v.comparisons if x.claim_id == c.claim_id):
                flag = "  ! large disagreement" if cmp.flagged else ""
                click.echo(f"    {cmp.distance_m:,.0f} m from the {cmp.source} GPS{flag}")


@click.command("accept-location")
@case_argument
@click.argument("claim_ref", metavar="CLAIM")
@click.option("--note", help="Why this one (recorded in the event).")
@actor_option
@json_option
def accept_location_cmd(case_path: str, claim_ref: str, note: str | None, actor: str | None, as_json: bool) -> None:
    """Make CLAIM (id or prefix) the accepted location of its item."""
    with opened(case_path, actor) as case:
        claim = accept_location(case, claim_ref, note=note)
    if as_json:
        print_json(asdict(claim))
    else:
        click.echo(f"accepted claim {claim.claim_id[:8]} for item {claim.item_id[:8]}")


@click.command("withdraw-location")
@case_argument
@click.argument("claim_ref", metavar="CLAIM")
@click.option("--note", help="Why (recorded in the event).")
@actor_option
@json_option
def withdraw_location_cmd(case_path: str, claim_ref: str, note: str | None, actor: str | None, as_json: bool) -> None:
    """Withdraw CLAIM; it stays on record, marked withdrawn."""
    with opened(case_path, actor) as case:
        claim = withdraw_location(case, claim_ref, note=note)
    if as_json:
        print_json(asdict(claim))
    else:
        click.echo(f"withdrew claim {claim.claim_id[:8]}")


@click.command()
@click.argument("text")
@click.option("--near", metavar="PLACE", help="Reference point for a short plus code.")
@json_option
def coords(text: str, near: str | None, as_json: bool) -> None:
    """Read TEXT (decimal, DMS, MGRS, plus code, map URL, geo: URI) and print it in every form."""
    try:
        point = parse_point(text, near=_near(near))
    except CoordinateError as exc:
        raise click.ClickException(str(exc)) from exc
    forms = all_formats(point.lat, point.lon)
    if as_json:
        print_json({**asdict(point), "formats": forms})
        return
    click.echo(f"read as {point.format}" + (f" (±{point.precision_m:.1f} m)" if point.precision_m else "")
               + (f"; {point.note}" if point.note else ""))
    for name, value in forms.items():
        click.echo(f"  {name:<14} {value}")


@click.command("export-geo")
@case_argument
@click.option("--format", "fmt", type=click.Choice(["geojson", "kml", "csv"]), default="geojson", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: CASE/exports/geo.EXT).")
@json_option
def export_geo_cmd(case_path: str, fmt: str, output: str | None, as_json: bool) -> None:
    """Write items, location claims and incidents as GeoJSON, KML or CSV."""
    with opened(case_path) as case:
        path = export_geo(case, fmt, output)  # type: ignore[arg-type]
    if as_json:
        print_json({"path": str(path), "format": fmt})
    else:
        click.echo(f"wrote {path}")
