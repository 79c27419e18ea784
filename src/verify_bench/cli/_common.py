"""Helpers shared by the commands: opening a case, JSON output, errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ..case import Case, default_actor
from ..errors import VerifyBenchError
from ..profiles import PASSPHRASE_ENV, ProfileLockedError, Signer, find_profile, unlock

case_argument = click.argument("case_path", metavar="CASE", type=click.Path(file_okay=False, path_type=str))
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON (see docs/cli.md).")
actor_option = click.option(
    "--as", "actor", metavar="NAME", envvar="VERIFY_BENCH_ACTOR",
    help="Who is acting (recorded in every event). Default: $VERIFY_BENCH_ACTOR or your user name.",
)


class _ReadOnly:
    """Marks a command that only reads: it never needs the acting person's key."""


READ_ONLY = _ReadOnly()
PASSPHRASE_TRIES = 3


@contextmanager
def opened(case_path: str, actor: str | None | _ReadOnly = READ_ONLY) -> Iterator[Case]:
    """Open a case for a command; core errors become clean messages and exit status 1.

    A command that acts passes ``actor`` (``--as``, possibly None): when that person's key is
    protected, the passphrase comes from ``$VERIFY_BENCH_PASSPHRASE`` or is asked for (not echoed).
    """
    try:
        if isinstance(actor, _ReadOnly):
            case = Case.open(case_path)
        else:
            signer = unlock_acting(actor or default_actor())
            case = Case.open(case_path, actor=actor, signer=signer)
    except VerifyBenchError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        yield case
    except VerifyBenchError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        case.close()


def unlock_acting(name: str) -> Signer | None:
    """The signer of a passphrase-protected profile, asking for the passphrase unless the environment gives it.

    None for an unprotected or not yet existing profile: the case unlocks (or creates) it itself.
    """
    profile = find_profile(name)
    if profile is None or not profile.protected:
        return None
    if os.environ.get(PASSPHRASE_ENV):
        return unlock(name)
    for _ in range(PASSPHRASE_TRIES - 1):
        try:
            return unlock(name, _ask_passphrase(profile.name))
        except ProfileLockedError:
            click.echo("Wrong passphrase, try again.", err=True)
    return unlock(name, _ask_passphrase(profile.name))


def _ask_passphrase(name: str) -> str:
    try:
        return str(click.prompt(f"Passphrase for profile '{name}'", hide_input=True, err=True))
    except click.Abort:
        raise ProfileLockedError(
            f"the key of profile '{name}' is protected by a passphrase: type it when asked, or set {PASSPHRASE_ENV}"
        ) from None


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
