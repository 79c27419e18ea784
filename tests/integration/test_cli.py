"""The command line, through click's runner: commands, JSON shapes, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.factory import make_jpeg
from verify_bench.cli import main


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_init_import_items_show_log_verify(tmp_path: Path):
    case = str(tmp_path / "c.vbcase")
    (tmp_path / "a.jpg").write_bytes(make_jpeg(seed=1))
    (tmp_path / "b.jpg").write_bytes(make_jpeg(seed=2)[:900])
    assert "Created case" in _run("init", case)

    summary = json.loads(_run("import", case, str(tmp_path / "a.jpg"), str(tmp_path / "b.jpg"), "--json",
                              "--workers", "1", "--source-url", "https://example.org/x"))
    assert summary["state"] == "completed" and summary["imported"] == 2 and summary["with_problems"] == 1
    assert summary["failures"][0]["path"].endswith("b.jpg")

    items = json.loads(_run("items", case, "--json"))
    assert [i["display_name"] for i in items] == ["a.jpg", "b.jpg"]
    assert {"id", "sha256", "md5", "media_type", "taken_at", "gps_lat", "analysis"} <= set(items[0])

    details = json.loads(_run("show", case, items[0]["sha256"][:10], "--json"))
    assert details["item"]["id"] == items[0]["id"]
    assert details["sightings"][0]["source_url"] == "https://example.org/x"
    assert {"phash", "dhash"} <= {h["algo"] for h in details["hashes"]}
    assert [e["kind"] for e in details["events"]] == ["item.imported", "item.sighted", "item.analysed"]
    assert "b.jpg" in _run("show", case, items[1]["id"][:8])

    log = json.loads(_run("log", case, "--json"))
    assert log[0]["kind"] == "case.created" and log[-1]["kind"] == "import.finished"
    assert all(e["prev_hash"] == p["hash"] for p, e in zip(log, log[1:]))

    report = json.loads(_run("verify", case, "--json"))
    assert report["ok"] and report["originals_checked"] == 2 and report["head_hash"] == log[-1]["hash"]
    assert "OK: no problems found." in _run("verify", case, "--expect-head", f"{len(log)}:{log[-1]['hash']}")
    assert "head_mismatch" in _run("verify", case, "--expect-head", "0" * 64, code=1)


def test_errors_are_messages_not_tracebacks(tmp_path: Path):
    out = _run("items", str(tmp_path), code=1)
    assert "not a case folder" in out
    case = str(tmp_path / "c.vbcase")
    _run("init", case)
    assert "no item matches" in _run("show", case, "deadbeef", code=1)
    assert "exists and is not an empty folder" in _run("init", case, code=1)


def test_demo_builds_a_case_from_the_bundled_samples(tmp_path: Path):
    out = _run("demo", str(tmp_path / "demo.vbcase"))
    assert "verify: OK" in out
    assert "android-with-gps.mp4" in out and "+51.41" in out
    assert "DSCN0029-truncated.jpg" in out  # the broken sample is kept and reported
    assert "1 sighting(s) added" in out


def test_version():
    assert "verify-bench, version" in _run("--version")


def test_every_command_loads_when_asked_for_and_a_command_loads_only_its_own_modules():
    import subprocess
    import sys

    import click

    from verify_bench.cli import COMMANDS, main

    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
    assert {"create", "facts", "table"} <= set(main.get_command(ctx, "incident").commands)
    # `items` imports its own module, not the others (0.4 s together, with the report writer and its templates).
    probe = ("import sys; from click.testing import CliRunner; from verify_bench.cli import main; "
             "CliRunner().invoke(main, ['items', '--help']); "
             "print(sorted(m for m in sys.modules if m.startswith('verify_bench.')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "'verify_bench.cli.items_cmds'" in loaded
    for other in ("verify_bench.reports", "verify_bench.cli.report_cmds", "verify_bench.cli.fragment_cmds",
                  "verify_bench.cli.chrono_cmds", "verify_bench.demo"):
        assert f"'{other}'" not in loaded, other
