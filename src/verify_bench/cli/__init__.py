"""``verify-bench``: the command-line front end. Each command parses arguments and calls the core."""

from __future__ import annotations

import click

from .. import __version__
from . import case_cmds, demo_cmd, dupes_cmd, gui_cmd, import_cmd, items_cmds
from . import chrono_cmds, fragment_cmds, geo_cmds, incident_cmds
from . import incident_facts_cmds, profile_cmds, workflow_cmds
from . import report_cmds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="verify-bench")
def main() -> None:
    """Verify Bench: preserve, examine and re-check photos and videos as evidence."""


for command in (
    case_cmds.init, import_cmd.import_, items_cmds.items, items_cmds.show, case_cmds.log, case_cmds.verify,
    demo_cmd.demo, dupes_cmd.dupes, dupes_cmd.similar, gui_cmd.gui,
    geo_cmds.locate, geo_cmds.locations, geo_cmds.accept_location_cmd, geo_cmds.withdraw_location_cmd,
    geo_cmds.coords, geo_cmds.export_geo_cmd, chrono_cmds.sun, chrono_cmds.shadow_band_cmd, chrono_cmds.times,
    chrono_cmds.claim_time_cmd, chrono_cmds.timeline_cmd, chrono_cmds.time_of_day_cmd, incident_cmds.incident,
    incident_cmds.layers, incident_cmds.areas, fragment_cmds.tag, fragment_cmds.fragments,
    workflow_cmds.status, workflow_cmds.assign_cmd, workflow_cmds.check_cmd, workflow_cmds.comment_cmd,
    workflow_cmds.submit_cmd, workflow_cmds.review, workflow_cmds.queue, profile_cmds.profile, profile_cmds.people,
    report_cmds.report, report_cmds.check_report,
):
    main.add_command(command)
for command in (incident_facts_cmds.create, incident_facts_cmds.facts, incident_facts_cmds.table):
    incident_cmds.incident.add_command(command)

__all__ = ["main"]
