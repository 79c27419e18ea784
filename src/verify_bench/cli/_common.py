"""Helpers shared by the commands: opening a case, JSON output, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ..case import Case
from ..errors import VerifyBenchError

case_argument = click.argument("case_path", metavar="CASE", type=click.Path(file_okay=False, path_type=str))
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON (see docs/cli.md).")
actor_option = click.option(
    "--as", "actor", metavar="NAME", envvar="VERIFY_BENCH_ACTOR",
    help="Who is acting (recorded in every event). Default: $VERIFY_BENCH_ACTOR or your user name.",
)


@contextmanager
def opened(case_path: str, actor: str | None = None) -> Iterator[Case]:
    """Open a case for a command; core errors become clean messages and exit status 1."""
    try:
        case = Case.open(case_path, actor=actor)
    except VerifyBenchError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        yield case
    except VerifyBenchError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        case.close()


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


class ListByDefault(click.Group):
    """A command group whose bare form lists: ``GROUP CASE …`` runs ``GROUP list CASE …``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["list", *args]
        return super().parse_args(ctx, args)
