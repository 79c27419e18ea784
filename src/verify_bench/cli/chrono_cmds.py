"""``sun``, ``shadow-band``, ``times``, ``claim-time``, ``timeline`` and ``time-of-day``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time
from typing import Any

import click

from ..chrono import (
    TIME_METHODS,
    claim_time,
    item_times,
    parse_time,
    shadow_band,
    sun_position,
    time_of_day,
    timeline,
    zone_at,
)
from ..geo.errors import GeoError
from ._common import actor_option, case_argument, json_option, opened, print_json
from .geo_cmds import place_options, read_point


@click.command()
@place_options
@click.option("--time", "when", required=True, help="ISO 8601; without an offset it is local time at the place.")
@json_option
def sun(lat: float | None, lon: float | None, mgrs: str | None, plus_code: str | None, at: str | None,
        near: str | None, when: str, as_json: bool) -> None:
    """Sun azimuth and elevation at a place and time, and the shadows it casts."""
    point, _ = read_point(lat, lon, mgrs, plus_code, at, near)
    zone = zone_at(point.lat, point.lon)
    try:
        zoned = parse_time(when, zone=zone)
        position = sun_position(point.lat, point.lon, datetime.fromisoformat(zoned.local))
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        print_json({**asdict(position), "local_time": zoned.local, "zone": zone})
        return
    click.echo(f"{point.lat:.5f}, {point.lon:.5f} at {zoned.local} ({zone or 'zone unknown'}; {position.when_utc})")
    click.echo(f"  sun azimuth {position.azimuth_deg:.2f}°, elevation {position.elevation_deg:.2f}°")
    if position.shadow_ratio is None:
        click.echo("  the sun is below the horizon: no sun shadows")
    else:
        click.echo(f"  shadows point to {position.shadow_azimuth_deg:.1f}°, {position.shadow_ratio:.2f}× the height"
                   " of the object casting them")


@click.command("shadow-band")
@click.option("--ratio", type=float, required=True, help="Measured shadow length / object height.")
@click.option("--time", "when", required=True, help="ISO 8601 with offset or Z.")
@click.option("--tolerance", type=float, default=0.1, show_default=True, help="Relative error of the ratio.")
@click.option("--shadow-direction", type=float, help="Measured shadow direction, degrees from true north.")
def shadow_band_cmd(ratio: float, when: str, tolerance: float, shadow_direction: float | None) -> None:
    """Print, as GeoJSON, where on Earth the sun casts shadows of RATIO at TIME."""
    try:
        band = shadow_band(ratio, datetime.fromisoformat(parse_time(when).local), ratio_tolerance=tolerance,
                           shadow_azimuth=shadow_direction)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc

    def ring(points: list[tuple[float, float]]) -> list[list[float]]:
        return [[lon, lat] for lat, lon in points]

    rings = [ring(band.outer)] + ([ring(band.inner)[::-1]] if band.inner else [])
    features: list[dict[str, Any]] = [
        {"type": "Feature", "properties": {"part": "band", "elevation_range": band.elevation_range},
         "geometry": {"type": "Polygon", "coordinates": rings}},
        {"type": "Feature", "properties": {"part": "subsolar point"},
         "geometry": {"type": "Point", "coordinates": [band.subsolar[1], band.subsolar[0]]}},
    ]
    if band.sector:
        features.append({"type": "Feature", "properties": {"part": "sector matching the shadow direction"},
                         "geometry": {"type": "Polygon", "coordinates": [ring(band.sector)]}})
    print_json({"type": "FeatureCollection", "features": features})


@click.command()
@case_argument
@click.argument("item_ref", metavar="ITEM")
@json_option
def times(case_path: str, item_ref: str, as_json: bool) -> None:
    """Candidate times of ITEM with their sources, contradictions and the best time."""
    with opened(case_path) as case:
        found = item_times(case, item_ref)
    if as_json:
        print_json(asdict(found))
        return
    for c in found.candidates:
        mark = " <- best" if c == found.best else ""
        click.echo(f"  {c.kind:<14} {c.source:<16} {c.stated}{mark}")
    for x in found.contradictions:
        click.echo(f"  ! {x.code}: {x.message}")


@click.command("claim-time")
@case_argument
@click.argument("item_ref", metavar="ITEM")
@click.argument("when", metavar="TIME")
@click.option("--precision", type=float, required=True, help="± seconds within which you are sure.")
@click.option("--method", type=click.Choice(TIME_METHODS), required=True, help="How the time was found.")
@click.option("--zone", help="IANA zone of a TIME without offset (default: the accepted location's).")
@click.option("--note", help="How you know (recorded in the event).")
@actor_option
@json_option
def claim_time_cmd(case_path: str, item_ref: str, when: str, precision: float, method: str, zone: str | None,
                   note: str | None, actor: str | None, as_json: bool) -> None:
    """Claim when ITEM was recorded."""
    with opened(case_path, actor) as case:
        claim = claim_time(case, item_ref, when, precision_s=precision, method=method,  # type: ignore[arg-type]
                           zone=zone, note=note)
    if as_json:
        print_json(asdict(claim))
    else:
        click.echo(f"time claim {claim.claim_id[:8]}: {claim.time} ({claim.time_utc}) ±{claim.precision_s:g} s")


@click.command("timeline")
@case_argument
@click.option("--incident", "incident_ref", help="Only the items of this incident (id, prefix or title).")
@json_option
def timeline_cmd(case_path: str, incident_ref: str | None, as_json: bool) -> None:
    """Items ordered by their best time."""
    with opened(case_path) as case:
        entries = timeline(case, incident_ref=incident_ref)
    if as_json:
        print_json([asdict(e) for e in entries])
        return
    for e in entries:
        when = e.local_time or "time unknown"
        source = f"{e.best.kind} ({e.best.source})" if e.best else ""
        flag = f"  ! {e.contradictions} contradiction(s)" if e.contradictions else ""
        click.echo(f"{when[:25]:<25}  {e.item_id[:8]}  {e.display_name:<32} {source}{flag}")


@click.command("time-of-day")
@case_argument
@click.option("--from", "start", default="23:00", show_default=True, help="Start of the window, local HH:MM.")
@click.option("--to", "end", default="04:00", show_default=True, help="End of the window, local HH:MM.")
@json_option
def time_of_day_cmd(case_path: str, start: str, end: str, as_json: bool) -> None:
    """Incidents by hour of their local day, and how many fall in a window (default 23:00–04:00)."""
    try:
        window = (time.fromisoformat(start), time.fromisoformat(end))
    except ValueError as exc:
        raise click.BadParameter(f"times are HH:MM: {exc}") from exc
    with opened(case_path) as case:
        result = time_of_day(case)
    inside = result.between(*window)
    if as_json:
        print_json({**asdict(result), "window": [start, end], "in_window": inside})
        return
    for hour, count in enumerate(result.hours):
        click.echo(f"  {hour:02d}:00  {'#' * count} {count or ''}")
    click.echo(f"{inside} of {len(result.local_times)} timed incidents between {start} and {end} local time"
               + (f"; {len(result.unknown)} without a time" if result.unknown else ""))
