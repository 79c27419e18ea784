"""Chain-of-custody reports end to end: every format, the manifest, check-report catching each change."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.reports_case import LONG_FOLDER, NAMES, build_report_case
from verify_bench.case import Case
from verify_bench.cli import main
from verify_bench.reports.check import check_export
from verify_bench.reports.errors import ReportCancelled, ReportError
from verify_bench.reports.export import REPORT_EXPORTED, ExportOptions, export_report
from verify_bench.reports.manifest import MANIFEST
from verify_bench.reports.schema import validate
from verify_bench.reports.scope import Scope
from verify_bench.verify import verify_case

ALL = ("html", "pdf", "json", "csv")


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("report_case")
    ids = build_report_case(base / "case.vbcase", base / "inbox")
    return base / "case.vbcase", ids


@pytest.fixture
def rich(_template: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root, ids = _template
    target = tmp_path / "case.vbcase"
    shutil.copytree(root, target)
    return target, ids


@pytest.fixture(scope="module")
def _full_export(_template: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export of the whole case in every format, with originals (read-only tests share it)."""
    root, _ = _template
    work = tmp_path_factory.mktemp("full_export")
    case_copy = work / "case.vbcase"
    shutil.copytree(root, case_copy)
    with Case.open(case_copy, actor="demo") as case:
        result = export_report(case, Scope(), work / "out", ExportOptions(formats=ALL, include_originals=True))
    return result.path


@pytest.fixture
def export_copy(_full_export: Path, tmp_path: Path) -> Path:
    target = tmp_path / _full_export.name
    shutil.copytree(_full_export, target)
    return target


