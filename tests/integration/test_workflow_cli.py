"""The workflow from the command line: profiles, people, states, checks, queue, incidents, log filters."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.factory import make_jpeg
from verify_bench import profiles
from verify_bench.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(profiles.CONFIG_DIR_ENV, str(tmp_path / "config"))
    monkeypatch.delenv(profiles.PASSPHRASE_ENV, raising=False)


def run(*args: str, code: int = 0, stdin: str | None = None) -> str:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def case(tmp_path: Path) -> tuple[str, list[str]]:
    root = str(tmp_path / "c.vbcase")
    run("profile", "create", "lena", "--role", "lead")
    run("init", root, "--as", "lena")
    for n in range(3):
        (tmp_path / f"{n}.jpg").write_bytes(make_jpeg(seed=n))
    run("import", root, *(str(tmp_path / f"{n}.jpg") for n in range(3)), "--workers", "1", "--as", "ivan")
    return root, [i["id"] for i in json.loads(run("items", root, "--json"))]


def test_an_item_goes_from_new_to_verified_on_the_command_line(case):
    root, (a, b, _) = case
    run("status", root, a, "--set", "in_progress", "--as", "ivan")
    assert "location confirmed: pass" in run("check", root, a, "location", "pass", "--note", "minaret", "--as", "ivan")
    run("assign", root, a, "--as", "ivan")
    run("comment", root, a, "first upload found on Telegram", "--as", "ivan")
    run("submit", root, a, b, "--as", "ivan")
    assert "only a lead may" in run("review", "approve", root, a, "--as", "ivan", code=1)
    queue = json.loads(run("queue", root, "--json"))
    assert queue["total"] == 2 and [e["item_id"] for e in queue["entries"]] == [a, b]
    assert json.loads(run("queue", root, "--assignee", "ivan", "--json"))["total"] == 1
    assert "--comment" in run("review", "return", root, b, "--as", "lena", code=2)
    run("review", "return", root, b, "--comment", "who filmed it?", "--as", "lena")
    run("review", "approve", root, a, "--verdict", "verified", "--as", "lena")
    assert "sealed" in run("check", root, a, "source", "fail", "--as", "ivan", code=1)
    shown = json.loads(run("status", root, a, "--json"))
    assert shown["state"] == "verified" and shown["sealed"] and shown["assignee"] == "ivan"
    assert [c["result"] for c in shown["checks"] if c["result"]] == ["pass"]
    assert json.loads(run("status", root, "--json"))["returned"] == 1
    run("review", "reopen", root, a, "--reason", "a longer version surfaced", "--as", "lena")
    people = {p["name"]: p["role"] for p in json.loads(run("people", "list", root, "--json"))}
    assert people == {"lena": "lead", "ivan": "investigator"}
    report = json.loads(run("verify", root, "--json"))
    assert report["ok"], report["findings"]


def test_log_filters_by_actor_kind_item_and_time(case):
    root, (a, _, _) = case
    run("comment", root, a, "hello", "--as", "lena")
    by_lena = json.loads(run("log", root, "--actor", "lena", "--json"))
    assert [e["kind"] for e in by_lena] == ["case.created", "comment.added"]
    assert all(e["signature"] and e["key_id"] for e in by_lena)
    described = json.loads(run("log", root, "--kind", "comment.*", "--item", a[:8], "--describe", "--json"))
    assert [e["summary"] for e in described] == ["comment: “hello”"]
    assert json.loads(run("log", root, "--until", "2001-01-01", "--json")) == []
    assert "is not an ISO 8601" in run("log", root, "--since", "yesterday", code=1)


def test_incidents_get_structured_facts_and_a_csv_table(case, tmp_path: Path):
    root, (a, _, _) = case
    run("incident", "create", root, "Market strike", "--object-struck", "market", "--killed", "12",
        "--killed-children", "5", "--killed-source", a[:8], "--killed-note", "hospital register", "--warning", "none",
        "--as", "lena")
    run("incident", "create", root, "Shelter", "--killed", "3", "--as", "lena")
    run("incident", "link", root, "Shelter", a, "--as", "lena")
    run("incident", "facts", root, "Shelter", "--injured", "7", "--as", "lena")
    facts = json.loads(run("incident", "facts", root, "Shelter", "--json"))
    assert (facts["killed"]["total"], facts["injured"]["total"]) == (3, 7)
    assert "cannot exceed" in run("incident", "facts", root, "Shelter", "--killed-children", "4", code=1)
    table = json.loads(run("incident", "table", root, "--sort", "killed", "--desc", "--json"))
    assert [(r["title"], r["items"]) for r in table] == [("Market strike", 0), ("Shelter", 1)]
    out = tmp_path / "incidents.csv"
    run("incident", "table", root, "--warning", "none", "--csv", str(out))
    rows = list(csv.DictReader(out.open()))
    assert [r["title"] for r in rows] == ["Market strike"] and "hospital register" in rows[0]["sources"]


def test_profiles_on_the_command_line(case):
    root, (a, _, _) = case
    listed = json.loads(run("profile", "list", "--json"))
    assert {p["name"] for p in listed} == {"lena", "ivan"}
    run("profile", "create", "sam", "--passphrase", stdin="pw\npw\n")
    assert json.loads(run("profile", "show", "sam", "--json"))["protected"] is True
    assert "VERIFY_BENCH_PASSPHRASE" in run("comment", root, a, "hi", "--as", "sam", code=1)  # nothing typed
    run("profile", "create", "carla", "--role", "lead")
    run("comment", root, a, "hi", "--as", "carla")
    assert "carla is now a lead" in run("people", "role", root, "carla", "lead", "--as", "lena")


def test_the_queue_benchmark_runs_at_small_scale(tmp_path: Path):
    out = tmp_path / "figures.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "queue_scale.py"), "--items", "300",
                             "--repeat", "2", "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text())
    assert figures["case_items"] == 300 and figures["append"]["events"] == 300 * 11
    assert "item history" in figures["queries"] and "queue: first page (200, oldest first)" in result.stdout


def test_a_protected_profile_is_asked_for_its_passphrase_without_echo(case, monkeypatch: pytest.MonkeyPatch):
    root, (a, _, _) = case
    run("profile", "create", "sam", "--passphrase", stdin="s3cret-words\ns3cret-words\n")
    out = run("comment", root, a, "typed at the prompt", "--as", "sam", stdin="s3cret-words\n")
    assert "Passphrase for profile 'sam'" in out and "s3cret-words" not in out
    out = run("comment", root, a, "second try", "--as", "sam", stdin="wrong\ns3cret-words\n")
    assert "Wrong passphrase" in out and "s3cret-words" not in out and "wrong" not in out.replace("Wrong", "")
    assert "wrong passphrase for profile 'sam'" in run("comment", root, a, "never", "--as", "sam",
                                                        stdin="a\nb\nc\n", code=1)
    monkeypatch.setenv(profiles.PASSPHRASE_ENV, "s3cret-words")
    assert "Passphrase" not in run("comment", root, a, "from the environment", "--as", "sam")
    thread = json.loads(run("status", root, a, "--json"))["comments"]
    assert [c["text"] for c in thread if c["actor"] == "sam"] == ["typed at the prompt", "second try",
                                                                 "from the environment"]
    # reading needs no key: no prompt even for a protected actor
    monkeypatch.delenv(profiles.PASSPHRASE_ENV)
    assert "Passphrase" not in run("status", root, a, "--as", "sam")
