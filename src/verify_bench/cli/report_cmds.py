"""``report`` and ``check-report``: export a chain-of-custody report, re-check one."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click

from ..errors import VerifyBenchError
from ..reports.check import check_export
from ..reports.export import FORMATS, ExportOptions, export_report
from ..reports.scope import Scope
from ._common import actor_option, case_argument, json_option, opened, print_json


@click.command()
@case_argument
@click.option("--incident", metavar="ID", help="Only items linked to this incident (id, id prefix or title).")
@click.option("--items", "items", metavar="ITEM", multiple=True,
              help="Only these items (repeatable or comma-separated; id, id prefix, SHA-256/MD5 prefix).")
@click.option("--status", "states", metavar="STATE", multiple=True,
              help="Only items in these workflow states (repeatable or comma-separated, e.g. verified).")
@click.option("--format", "formats", metavar="FORMAT", multiple=True, default=FORMATS,
              help=f"Formats to write (repeatable or comma-separated): {', '.join(FORMATS)}; default all."
                   " report.json is always written.")
@click.option("--bundle", is_flag=True, help="Write one zip file instead of a folder.")
@click.option("--include-originals", is_flag=True, help="Copy the original files into the export.")
@click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the export into (a new subfolder or zip per export). Default: CASE/exports.")
@click.option("--tsa", "tsa_url", metavar="URL", envvar="VERIFY_BENCH_TSA_URL",
              help="RFC 3161 timestamp authority to stamp the manifest hash (or $VERIFY_BENCH_TSA_URL)."
                   " Without one, the request is saved as manifest.tsq.")
@actor_option
@json_option
def report(case_path: str, incident: str | None, items: tuple[str, ...], states: tuple[str, ...],
           formats: tuple[str, ...], bundle: bool, include_originals: bool, out_dir: Path | None,
           tsa_url: str | None, actor: str | None, as_json: bool) -> None:
    """Export a chain-of-custody report of CASE (all items, or those chosen) and record the export in the log."""
    item_refs = tuple(ref.strip() for value in items for ref in value.split(",") if ref.strip())
    scope = Scope(incident=incident, items=item_refs, states=states)
    options = ExportOptions(formats=formats, include_originals=include_originals, bundle=bundle, tsa_url=tsa_url)
    with opened(case_path, actor) as case:
        result = export_report(case, scope, out_dir or case.root / "exports", options)
    if as_json:
        print_json({**asdict(result), "path": str(result.path)})
        return
    for warning in result.warnings:
        click.echo(f"WARNING: {warning}", err=True)
    click.echo(f"Wrote {result.path}")
    click.echo(f"{result.item_count} item(s), {len(result.files)} file(s) in the manifest; export {result.export_id}")
    click.echo(f"Recorded as event {result.event_seq} (report.exported); log head at export"
               f" {result.log_head['seq']}:{result.log_head['hash']}")
    stamp = {"stamped": f"timestamped by the authority at {result.timestamp_time}",
             "request_only": "timestamp request saved as manifest.tsq (no authority configured)"}
    click.echo("Timestamp: " + stamp.get(result.timestamp, result.timestamp))
    click.echo(f"manifest.json SHA-256: {result.manifest_sha256}")


@click.command("check-report")
@click.argument("path", metavar="PATH", type=click.Path(exists=True, path_type=Path))
@click.option("--expect-manifest", metavar="SHA256",
              help="The manifest hash obtained independently (printed at export, or from the case's log).")
@json_option
def check_report(path: Path, expect_manifest: str | None, as_json: bool) -> None:
    """Re-hash every file of an export (folder or bundle zip) and compare with its manifest and event log;
    exit 1 on any difference."""
    try:
        result = check_export(path, expect_manifest=expect_manifest)
    except VerifyBenchError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        print_json({**asdict(result), "ok": result.ok})
    else:
        for f in result.findings:
            click.echo(f"{'NOTICE' if f.severity == 'notice' else 'PROBLEM'} [{f.code}] {f.message}")
        click.echo(f"{result.files_checked} file(s) re-hashed ({result.bytes_checked:,} bytes),"
                   f" {result.events_checked} event(s) of the log excerpt checked")
        if result.timestamp and result.timestamp.get("state") == "stamped":
            signer = result.timestamp.get("signed_by")
            click.echo(f"Timestamp: manifest hash stamped at {result.timestamp['gen_time']}"
                       f" (serial {result.timestamp['serial_number']})"
                       + (f", signed by {signer} (its chain of trust is not checked here)" if signer else ""))
        click.echo(f"manifest.json SHA-256: {result.manifest_sha256}")
        click.echo("OK: every file matches the manifest and the log." if result.ok
                   else f"FAILED: {len(result.errors)} difference(s).")
    sys.exit(0 if result.ok else 1)
