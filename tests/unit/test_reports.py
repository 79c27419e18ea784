"""Report building blocks: formats, scopes, CSV cells, the schema checker, fonts, RFC 3161 messages."""

from __future__ import annotations

import hashlib
import pytest

from tests.reports_case import fake_reply
from verify_bench.reports import fonts
from verify_bench.reports.errors import ReportError
from verify_bench.reports.export import parse_formats
from verify_bench.reports.manifest import manifest_bytes, write_manifest
from verify_bench.reports.schema import report_schema, validate
from verify_bench.reports.tabular import _cell
from verify_bench.reports.timestamp import (
    TimestampError, build_request, check_reply, read_reply, request_imprint, request_nonce, signer_of,
)

DIGEST = hashlib.sha256(b"manifest").hexdigest()


def test_formats_are_parsed_from_lists_and_commas() -> None:
    assert parse_formats(["html,pdf", "json", "PDF"]) == ("html", "pdf", "json")
    with pytest.raises(ReportError, match="unknown format 'docx'"):
        parse_formats(["docx"])
    with pytest.raises(ReportError, match="at least one"):
        parse_formats([" , "])


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+2", "'+1+2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"), ("-12.5", "-12.5"), ("-05:00", "'-05:00"), (None, ""),
    (True, "true"), ("غارة", "غارة"),
])
def test_csv_cells_never_run_as_formulas(value: object, cell: str) -> None:
    assert _cell(value) == cell


def test_schema_checker_reports_each_violation() -> None:
    schema = {"type": "object", "required": ["a", "b"], "properties": {
        "a": {"type": "string", "pattern": "^[0-9a-f]{4}$"}, "b": {"type": "array", "items": {"enum": [1, 2]}},
        "c": {"anyOf": [{"type": "null"}, {"type": "integer"}]}, "d": {"type": "integer"}}}
    assert validate({"a": "beef", "b": [1, 2], "c": None}, schema) == []
    problems = validate({"a": "BEEF", "b": [3], "c": "x", "d": True}, schema)
    assert problems == ["$.a: 'BEEF' does not match ^[0-9a-f]{4}$", "$.b[0]: 3 is not one of [1, 2]",
                        "$.c: matches none of the allowed forms", "$.d: expected integer, found bool"]
    assert validate({}, schema) == ["$: 'a' is missing", "$: 'b' is missing"]


def test_the_schema_uses_only_what_the_checker_understands() -> None:
    known = {"type", "properties", "required", "items", "enum", "const", "pattern", "anyOf", "description",
             "title", "$schema", "$id"}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            assert set(node) - {"properties"} <= known or "properties" in node, set(node) - known
            for key, value in node.items():
                if key == "properties":
                    for sub in value.values():
                        walk(sub)
                elif key in ("items",):
                    walk(value)
                elif key == "anyOf":
                    for sub in value:
                        walk(sub)
                else:
                    assert key in known, key

    walk(report_schema())


def test_manifest_hash_is_the_hash_of_its_bytes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    manifest = {"files": [{"path": "report.json", "sha256": DIGEST}], "case": {"title": "Київ"}}
    digest = write_manifest(tmp_path, manifest)
    assert digest == hashlib.sha256((tmp_path / "manifest.json").read_bytes()).hexdigest()
    assert (tmp_path / "manifest.json").read_bytes() == manifest_bytes(manifest)
    assert (tmp_path / "manifest.sha256").read_text() == f"{digest}  manifest.json\n"
    assert "Київ" in (tmp_path / "manifest.json").read_text(encoding="utf-8")


def test_timestamp_request_and_reply_round_trip() -> None:
    request = build_request(DIGEST, nonce=12345)
    assert request_imprint(request) == DIGEST and request_nonce(request) == 12345
    info = read_reply(fake_reply(request))
    assert (info.hashed_message, info.serial_number, info.nonce) == (DIGEST, 42, 12345)
    assert info.gen_time == "2026-01-02T03:04:05Z"
    check_reply(info, DIGEST, 12345)
    with pytest.raises(TimestampError, match="not the manifest"):
        check_reply(read_reply(fake_reply(request, digest="00" * 32)), DIGEST, 12345)
    with pytest.raises(TimestampError, match="nonce"):
        check_reply(info, DIGEST, 999)


def test_bad_timestamp_replies_are_clear_errors() -> None:
    request = build_request(DIGEST)
    with pytest.raises(TimestampError, match="refused: rejection"):
        read_reply(fake_reply(request, status="rejection"))
    with pytest.raises(TimestampError, match="not a valid RFC 3161"):
        read_reply(b"<html>502 Bad Gateway</html>")
    with pytest.raises(TimestampError, match="SHA-256"):
        build_request("abcd")


def test_pdf_text_markup_escapes_and_picks_fonts() -> None:
    fonts.register()
    assert fonts.markup("a <b> & c") == "a &lt;b&gt; &amp; c"
    assert fonts.markup("Київ") == "Київ"                         # DejaVu has Cyrillic
    cjk = fonts.markup("空袭")
    assert cjk.startswith("<font face=") and "空袭" in cjk          # CJK goes to a CJK font
    arabic = fonts.markup("غارة")
    assert "غ" not in arabic and "\ufecf" in arabic               # shaped: the initial form of ghain


def test_reordering_and_invisible_characters_are_shown_not_obeyed() -> None:
    from verify_bench.reports.presentation import visible

    assert visible("invoice\u202egpj.exe") == "invoice⟨U+202E⟩gpj.exe"
    assert visible("a\x1b[31mb\u2066c") == "a⟨U+001B⟩[31mb⟨U+2066⟩c"
    assert visible("Київ غارة 漢字\n") == "Київ غارة 漢字\n" and visible(3) == 3
    assert fonts.markup("x\u202ey") == "x⟨U+202E⟩y"


def test_the_token_signature_is_checked_against_its_certificate() -> None:
    request = build_request(DIGEST)
    assert signer_of(fake_reply(request)) == "Common Name: Fake TSA for tests"
    with pytest.raises(TimestampError, match="signed digest does not match"):
        signer_of(fake_reply(request, tamper=True))
    forged = bytearray(fake_reply(request))
    forged[-10] ^= 0x01                                   # inside the signature
    with pytest.raises(TimestampError, match="signature"):
        signer_of(bytes(forged))
