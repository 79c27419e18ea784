"""``verify-bench dupes`` and ``similar`` through the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from tests.integration.test_dupes import SAMPLES, dupes_case, reupload_folder  # noqa: F401 - dupes_case is a fixture
from verify_bench.case import Case
from verify_bench.cli import main
from verify_bench.ingest.pipeline import ImportOptions, run_import


def _run(*args: str) -> dict | list:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_dupes_lists_clusters_and_a_rejection_through_the_cli_sticks(dupes_case: Case, tmp_path: Path):  # noqa: F811
    run_import(dupes_case, [reupload_folder(tmp_path)], options=ImportOptions(workers=1))
    root = str(dupes_case.root)
    report = _run("dupes", root)
    assert report["threshold"] == 8 and len(report["exact"]) == 1
    assert sorted(len(c["items"]) for c in report["clusters"]) == [3, 3]
    m = report["matches"][0]
    decided = _run("dupes", "reject", root, m["a"][:8], m["b"][:8], "--note", "two different shots")
    assert len(decided["events"]) == 1
    again = _run("dupes", root, "--kind", "image", "--threshold", "6")
    rejected = [x for x in again["matches"] if (x["a"], x["b"]) == (m["a"], m["b"])]
    assert rejected == [] or rejected[0]["decision"] == "rejected"
    assert _run("dupes", root, "--kind", "video")["matches"] == []
    text = CliRunner().invoke(main, ["dupes", root])
    assert text.exit_code == 0 and "cluster" in text.output and "best copy" in text.output


def test_similar_answers_without_importing(dupes_case: Case, tmp_path: Path):  # noqa: F811
    run_import(dupes_case, [SAMPLES / "DSCN0010.jpg", SAMPLES / "DSCN0025.jpg"], options=ImportOptions(workers=1))
    head = dupes_case.head()
    img = Image.open(SAMPLES / "DSCN0025.jpg")
    query = tmp_path / "reupload.jpg"
    buf = io.BytesIO()
    img.resize((img.width // 4, img.height // 4)).save(buf, "JPEG", quality=50)
    query.write_bytes(buf.getvalue())
    root = str(dupes_case.root)

    near = _run("similar", root, str(query))
    ids = {r[1]: r[0] for r in dupes_case.conn.execute("SELECT id, display_name FROM items")}
    assert near["exact"] is None and [m["item_id"] for m in near["matches"]] == [ids["DSCN0025.jpg"]]
    exact = _run("similar", root, str(SAMPLES / "DSCN0010.jpg"))
    assert exact["exact"] == ids["DSCN0010.jpg"] and exact["matches"] == []
    unseen = tmp_path / "flat.png"
    Image.new("RGB", (200, 100), "grey").save(unseen)
    assert _run("similar", root, str(unseen))["low_information"] is True
    assert dupes_case.head() == head  # nothing was written
