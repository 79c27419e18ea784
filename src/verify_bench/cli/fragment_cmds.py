"""``tag`` and ``fragments`` (list, edit, delete, export, crops, taxonomy, extend, scale, measure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from .. import fragments as fr
from ._common import ListByDefault, actor_option, case_argument, json_option, opened, print_json

#: Descriptive fields as options: (field, option, help).
_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("category", "--category", "Munition category (id, label or alias from the taxonomy, or your own)."),
    ("component", "--component", "Component: tail kit/fins, guidance section, fuze, data plate, ..."),
    ("designation", "--designation", "Designation (model), as you identify it."),
    ("manufacturer", "--manufacturer", "Manufacturer."),
    ("markings", "--markings", "Markings transcribed verbatim (kept exactly as typed)."),
    ("cage", "--cage", "CAGE code (5 letters or digits)."),
    ("nsn", "--nsn", "NATO Stock Number, 13 digits written 4-2-3-4."),
    ("lot", "--lot", "Lot number."),
    ("manufactured", "--manufactured", "Date of manufacture (YYYY, YYYY-MM or YYYY-MM-DD sorts; anything else is kept)."),
    ("serial", "--serial", "Serial number."),
    ("note", "--note", "Free note."),
)


def _field_options(f: Callable[..., Any]) -> Callable[..., Any]:
    options = [click.option(opt, name, help=text) for name, opt, text in _FIELDS] + [
        click.option("--confidence", type=click.Choice(fr.CONFIDENCES), help="How sure the identification is."),
        click.option("--ref", "refs", multiple=True, metavar="ITEM",
                     help="A reference image already in the case (repeatable)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _region_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed((
        click.option("--region", metavar="X,Y,W,H", help="A rectangle: left, top, width, height in pixels."),
        click.option("--polygon", metavar="X,Y;X,Y;…", help="A polygon through 3 or more points."),
        click.option("--point", metavar="X,Y", help="A single point."),
        click.option("--frame", "frame_ts", type=float, metavar="T", help="Video frame time in seconds."),
        click.option("--stored-grid", is_flag=True,
                     help="Coordinates are on the stored original's pixels (default: the upright picture as "
                          "viewers show it, EXIF orientation applied)."),
    )):
        f = option(f)
    return f


def _region(region: str | None, polygon: str | None, point: str | None) -> fr.Region | None:
    given = [x for x in (region, polygon, point) if x]
    if len(given) > 1:
        raise click.UsageError("give one of --region, --polygon and --point")
    try:
        if region:
            return fr.rect(*fr.parse_numbers(region, 4))
        if polygon:
            return fr.parse_polygon(polygon)
        if point:
            return fr.point(*fr.parse_numbers(point, 2))
    except fr.FragmentError as exc:
        raise click.BadParameter(str(exc)) from exc
    return None


def _show_result(result: fr.TagResult, verb: str, as_json: bool) -> None:
    if as_json:
        print_json({**asdict(result), "region": result.region.to_json(),
                    "crop": str(result.crop) if result.crop else None})
        return
    click.echo(f"{verb} fragment {result.fragment_id} (event {result.event_seq}); region on the stored original: "
               f"{result.region.shape} {result.region.to_json()['points']}")
    for n in result.notices:
        click.echo(f"  note: {n.message}")
    if result.crop_error:
        click.echo(f"  crop not made: {result.crop_error}")


@click.command()
@case_argument
@click.argument("item_ref", metavar="ITEM")
@_region_options
@_field_options
@actor_option
@json_option
def tag(case_path: str, item_ref: str, region: str | None, polygon: str | None, point: str | None,
        frame_ts: float | None, stored_grid: bool, refs: tuple[str, ...], actor: str | None, as_json: bool,
        **fields: str | None) -> None:
    """Tag a weapon fragment on ITEM (a photo, or a video frame chosen with --frame).

    Format problems in codes are reported and never stop the tag being saved.
    """
    shape = _region(region, polygon, point)
    if shape is None:
        raise click.UsageError("draw the fragment with --region, --polygon or --point")
    values = {k: v for k, v in fields.items() if v is not None}
    if refs:
        values["refs"] = list(refs)  # type: ignore[assignment]
    with opened(case_path, actor) as case:
        result = fr.tag_fragment(case, item_ref, shape, grid="stored" if stored_grid else "upright",
                                 frame_ts=frame_ts, fields=values)
    _show_result(result, "Tagged", as_json)


@click.group(cls=ListByDefault)
def fragments() -> None:
    """The weapon fragments tagged in CASE.

    \b
    verify-bench fragments CASE [--json] [filters]
    verify-bench fragments edit CASE FRAGMENT [field options] [--clear FIELD]
    verify-bench fragments delete CASE FRAGMENT [--reason TEXT]
    verify-bench fragments export CASE [--format csv|json] [--output FILE] [filters]
    verify-bench fragments crops CASE [--all]
    verify-bench fragments taxonomy CASE / extend CASE KIND NAME [--category C]
    verify-bench fragments scale CASE ITEM --from X,Y --to X,Y --length L --unit U --label WHAT
    verify-bench fragments measure CASE SCALE --from X,Y --to X,Y [--fragment F]
    """


def _filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed((
        click.option("--item", metavar="ITEM", help="Only fragments on this item."),
        click.option("--category", help="Category (id, label or alias)."),
        click.option("--component", help="Component (id, label or alias)."),
        click.option("--designation", help="Designation contains this text."),
        click.option("--code", help="CAGE, NSN, lot, serial, date or markings contain this text."),
        click.option("--confidence", type=click.Choice(fr.CONFIDENCES)),
        click.option("--incident", help="Only items linked to this incident (id, id prefix or title)."),
        click.option("--cage-csv", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     envvar="VERIFY_BENCH_CAGE_CSV", help="Your CSV of CAGE codes and manufacturer names."),
    )):
        f = option(f)
    return f


@fragments.command("list")
@case_argument
@_filter_options
@json_option
def list_(case_path: str, cage_csv: Path | None, as_json: bool, **filters: str | None) -> None:
    """List fragments, oldest tag first."""
    names = fr.load_cage_csv(cage_csv) if cage_csv else None
    with opened(case_path) as case:
        found = fr.list_fragments(case, fr.FragmentFilter(**filters))
        tax = fr.case_taxonomy(case)
        records = [fr.fragment_record(f, tax, names, case.root) for f in found]
    if as_json:
        print_json(records)
        return
    if not records:
        click.echo("No fragments match.")
    for r in records:
        frame = f" @{r['frame_ts']}s" if r["frame_ts"] is not None else ""
        codes = "  ".join(f"{k.upper()} {r[k]}" for k in ("cage", "nsn", "lot", "serial") if r[k])
        maker = r["manufacturer"] or r["cage_name"] or ""
        click.echo(f"{r['id'][:8]}  item {r['item_id'][:8]}{frame}  {r['category_label'] or '-'} / "
                   f"{r['component_label'] or '-'}  {r['designation'] or ''}  {maker}  {codes}  "
                   f"[{r['confidence'] or 'unrated'}]{'  !' if r['notices'] else ''}")


@fragments.command()
@case_argument
@click.argument("fragment_ref", metavar="FRAGMENT")
@_region_options
@_field_options
@click.option("--clear", multiple=True, type=click.Choice(fr.FIELD_NAMES), help="Empty this field (repeatable).")
@actor_option
@json_option
def edit(case_path: str, fragment_ref: str, region: str | None, polygon: str | None, point: str | None,
         frame_ts: float | None, stored_grid: bool, refs: tuple[str, ...], clear: tuple[str, ...], actor: str | None,
         as_json: bool, **fields: str | None) -> None:
    """Change a fragment's fields, region or frame (recorded as one event)."""
    changes: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
    changes.update({name: None for name in clear})
    if refs:
        changes["refs"] = list(refs)
    shape = _region(region, polygon, point)
    if shape is not None:
        changes["region"] = shape
    if frame_ts is not None:
        changes["frame_ts"] = frame_ts
    with opened(case_path, actor) as case:
        result = fr.edit_fragment(case, fragment_ref, changes, grid="stored" if stored_grid else "upright")
    if result is None:
        click.echo("Nothing changed: no event recorded.")
    else:
        _show_result(result, "Edited", as_json)


