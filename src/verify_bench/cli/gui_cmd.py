"""``gui``: open the desktop app (the same as the ``verify-bench-gui`` program)."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("case_path", metavar="[CASE]", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option("--sample", is_flag=True, help="Open the bundled sample case (built on first use).")
def gui(case_path: str | None, sample: bool) -> None:
    """Open the desktop app, on CASE or the sample case if given."""
    from ..gui.app import main as gui_main  # imported here: the rest of the CLI never loads Qt

    argv = (["--sample"] if sample else []) + ([case_path] if case_path else [])
    sys.exit(gui_main(argv))
