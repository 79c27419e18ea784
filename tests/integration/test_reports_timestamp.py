"""RFC 3161: a fake timestamp authority on 127.0.0.1 stamps the manifest hash; check-report checks the stamp."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from tests.reports_case import fake_reply
from verify_bench.case import Case
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.reports.check import check_export
from verify_bench.reports.export import ExportOptions, export_report
from verify_bench.reports.scope import Scope
from verify_bench.reports.timestamp import build_request


class FakeTSA(BaseHTTPRequestHandler):
    seen: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeTSA.seen.append((self.headers["Content-Type"], body))
        reply = fake_reply(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tsa_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTSA)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTSA.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def small_case(case: Case, tmp_path: Path) -> Case:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(make_jpeg(seed=3))
    run_import(case, [str(folder)], options=ImportOptions(workers=1))
    return case


def test_the_manifest_hash_is_stamped_and_checked(small_case: Case, tsa_url: str, tmp_path: Path) -> None:
    result = export_report(small_case, Scope(), tmp_path / "out", ExportOptions(formats=("json",), tsa_url=tsa_url))
    assert result.timestamp == "stamped" and result.timestamp_time == "2026-01-02T03:04:05Z"
    content_type, request = FakeTSA.seen[0]
    assert content_type == "application/timestamp-query"
    assert request == (result.path / "manifest.tsq").read_bytes()
    report = check_export(result.path)
    assert report.ok, report.findings
    assert report.timestamp["state"] == "stamped" and report.timestamp["serial_number"] == 42
    assert report.timestamp["signed_by"] == "Common Name: Fake TSA for tests"
    # a reply stamping some other hash (a reply taken from another export) is named
    foreign = fake_reply(build_request("11" * 32))
    (result.path / "manifest.tsr").write_bytes(foreign)
    assert "timestamp_mismatch" in {f.code for f in check_export(result.path).errors}
    (result.path / "manifest.tsr").write_bytes(fake_reply((result.path / "manifest.tsq").read_bytes(), tamper=True))
    assert "timestamp_signature_invalid" in {f.code for f in check_export(result.path).errors}
    (result.path / "manifest.tsr").write_bytes(b"garbage")
    assert "timestamp_invalid" in {f.code for f in check_export(result.path).errors}


def test_without_a_reachable_authority_the_request_is_kept(small_case: Case, tsa_url: str, tmp_path: Path) -> None:
    dead = tsa_url.rsplit(":", 1)[0] + ":9/tsa"   # the discard port: nothing answers
    result = export_report(small_case, Scope(), tmp_path / "out", ExportOptions(formats=("json",), tsa_url=dead))
    assert result.timestamp.startswith("failed:") and result.warnings
    assert (result.path / "manifest.tsq").is_file() and not (result.path / "manifest.tsr").exists()
    report = check_export(result.path)
    assert report.ok and report.timestamp == {"state": "request_only"}
    # stamping later: the saved request, sent to an authority, gives a reply check-report accepts
    (result.path / "manifest.tsr").write_bytes(fake_reply((result.path / "manifest.tsq").read_bytes()))
    assert check_export(result.path).ok
    # a request for another manifest is named
    shutil.copy(result.path / "manifest.tsr", tmp_path / "keep.tsr")
    (result.path / "manifest.tsr").unlink()
    (result.path / "manifest.tsq").write_bytes(build_request("22" * 32))
    assert "timestamp_mismatch" in {f.code for f in check_export(result.path).errors}