@fragments.command()
@case_argument
@click.argument("fragment_ref", metavar="FRAGMENT")
@click.option("--reason", help="Why (recorded in the event).")
@actor_option
@json_option
def delete(case_path: str, fragment_ref: str, reason: str | None, actor: str | None, as_json: bool) -> None:
    """Delete a fragment tag (the log keeps it and who deleted it)."""
    with opened(case_path, actor) as case:
        seq = fr.delete_fragment(case, fragment_ref, reason=reason)
    if as_json:
        print_json({"event_seq": seq})
    else:
        click.echo(f"Deleted (event {seq}).")


@fragments.command()
@case_argument
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write (default: the case's exports/ folder).")
@_filter_options
def export(case_path: str, fmt: str, output: Path | None, cage_csv: Path | None, **filters: str | None) -> None:
    """Export fragments with item hashes and region coordinates as CSV or JSON."""
    names = fr.load_cage_csv(cage_csv) if cage_csv else None
    with opened(case_path) as case:
        found = fr.list_fragments(case, fr.FragmentFilter(**filters))
        path = fr.export_fragments(case, found, fmt, path=output, cage_names=names)  # type: ignore[arg-type]
    click.echo(f"Exported {len(found)} fragment{'s' if len(found) != 1 else ''} to {path}")


@fragments.command()
@case_argument
@click.option("--all", "rebuild_all", is_flag=True, help="Rewrite every crop, not only missing ones.")
@json_option
def crops(case_path: str, rebuild_all: bool, as_json: bool) -> None:
    """Rebuild the crops of tagged regions (derived files under derived/fragments/)."""
    with opened(case_path) as case:
        report = fr.rebuild_crops(case, only_missing=not rebuild_all)
    if as_json:
        print_json(asdict(report))
        return
    click.echo(f"{report.written} written, {report.kept} already there, {report.removed} stale removed, "
               f"{len(report.failed)} failed")
    for fragment_id, why in report.failed:
        click.echo(f"  {fragment_id[:8]}: {why}")


@fragments.command()
@case_argument
@json_option
def taxonomy(case_path: str, as_json: bool) -> None:
    """Show the case's vocabulary: bundled categories and components, and the case's own additions."""
    with opened(case_path) as case:
        tax = fr.case_taxonomy(case)
    if as_json:
        print_json(asdict(tax))
        return
    click.echo(f"Taxonomy version {tax.version}")
    for c in tax.categories:
        mark = " (this case)" if c.origin == "case" else ""
        comps = ", ".join(tax.label("component", x) or x for x in c.components)
        click.echo(f"  {c.id:<24} {c.label}{mark}: {comps}")
    for t in (*tax.components, *tax.designations):
        if t.origin == "case":
            click.echo(f"  + {t.label} ({'for ' + t.category if t.category else 'any category'})")


@fragments.command()
@case_argument
@click.argument("kind", type=click.Choice(["category", "component", "designation"]))
@click.argument("name")
@click.option("--category", help="The category a component or designation belongs to.")
@click.option("--note", help="Why, or where the term comes from.")
@actor_option
def extend(case_path: str, kind: str, name: str, category: str | None, note: str | None, actor: str | None) -> None:
    """Add a category, component or designation to this case's taxonomy."""
    with opened(case_path, actor) as case:
        term_id = fr.extend_taxonomy(case, kind, name, category=category, note=note)  # type: ignore[arg-type]
    click.echo(f"Added {kind} {term_id!r}")


def _xy(text: str) -> tuple[float, float]:
    try:
        x, y = fr.parse_numbers(text, 2)
    except fr.FragmentError as exc:
        raise click.BadParameter(str(exc)) from exc
    return x, y


def _segment_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed((
        click.option("--from", "start", required=True, metavar="X,Y", help="One end of the segment."),
        click.option("--to", "end", required=True, metavar="X,Y", help="The other end."),
        click.option("--stored-grid", is_flag=True, help="Points are on the stored original's pixels."),
    )):
        f = option(f)
    return f


@fragments.command()
@case_argument
@click.argument("item_ref", metavar="ITEM")
@_segment_options
@click.option("--length", type=float, required=True, help="The real length between the two points.")
@click.option("--unit", required=True, help="mm, cm, m, in …")
@click.option("--label", required=True, help="What it is: 'brick', 'ruler', 'hand' …")
@click.option("--frame", "frame_ts", type=float, metavar="T", help="Video frame time in seconds.")
@actor_option
def scale(case_path: str, item_ref: str, start: str, end: str, stored_grid: bool, length: float, unit: str,
          label: str, frame_ts: float | None, actor: str | None) -> None:
    """Mark a known length on ITEM, to measure other lengths on the same plane."""
    with opened(case_path, actor) as case:
        s = fr.set_scale(case, item_ref, _xy(start), _xy(end), length=length, unit=unit, label=label,
                         grid="stored" if stored_grid else "upright", frame_ts=frame_ts)
    click.echo(f"Scale {s.id} ({s.describe()})")


@fragments.command()
@case_argument
@click.argument("scale_ref", metavar="SCALE")
@_segment_options
@click.option("--fragment", "fragment_ref", help="The fragment this length belongs to.")
@click.option("--label", help="What was measured.")
@actor_option
@json_option
def measure(case_path: str, scale_ref: str, start: str, end: str, stored_grid: bool, fragment_ref: str | None,
            label: str | None, actor: str | None, as_json: bool) -> None:
    """Measure a length by a scale on the same picture (recorded with the scale it used)."""
    with opened(case_path, actor) as case:
        m = fr.measure(case, scale_ref, _xy(start), _xy(end), grid="stored" if stored_grid else "upright",
                       fragment_ref=fragment_ref, label=label)
    if as_json:
        print_json(asdict(m))
    else:
        ref = m.reference
        click.echo(f"{m.length:g} {m.unit}  (by {ref['label']}: {ref['length']:g} {ref['unit']} over "
                   f"{ref['pixels']:g} px; this segment {m.pixels:g} px)")
