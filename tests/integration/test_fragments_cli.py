"""``tag`` and ``fragments`` through click's runner: events, JSON shapes, notices, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from tests.factory import make_jpeg
from verify_bench.cli import main


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def _case_with_rotated_photo(tmp_path: Path) -> tuple[str, str]:
    case = str(tmp_path / "c.vbcase")
    img = Image.open(io.BytesIO(make_jpeg((120, 80), seed=4)))
    exif = Image.Exif()
    exif[0x0112] = 6
    img.save(tmp_path / "photo.jpg", "JPEG", quality=95, exif=exif)
    _run("init", case)
    _run("import", case, str(tmp_path / "photo.jpg"), "--workers", "1")
    item = json.loads(_run("items", case, "--json"))[0]["id"]
    return case, item


def test_tag_list_edit_delete_export_and_verify(tmp_path: Path) -> None:
    case, item = _case_with_rotated_photo(tmp_path)
    out = json.loads(_run("tag", case, item[:8], "--region", "65,10,10,20", "--category", "guided bomb kit",
                          "--component", "fins", "--markings", "MK 84 ", "--cage", "1abc", "--nsn",
                          "1325-01-234-5678", "--confidence", "probable", "--json"))
    assert out["region"] == {"shape": "rect", "points": [[10, 5], [30, 15]]}
    assert [n["code"] for n in out["notices"]] == ["cage_format"] and Path(out["crop"]).is_file()
    stored = json.loads(_run("tag", case, item, "--point", "10,5", "--stored-grid", "--category", "missile",
                             "--json"))
    assert stored["region"] == {"shape": "point", "points": [[10, 5]]}

    listed = json.loads(_run("fragments", case, "--json", "--category", "guided bomb kit"))
    assert len(listed) == 1 and listed[0]["markings"] == "MK 84 " and listed[0]["item_sha256"]
    assert listed[0]["bbox"] == [10, 5, 20, 10] and listed[0]["component_label"] == "tail kit / fins"
    fid = listed[0]["id"]
    assert "CAGE 1abc" in _run("fragments", case, "--code", "1abc")

    assert "Edited" in _run("fragments", "edit", case, fid[:8], "--cage", "1ABC2", "--clear", "nsn")
    assert "Nothing changed" in _run("fragments", "edit", case, fid[:8], "--cage", "1ABC2")
    assert "Deleted" in _run("fragments", "delete", case, stored["fragment_id"], "--reason", "mistake")
    kinds = [e["kind"] for e in json.loads(_run("log", case, "--json")) if e["kind"].startswith("fragment.")]
    assert kinds == ["fragment.tagged", "fragment.tagged", "fragment.edited", "fragment.deleted"]

    target = tmp_path / "out.json"
    assert "Exported 1 fragment" in _run("fragments", "export", case, "--format", "json", "--output", str(target))
    assert json.loads(target.read_text())["fragments"][0]["cage"] == "1ABC2"
    assert "Scale" in _run("fragments", "scale", case, item, "--from", "0,0", "--to", "0,40", "--length", "20",
                           "--unit", "cm", "--label", "brick")
    assert "OK: no problems found." in _run("verify", case)


def test_usage_errors_and_refusals(tmp_path: Path) -> None:
    case, item = _case_with_rotated_photo(tmp_path)
    assert "draw the fragment" in _run("tag", case, item, "--category", "missile", code=2)
    assert "expected 4 numbers" in _run("tag", case, item, "--region", "1,2,3", code=2)
    assert "outside" in _run("tag", case, item, "--region", "70,0,20,20", code=1)
    assert "no fragment" in _run("fragments", "delete", case, "abcdef", code=1)
    assert "No fragments match." in _run("fragments", case)
