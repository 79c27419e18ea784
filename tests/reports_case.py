"""A case for report tests and sample pages: the demo samples plus items with non-Latin names in long
paths, a yt-dlp sidecar, an accepted location, a time claim, a tagged fragment, checks, comments, a
reviewer's verdict and an incident."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from asn1crypto import cms, core, tsp, x509

from tests.factory import make_jpeg
from verify_bench.case import Case
from verify_bench.chrono.claims import claim_time
from verify_bench.demo import build_demo_case
from verify_bench.fragments.regions import rect
from verify_bench.fragments.tags import tag_fragment
from verify_bench.geo.claims import claim_location
from verify_bench.geo.coords import parse_point
from verify_bench.geo.incidents import link_items, record_incident
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.profiles.store import create_profile, find_profile
from verify_bench.workflow.checks import record_check
from verify_bench.workflow.comments import add_comment
from verify_bench.workflow.status import approve, submit

LONG_FOLDER = ("received/telegram/канал «Новини Києва»/2024-03/"
               "a very long folder name that a messenger app made while saving forwarded media files")
LEAD = "Олена Коваль"
NAMES = {"arabic": "غارة_رفح_٢٠٢٤.jpg", "ukrainian": "Київ_обстріл_2024-03-01.jpg", "cjk": "空袭视频截图_한국어.jpg"}


def build_report_case(root: Path, inbox: Path) -> dict[str, str]:
    """Build the case at ``root`` (``inbox`` is a scratch folder); returns item ids by role."""
    build_demo_case(root)
    folder = inbox / LONG_FOLDER
    folder.mkdir(parents=True)
    for seed, name in enumerate(NAMES.values(), start=20):
        (folder / name).write_bytes(make_jpeg(size=(400, 300), seed=seed))
    (folder / (Path(NAMES["arabic"]).stem + ".info.json")).write_text(json.dumps({
        "webpage_url": "https://t.me/s/example_channel/12345", "uploader": "شبكة أخبار رفح", "id": "12345",
        "upload_date": "20240302", "timestamp": 1709370000, "title": "قصف منزل في رفح", "extractor": "telegram",
    }, ensure_ascii=False), encoding="utf-8")
    with Case.open(root, actor="demo") as case:
        run_import(case, [str(folder)], options=ImportOptions(workers=1, note="forwarded by a source"))
        ids = {role: _by_name(case, name) for role, name in NAMES.items()}
        ids["photo"] = _by_name(case, "DSCN0010.jpg")
        ids["video"] = _by_name(case, "android-with-gps.mp4")
        claim = claim_location(case, ids["photo"], parse_point("43.4675, 11.8853"), precision_m=30,
                               method="landmark_match", note="church tower and road bend match", accept=True)
        assert claim.accepted
        claim_time(case, ids["photo"], "2008-10-22T16:28:00", precision_s=120, method="shadow_sun",
                   note="shadow length of the tower")
        tag_fragment(case, ids["photo"], rect(200, 150, 120, 90), grid="upright", fields={
            "category": "aircraft_bomb", "markings": "ФАБ-500 M62 / 12-23", "lot": "12-23", "confidence": "probable",
            "note": "tail section, partly buried"})
        for check in ("source", "earliest_upload", "date_time", "location", "content"):
            record_check(case, ids["photo"], check, "pass", note=f"{check} confirmed against the satellite image")
        add_comment(case, ids["photo"], "Matches the report from the local clinic; نسخة مؤكدة.")
        submit(case, [ids["photo"]], comment="ready")
    if find_profile(LEAD) is None:
        create_profile(LEAD, role="lead")
    with Case.open(root, actor=LEAD) as case:
        approve(case, [ids["photo"]], verdict="verified", comment="Two independent sources, location certain.")
        incident = record_incident(case, "Strike near the old church", time="2008-10-22T16:30:00",
                                   lat=43.4675, lon=11.8853, precision_m=100)
        link_items(case, incident.incident_id, [ids["photo"], ids["arabic"]])
        ids["incident"] = incident.incident_id
    shutil.rmtree(inbox / "received")
    return ids


def _by_name(case: Case, name: str) -> str:
    row = case.conn.execute("SELECT id FROM items WHERE display_name = ? ORDER BY imported_seq LIMIT 1",
                            (name,)).fetchone()
    assert row is not None, name
    return str(row[0])


@cache
def fake_tsa_key() -> tuple[Any, Any]:
    """A key and self-signed certificate for the fake timestamp authority (ECDSA P-256)."""
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "Fake TSA for tests")])
    cert = (cx509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(4242).not_valid_before(datetime(2025, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime(2035, 1, 1, tzinfo=UTC)).sign(key, hashes.SHA256()))
    return key, x509.Certificate.load(cert.public_bytes(Encoding.DER))


def fake_reply(request: bytes, *, digest: str | None = None, status: str = "granted", tamper: bool = False) -> bytes:
    """A TSA reply as RFC 3161 shapes it, signed (CMS, signed attributes) by :func:`fake_tsa_key`'s key;
    ``digest`` stamps another hash, ``tamper`` changes the token after signing."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    if status != "granted":   # a refusal is a SEQUENCE holding only the status
        body = tsp.PKIStatusInfo({"status": status, "status_string": ["bad request"]}).dump()
        return b"\x30" + bytes([len(body)]) + body
    req = tsp.TimeStampReq.load(request)
    imprint = req["message_imprint"] if digest is None else tsp.MessageImprint(
        {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": bytes.fromhex(digest)})
    info = tsp.TSTInfo({"version": "v1", "policy": "1.3.6.1.4.1.99999.1", "message_imprint": imprint,
                        "serial_number": 42, "gen_time": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                        "nonce": req["nonce"].native})
    content = info.dump()
    key, cert = fake_tsa_key()
    attrs = cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
        cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(content).digest()]}),
    ])
    signature = key.sign(attrs.dump(), ec.ECDSA(hashes.SHA256()))
    if tamper:
        info = tsp.TSTInfo({**{k: info[k] for k in ("version", "policy", "message_imprint", "gen_time", "nonce")},
                            "serial_number": 43})
        content = info.dump()
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": {"issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}},
        "digest_algorithm": {"algorithm": "sha256"}, "signed_attrs": attrs,
        "signature_algorithm": {"algorithm": "sha256_ecdsa"}, "signature": signature})
    signed = cms.SignedData({"version": "v3", "digest_algorithms": [{"algorithm": "sha256"}],
                             "encap_content_info": {"content_type": "tst_info",
                                                    "content": core.ParsableOctetString(content)},
                             "certificates": [cert], "signer_infos": [signer]})
    return tsp.TimeStampResp({"status": {"status": status},
                              "time_stamp_token": {"content_type": "signed_data", "content": signed}}).dump()
