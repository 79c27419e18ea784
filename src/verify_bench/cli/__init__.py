"""``verify-bench``: the command-line front end. Each command parses arguments and calls the core.

Commands are loaded when used: importing all of them (the report writer, fragments, geodesy…)
took 0.4 s, which every command and every import worker paid before doing anything.
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

#: Command name -> (module of this package, attribute).
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("case_cmds", "init"), "import": ("import_cmd", "import_"), "items": ("items_cmds", "items"),
    "show": ("items_cmds", "show"), "log": ("case_cmds", "log"), "verify": ("case_cmds", "verify"),
    "demo": ("demo_cmd", "demo"), "dupes": ("dupes_cmd", "dupes"), "similar": ("dupes_cmd", "similar"),
    "gui": ("gui_cmd", "gui"), "locate": ("geo_cmds", "locate"), "locations": ("geo_cmds", "locations"),
    "accept-location": ("geo_cmds", "accept_location_cmd"),
    "withdraw-location": ("geo_cmds", "withdraw_location_cmd"), "coords": ("geo_cmds", "coords"),
    "export-geo": ("geo_cmds", "export_geo_cmd"), "sun": ("chrono_cmds", "sun"),
    "shadow-band": ("chrono_cmds", "shadow_band_cmd"), "times": ("chrono_cmds", "times"),
    "claim-time": ("chrono_cmds", "claim_time_cmd"), "timeline": ("chrono_cmds", "timeline_cmd"),
    "time-of-day": ("chrono_cmds", "time_of_day_cmd"), "incident": ("incident_cmds", "incident"),
    "layers": ("incident_cmds", "layers"), "areas": ("incident_cmds", "areas"), "tag": ("fragment_cmds", "tag"),
    "fragments": ("fragment_cmds", "fragments"), "status": ("workflow_cmds", "status"),
    "assign": ("workflow_cmds", "assign_cmd"), "check": ("workflow_cmds", "check_cmd"),
    "comment": ("workflow_cmds", "comment_cmd"), "submit": ("workflow_cmds", "submit_cmd"),
    "review": ("workflow_cmds", "review"), "queue": ("workflow_cmds", "queue"),
    "profile": ("profile_cmds", "profile"), "people": ("profile_cmds", "people"),
    "report": ("report_cmds", "report"), "check-report": ("report_cmds", "check_report"),
}
#: Commands of a group that live in another module: group name -> (module, attributes).
SUBCOMMANDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "incident": ("incident_facts_cmds", ("create", "facts", "table")),
}


class _LazyGroup(click.Group):
    """A group whose commands are imported from :data:`COMMANDS` when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(_load(*COMMANDS[cmd_name]), cmd_name)
            if cmd_name in SUBCOMMANDS:
                module, names = SUBCOMMANDS[cmd_name]
                group = self.commands[cmd_name]
                assert isinstance(group, click.Group)
                for name in names:
                    group.add_command(_load(module, name))
        return super().get_command(ctx, cmd_name)


def _load(module: str, attribute: str) -> click.Command:
    command = getattr(importlib.import_module(f".{module}", __package__), attribute)
    assert isinstance(command, click.Command)
    return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="verify-bench")
def main() -> None:
    """Verify Bench: preserve, examine and re-check photos and videos as evidence."""


__all__ = ["main", "COMMANDS"]
