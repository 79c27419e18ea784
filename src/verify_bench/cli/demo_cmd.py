"""``demo``: build a case from the bundled sample media and show what it holds."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ..case import Case
from ..errors import VerifyBenchError
from ..demo import build_demo_case
from ..queries import list_items
from ..verify import verify_case
from ._common import human_size


@click.command()
@click.argument("case_path", metavar="[CASE]", required=False, type=click.Path(file_okay=False, path_type=str))
def demo(case_path: str | None) -> None:
    """Build a demo case from the bundled sample media (in a new temporary folder unless CASE is given)."""
    target = Path(case_path) if case_path else Path(tempfile.mkdtemp(prefix="verify-bench-demo-")) / "demo.vbcase"
    click.echo(f"Creating demo case at {target}")
    try:
        summary, again = build_demo_case(target)
        with Case.open(target) as case:
            click.echo(f"Imported {summary.imported} items ({human_size(summary.bytes)}) in {summary.seconds:.1f} s; "
                       f"{summary.rejected} rejected, {summary.with_problems} with problems:")
            for failure in summary.failures:
                click.echo(f"  {failure['kind']}: {Path(failure['path']).name}: {failure['message']}")
            click.echo(f"Received DSCN0010.jpg again: {again.sighted + again.known} sighting(s) added, no second copy.")
            click.echo("")
            for item in list_items(case):
                gps = f"{item['gps_lat']:+.5f}, {item['gps_lon']:+.5f}" if item["gps_lat"] is not None else "no GPS"
                when = item["taken_at"] or item["creation_time"] or "time unknown"
                camera = " ".join(x for x in (item["camera_make"], item["camera_model"]) if x) or "-"
                click.echo(f"  {item['sha256'][:12]}  {item['media_type']:<5}  {item['display_name']:<32} "
                           f"{when[:19]:<19}  {gps:<22}  {camera}  [{item['analysis']}]")
            seq, head = case.head()
        report = verify_case(target)
    except VerifyBenchError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"\nEvent log: {seq} events, head {head[:16]}…; verify: "
               f"{'OK' if report.ok else 'FAILED'} ({report.originals_checked} originals re-hashed)")
    click.echo(f"Next: verify-bench items {target}   |   verify-bench show {target} <sha256 prefix>")