def test_every_format_is_written_and_the_export_is_recorded(rich: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, ids = rich
    with Case.open(root) as case:
        head_before = case.head()
        result = export_report(case, Scope(), tmp_path / "out", ExportOptions(formats=ALL, include_originals=True))
        event = next(e for e in case.events(after=head_before[0]) if e.kind == REPORT_EXPORTED)
        item_count = case.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    names = {p.relative_to(result.path).as_posix() for p in result.path.rglob("*") if p.is_file()}
    assert {"report.html", "report.pdf", "report.json", "items.csv", "events.jsonl", "manifest.json",
            "manifest.sha256", "manifest.tsq"} <= names
    assert len([n for n in names if n.startswith("originals/")]) == item_count == result.item_count
    assert event.payload["manifest_sha256"] == result.manifest_sha256
    assert event.payload["export_id"] == result.export_id
    data = json.loads((result.path / "report.json").read_text(encoding="utf-8"))
    assert event.payload["item_ids"] == [i["id"] for i in data["items"]]
    assert event.payload["log_head"] == {"seq": data["log"]["head_seq"], "hash": data["log"]["head_hash"]}
    between = [e.kind for e in case_events(root, data["log"]["head_seq"]) if e.seq < event.seq]
    assert set(between) <= {"person.registered"}   # only the exporter's key joining the case, if new
    assert hashlib.sha256((result.path / MANIFEST).read_bytes()).hexdigest() == result.manifest_sha256
    report = verify_case(root)
    assert report.ok, report.findings   # the new event kind replays and changes no projection
    checked = check_export(result.path, expect_manifest=result.manifest_sha256)
    assert checked.ok, checked.findings
    assert checked.files_checked == len(result.files)


def test_report_json_follows_its_schema_and_holds_the_custody_of_each_item(export_copy: Path,
                                                                           _template: tuple) -> None:
    _, ids = _template
    data = json.loads((export_copy / "report.json").read_text(encoding="utf-8"))
    assert validate(data) == []
    by_id = {i["id"]: i for i in data["items"]}
    photo = by_id[ids["photo"]]
    assert photo["location"]["accepted"]["method"] == "landmark_match"
    assert photo["workflow"]["decision"]["label"] == "verified"
    assert photo["workflow"]["decision"]["by"] == "Олена Коваль"
    assert [c["result"] for c in photo["workflow"]["checks"]] == ["pass"] * 5
    assert photo["fragments"][0]["markings"] == "ФАБ-500 M62 / 12-23"
    assert ids["incident"] in photo["incidents"]
    assert any(c["kind"] == "claim" for c in photo["times"]["candidates"])
    arabic = by_id[ids["arabic"]]
    assert arabic["sightings"][0]["sidecar"]["uploader"] == "شبكة أخبار رفح"
    assert arabic["sightings"][0]["original_path"].endswith(f"{LONG_FOLDER}/{NAMES['arabic']}")
    for item in data["items"]:
        assert item["history"][0]["kind"] == "item.imported"
        assert item["import"]["event_hash"] == item["history"][0]["hash"]
    excerpt = [json.loads(line) for line in (export_copy / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = {e["kind"] for e in excerpt}
    assert {"case.created", "person.registered", "import.started", "incident.recorded", "incident.linked",
            "status.changed", "location.accepted", "fragment.tagged"} <= kinds
    assert {e["seq"] for e in excerpt} >= {h["seq"] for i in data["items"] for h in i["history"]}
    # the schema rejects what it should
    broken = json.loads(json.dumps(data))
    broken["items"][0]["sha256"] = "abc"
    del broken["log"]["head_hash"]
    problems = validate(broken)
    assert any("sha256" in p for p in problems) and any("head_hash" in p for p in problems)


def test_csv_has_one_row_per_item(export_copy: Path) -> None:
    text = (export_copy / "items.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    data = json.loads((export_copy / "report.json").read_text(encoding="utf-8"))
    assert [r["sha256"] for r in rows] == [i["sha256"] for i in data["items"]]
    assert NAMES["ukrainian"] in {r["display_name"] for r in rows}


def test_html_is_self_contained_with_complete_hashes(export_copy: Path) -> None:
    html = (export_copy / "report.html").read_text(encoding="utf-8")
    data = json.loads((export_copy / "report.json").read_text(encoding="utf-8"))
    assert "data:image/jpeg;base64," in html and "data:image/png;base64," in html   # thumbnail, fragment crop
    assert "<script" not in html and 'src="http' not in html
    for item in data["items"]:
        assert item["sha256"] in html and item["md5"] in html
        for h in item["history"]:
            assert h["hash"] in html
    for name in NAMES.values():
        assert name in html
    assert data["log"]["head_hash"] in html and data["log"]["head_signature"] in html


def test_pdf_has_header_footer_and_every_page_numbered(export_copy: Path) -> None:
    pdf = (export_copy / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(export_copy / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) > 5
    for n, page in enumerate(pages, start=1):
        assert f"page {n} of {len(pages)}" in page
        assert "Chain-of-custody report" in page
    data = json.loads((export_copy / "report.json").read_text(encoding="utf-8"))
    flat = text.replace("\n", "").replace(" ", "")
    for item in data["items"]:
        assert item["sha256"] in flat   # complete (wrapped lines joined), never shortened
    assert "Київ_обстріл" in text


@pytest.mark.parametrize(("victim", "code"), [
    ("report.html", "file_altered"),
    ("report.pdf", "file_altered"),
    ("original", "original_altered"),
    ("manifest.json", "manifest_altered"),
    ("events.jsonl", "event_altered"),
])
def test_a_flipped_byte_anywhere_is_named(export_copy: Path, victim: str, code: str) -> None:
    target = sorted((export_copy / "originals").iterdir())[0] if victim == "original" else export_copy / victim
    _flip(target, -300 if victim == "events.jsonl" else None)
    report = check_export(export_copy)
    assert not report.ok
    codes = {f.code for f in report.errors}
    assert code in codes, report.findings
    named = [f for f in report.errors if f.code == code]
    assert all(f.path for f in named)
    if victim == "original":
        assert {"file_altered", "original_altered"} <= codes   # against the manifest and against the log


def test_cli_exit_codes_and_bundle(rich: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, ids = rich
    runner = CliRunner()
    out = tmp_path / "exports"
    result = runner.invoke(main, ["report", str(root), "--status", "verified", "--format", "pdf,json",
                                  "--format", "csv", "--bundle", "--include-originals", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    bundle = Path(made["path"])
    with Case.open(root) as case:
        verified = case.conn.execute("SELECT count(*) FROM status WHERE state = 'verified'").fetchone()[0]
    assert bundle.suffix == ".zip" and made["item_count"] == verified
    assert not [p for p in out.iterdir() if p.name.startswith(".")]   # no partial folder left behind
    ok = runner.invoke(main, ["check-report", str(bundle), "--expect-manifest", made["manifest_sha256"]])
    assert ok.exit_code == 0, ok.output
    assert made["manifest_sha256"] in ok.output
    wrong = runner.invoke(main, ["check-report", str(bundle), "--expect-manifest", "0" * 64])
    assert wrong.exit_code == 1 and "manifest_unexpected" in wrong.output
    # a bundle whose original was changed
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(changed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if "/originals/" in info.filename:
                data = bytes([data[0] ^ 1]) + data[1:]
            dst.writestr(info, data)
    bad = runner.invoke(main, ["check-report", str(changed)])
    assert bad.exit_code == 1
    assert "original_altered" in bad.output and "file_altered" in bad.output


def test_report_hashes_match_an_independent_sha256sum(export_copy: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    manifest = json.loads((export_copy / MANIFEST).read_text(encoding="utf-8"))
    paths = [f["path"] for f in manifest["files"]]
    run = subprocess.run(["sha256sum", "--", *paths], cwd=export_copy, capture_output=True, text=True, check=True)
    independent = {line[66:]: line[:64] for line in run.stdout.splitlines()}
    assert independent == {f["path"]: f["sha256"] for f in manifest["files"]}
    assert subprocess.run(["sha256sum", "-c", "manifest.sha256"], cwd=export_copy, capture_output=True).returncode == 0


def test_scopes_choose_items(rich: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, ids = rich
    with Case.open(root) as case:
        def count(scope: Scope) -> int:
            options = ExportOptions(formats=("json",))
            return export_report(case, scope, tmp_path / "out", options).item_count

        assert count(Scope(incident="Strike near the old church")) == 2
        assert count(Scope(items=(ids["cjk"], ids["ukrainian"][:8]))) == 2
        verified = case.conn.execute("SELECT count(*) FROM status WHERE state = 'verified'").fetchone()[0]
        assert verified >= 1 and count(Scope(states=("verified",))) == verified
        assert count(Scope(incident=ids["incident"], states=("new",))) == 1
        with pytest.raises(ReportError, match="unknown state"):
            count(Scope(states=("approved",)))
        with pytest.raises(ReportError, match="nothing to report"):
            count(Scope(items=(ids["cjk"],), states=("verified",)))
        with pytest.raises(ReportError, match="no incident"):
            count(Scope(incident="nowhere"))


def test_cancel_leaves_nothing_and_records_nothing(rich: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, _ = rich
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 4

    with Case.open(root) as case:
        before = case.head()
        with pytest.raises(ReportCancelled):
            export_report(case, Scope(), tmp_path / "out", ExportOptions(formats=ALL, include_originals=True),
                          cancel=cancel)
        assert case.conn.execute("SELECT count(*) FROM events WHERE kind = ?", (REPORT_EXPORTED,)).fetchone()[0] == 0
        assert case.head()[0] - before[0] <= 1   # at most the exporting person's key joining
    assert list((tmp_path / "out").iterdir()) == []


def test_unlisted_and_missing_files_are_named(export_copy: Path) -> None:
    (export_copy / "extra.txt").write_text("slipped in")
    (export_copy / "items.csv").unlink()
    codes = {(f.code, f.path) for f in check_export(export_copy).errors}
    assert ("file_unlisted", "extra.txt") in codes and ("file_missing", "items.csv") in codes


def case_events(root: Path, after: int) -> list:
    with Case.open(root) as case:
        return list(case.events(after=after))


def _flip(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if offset is None else offset
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.corpus
def test_real_camera_and_phone_files_report_and_recheck(corpus: Path, tmp_path: Path) -> None:
    from verify_bench.ingest.pipeline import ImportOptions, run_import

    picks = [corpus / "exif-samples" / "jpg" / n for n in ("Canon_40D.jpg", "Nikon_D70.jpg", "PaintTool_sample.jpg")]
    picks += [corpus / "exif-samples" / "heic" / "IMG_5195.HEIC", corpus / "video" / "sample-mpeg4.mp4"]
    picks = [p for p in picks if p.is_file()]
    assert picks
    with Case.create(tmp_path / "corpus.vbcase") as case:
        run_import(case, [str(p) for p in picks], options=ImportOptions(workers=1))
        result = export_report(case, Scope(), tmp_path / "out", ExportOptions(formats=ALL, include_originals=True))
    assert result.item_count == len(picks)
    data = json.loads((result.path / "report.json").read_text(encoding="utf-8"))
    assert validate(data) == []
    assert {i["metadata"]["summary"]["camera_model"] for i in data["items"]} >= {"Canon EOS 40D"}
    checked = check_export(result.path)
    assert checked.ok, checked.findings
    assert verify_case(tmp_path / "corpus.vbcase").ok


def test_a_name_that_reorders_itself_is_shown_as_it_is(case: Case, tmp_path: Path) -> None:
    from tests.factory import make_jpeg
    from verify_bench.ingest.pipeline import ImportOptions, run_import

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "invoice\u202egpj.exe").write_bytes(make_jpeg(seed=5))
    run_import(case, [str(folder)], options=ImportOptions(workers=1))
    result = export_report(case, Scope(), tmp_path / "out", ExportOptions(formats=("html", "pdf", "json")))
    html = (result.path / "report.html").read_text(encoding="utf-8")
    assert "invoice⟨U+202E⟩gpj.exe" in html and "\u202e" not in html
    data = json.loads((result.path / "report.json").read_text(encoding="utf-8"))
    assert data["items"][0]["display_name"] == "invoice\u202egpj.exe"      # the data keeps the exact name
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(result.path / "report.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "U+202E" in text


def test_the_report_is_one_snapshot_while_others_write(rich: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    from verify_bench.workflow.comments import add_comment

    root, ids = rich
    written: list[int] = []

    def progress(label: str, done: int, total: int) -> None:
        if label == "gathering" and not written:   # someone else writes while the report is being gathered
            with Case.open(root, actor="demo") as other:
                written.append(add_comment(other, ids["cjk"], "written during the export").event_seq)

    with Case.open(root) as case:
        result = export_report(case, Scope(items=(ids["cjk"],)), tmp_path / "out", ExportOptions(formats=("json",)),
                               progress=progress)
    data = json.loads((result.path / "report.json").read_text(encoding="utf-8"))
    assert written and data["log"]["head_seq"] < written[0]
    assert data["items"][0]["workflow"]["comments"] == []
    assert all(h["seq"] < written[0] for h in data["items"][0]["history"])
    assert check_export(result.path).ok
