"""``import``: files, folders and archives into a case, with progress on the terminal."""

from __future__ import annotations

import signal
import sys
import threading
from dataclasses import asdict
from types import FrameType

import click

from ..ingest.pipeline import ImportOptions, run_import
from ..ingest.progress import FileOutcome, ImportProgress
from ._common import actor_option, case_argument, human_size, json_option, opened, print_json


@click.command("import")
@case_argument
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False, path_type=str))
@click.option("--source-url", help="Where these files came from (recorded with every sighting).")
@click.option("--note", help="A note recorded with every sighting.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Parse worker processes (default: up to 2).")
@click.option("--time-limit", type=click.FloatRange(1), default=120.0, show_default=True,
              help="Seconds one file may take to parse before its worker is stopped.")
@actor_option
@json_option
def import_(case_path: str, paths: tuple[str, ...], source_url: str | None, note: str | None, workers: int | None,
            time_limit: float, actor: str | None, as_json: bool) -> None:
    """Import PATHS (files, folders, zip/tar archives) into CASE.

    Originals are copied into the case and never changed. Ctrl-C stops cleanly;
    running the same command again resumes where it stopped.
    """
    options = ImportOptions(source_url=source_url, note=note, time_limit=time_limit)
    if workers:
        options.workers = workers
    stop = threading.Event()
    show = _TerminalProgress(enabled=not as_json and sys.stderr.isatty())
    previous = signal.signal(signal.SIGINT, _first_interrupt_cancels(stop))
    try:
        with opened(case_path, actor) as case:
            summary = run_import(case, list(paths), options=options, progress=show.update,
                                 on_file=show.file_done, cancel=stop.is_set)
    finally:
        signal.signal(signal.SIGINT, previous)
        show.clear()
    if as_json:
        print_json(asdict(summary))
    else:
        click.echo(
            f"Import {summary.state}: {summary.imported} new, {summary.sighted} already in the case (new sighting), "
            f"{summary.known} imported before, {summary.rejected} rejected, {summary.with_problems} with problems; "
            f"{human_size(summary.bytes)} in {summary.seconds:.1f} s"
        )
        for failure in summary.failures:
            click.echo(f"  {failure['kind']}: {failure['path']}: {failure['message']}")
        if summary.state != "completed":
            click.echo("Run the same command again to import the rest.")
    sys.exit(0 if summary.state == "completed" else 3)


def _first_interrupt_cancels(stop: threading.Event):  # type: ignore[no-untyped-def]
    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        click.echo("\nStopping after the files in progress… (Ctrl-C again to stop at once)", err=True)
    return handler


class _TerminalProgress:
    """One status line on stderr: files, MB, rate, ETA, current file."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.width = 0

    def update(self, p: ImportProgress) -> None:
        if not self.enabled:
            return
        eta = f"ETA {p.eta:.0f} s" if p.eta is not None else "ETA --"
        line = (f"{p.files_done}/{p.files_total} files  {human_size(p.bytes_done)}/{human_size(p.bytes_total)}  "
                f"{p.files_per_second:.1f} files/s  {human_size(p.bytes_per_second)}/s  {eta}  "
                f"errors {p.errors}  {p.current[-40:]}")
        self.width = max(self.width, len(line))
        sys.stderr.write("\r" + line.ljust(self.width))
        sys.stderr.flush()

    def file_done(self, outcome: FileOutcome) -> None:
        if self.enabled and outcome.problems:
            self.clear()
            kind, message = outcome.problems[0]
            sys.stderr.write(f"{kind}: {outcome.path}: {message}\n")

    def clear(self) -> None:
        if self.enabled and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
