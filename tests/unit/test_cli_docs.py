"""docs/cli.md shows every command's real ``--help`` (regenerate with ``python scripts/cli_docs.py --write``)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from verify_bench.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
BLOCK = re.compile(r"<!-- help: (?P<command>[^>]+?) -->\n### `[^`]+`\n\n```text\n(?P<help>.*?)\n```", re.DOTALL)
FIX = "docs/cli.md is out of date: run python scripts/cli_docs.py --write"


def _commands(cmd: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found += _commands(sub, path + (name,))
    return found


COMMANDS = _commands(main)


def _documented() -> dict[str, str]:
    return {m["command"]: m["help"] for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


def test_the_command_tree_is_walked() -> None:
    assert ("import",) in COMMANDS and ("fragments", "edit") in COMMANDS and len(COMMANDS) > 40


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "verify-bench")
def test_documented_help_is_the_real_help(path: tuple[str, ...]) -> None:
    real = CliRunner().invoke(main, [*path, "--help"], prog_name="verify-bench", env={"COLUMNS": "80"})
    assert real.exit_code == 0, real.output
    name = " ".join(("verify-bench", *path))
    documented = _documented()
    assert name in documented, f"{name} is missing; {FIX}"
    assert documented[name] == real.output.rstrip(), f"{name} --help differs; {FIX}"


def test_no_documented_command_is_gone() -> None:
    existing = {" ".join(("verify-bench", *p)) for p in COMMANDS}
    assert set(_documented()) - existing == set(), FIX


def test_every_command_is_introduced_in_the_prose() -> None:
    prose = DOC.read_text(encoding="utf-8").split("<!-- BEGIN command help", 1)[0]
    named = set(re.findall(r"`(?:verify-bench )?([a-z][a-z-]*)", prose))
    missing = {p[0] for p in COMMANDS if len(p) == 1} - named
    assert not missing, f"add a line on {sorted(missing)} to the table at the top of docs/cli.md"
