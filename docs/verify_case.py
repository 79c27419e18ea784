#!/usr/bin/env python3
"""Re-check a Verify Bench case without Verify Bench: the event chain, the signatures and the originals.

    python3 verify_case.py CASE_FOLDER [--expect-head [SEQ:]HASH]

Standard library only (Python 3.8+); it never writes to the case. Every rule it applies is written
out in docs/independent-verification.md, so that it can be re-implemented from that text alone.
Exit status: 0 no problems, 1 problems found, 2 the case could not be read.
"""

import hashlib
import json
import os
import sqlite3
import sys
import urllib.parse
from pathlib import Path

GENESIS = "0" * 64

# ---- Ed25519 signature check (RFC 8032, section 5.1.7) ---------------------------------------------
# Adapted from the reference implementation in RFC 8032, section 6 (S. Josefsson, I. Liusvaara, 2017;
# code components of RFCs are under the Simplified BSD License). Verification only; not constant-time,
# which does not matter here: it handles public data. About 170 signatures a second.
P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493      # order of the base point
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    """Sum of two points in extended homogeneous coordinates (X, Y, Z, T)."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    e, h = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    c, dd = 2 * t1 * t2 * D % P, 2 * z1 * z2 % P
    e, f, g, h = h - e, dd - c, dd + c, h + e
    return (e * f, g * h, f * g, e * h)


def _mul(s, point):
    result = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            result = _add(result, point)
        point = _add(point, point)
        s >>= 1
    return result


def _same(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _x_of(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    return P - x if (x & 1) != sign else x


def _point(data):
    """Decode a 32-byte point, or None."""
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _x_of(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


_GY = 4 * pow(5, P - 2, P) % P
BASE = (_x_of(_GY, 0), _GY, 1, _x_of(_GY, 0) * _GY % P)


def ed25519_valid(public, message, signature):
    """Whether ``signature`` (64 bytes) is the signature of ``message`` by ``public`` (32 bytes)."""
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _point(public), _point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % Q
    return _same(_mul(s, BASE), _add(r, _mul(h, a)))


# ---- the case --------------------------------------------------------------------------------------

def canonical_json(value):
    """Sorted keys, no spaces, UTF-8 text as is, no NaN (docs/independent-verification.md, 'Canonical JSON')."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class Report:
    def __init__(self):
        self.problems = 0

    def problem(self, code, message):
        self.problems += 1
        print(f"PROBLEM [{code}] {message}")

    def notice(self, code, message):
        print(f"NOTICE [{code}] {message}")


def read_events(db_path):
    """Every event as a dict of bytes/int/None values, oldest first; read-only, even on read-only storage."""
    uri = "file:" + urllib.parse.quote(os.fsencode(db_path.resolve().as_posix()), safe="/:")  # any folder name
    uri = uri if uri.startswith("file:/") else "file:/" + uri[5:]                    # Windows: file:/C:/…
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:      # a read-only folder: no -wal file may be created next to it
        conn = sqlite3.connect(uri + "?immutable=1", uri=True)
    conn.text_factory = bytes             # text that is not UTF-8 must be seen, not fail the read
    try:
        signed = {row[1] for row in conn.execute("PRAGMA table_info(events)")} >= {b"key_id", b"signature"}
        cur = conn.execute("SELECT seq, id, at, actor, kind, item_id, payload, prev_hash, hash, "
                           + ("key_id, signature" if signed else "NULL AS key_id, NULL AS signature")  # older cases
                           + " FROM events ORDER BY seq")
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur]
    finally:
        conn.close()


def as_text(e):
    """Decode the event's text columns in place; False if any is not UTF-8 (then it cannot match its hash)."""
    valid = True
    for k in ("id", "at", "actor", "kind", "item_id", "payload", "prev_hash", "hash", "key_id", "signature"):
        if isinstance(e[k], bytes):
            try:
                e[k] = e[k].decode("utf-8")
            except UnicodeDecodeError:
                e[k], valid = e[k].decode("utf-8", "replace"), False
    return valid


def check_chain(events, report):
    """Sequence numbers, links and hashes; parses each payload (None when it is not JSON)."""
    prev = GENESIS
    for n, e in enumerate(events, start=1):
        if e["seq"] != n:
            report.problem("event_sequence_gap", f"event {e['seq']} follows event {n - 1}")
        utf8 = as_text(e)
        stored_payload = e["payload"]
        try:
            e["payload"] = json.loads(stored_payload)
        except (TypeError, ValueError):
            report.problem("event_payload_invalid", f"event {e['seq']}: payload is not JSON")
            e["payload"] = None
        if e["prev_hash"] != prev:
            report.problem("chain_broken", f"event {e['seq']} does not name the hash of the event before it")
        if e["payload"] is not None:
            record = {k: e[k] for k in ("seq", "id", "at", "actor", "kind", "item_id", "payload", "prev_hash")}
            try:   # a payload may spell a lone surrogate ("\\ud800"), which has no UTF-8 form
                digest = hashlib.sha256(canonical_json(record).encode("utf-8")).hexdigest()
            except UnicodeEncodeError:
                digest = None
            if not utf8 or digest != e["hash"] or canonical_json(e["payload"]) != stored_payload:
                report.problem("event_altered", f"event {e['seq']} ({e['kind']}) no longer matches its hash")
        prev = e["hash"]


def check_signatures(events, report):
    """Each event signed by a key the log recorded earlier (or in that event), registered to its actor."""
    keys, unsigned_before_keys = {}, 0
    for e in events:
        payload = e["payload"] if isinstance(e["payload"], dict) else {}
        joined = [payload] if e["kind"] == "person.registered" else []
        if e["kind"] == "case.created" and isinstance(payload.get("creator"), dict):
            joined = [payload["creator"]]
        for person in joined:
            public = person.get("public_key")
            try:
                raw = bytes.fromhex(public)
            except (TypeError, ValueError):
                raw = b""
            if len(raw) != 32 or _point(raw) is None or person.get("key_id") != hashlib.sha256(raw).hexdigest()[:32]:
                report.problem("key_invalid", f"event {e['seq']} registers a malformed key for {person.get('name')!r}")
                continue
            keys.setdefault(person["key_id"], (person.get("name"), raw))
        key_id, signature = e["key_id"], e["signature"]
        if signature is None:
            if keys:
                report.problem("signature_missing", f"event {e['seq']} ({e['kind']}) is not signed")
            else:
                unsigned_before_keys += 1
        elif key_id not in keys:
            report.problem("key_unknown", f"event {e['seq']} is signed by a key the log had not recorded")
        elif keys[key_id][0] != e["actor"]:
            report.problem("key_mismatch", f"event {e['seq']} is by {e['actor']} but signed by {keys[key_id][0]}")
        else:
            try:
                valid = ed25519_valid(keys[key_id][1], bytes.fromhex(e["hash"]), bytes.fromhex(signature))
            except (TypeError, ValueError):
                valid = False
            if not valid:
                report.problem("signature_invalid", f"event {e['seq']} ({e['kind']}): the signature does not verify")
    if unsigned_before_keys:
        report.notice("events_unsigned", f"{unsigned_before_keys} event(s) precede the case's first key")


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def check_originals(root, events, report):
    """Re-hash every original the log recorded; then look for files in the store that it did not record."""
    recorded = set()
    for e in events:
        p = e["payload"]
        if e["kind"] != "item.imported" or not isinstance(p, dict) or not isinstance(p.get("stored_path"), str):
            continue
        recorded.add(p["stored_path"])
        try:
            digest = sha256_of(root / p["stored_path"])
        except FileNotFoundError:
            report.problem("original_missing", f"{p['stored_path']} is missing")
            continue
        except OSError as exc:
            report.problem("original_unreadable", f"{p['stored_path']} cannot be read: {exc}")
            continue
        if digest != p["sha256"]:
            report.problem("original_altered",
                           f"{p['stored_path']} has SHA-256 {digest}, the log recorded {p['sha256']}")
    store = root / "originals"
    for folder, subfolders, files in os.walk(store):
        if Path(folder) == store:
            subfolders[:] = [s for s in subfolders if s != ".tmp"]      # the import's temporary area
        for name in files:
            rel = (Path(folder) / name).relative_to(root).as_posix()
            if rel in recorded:
                continue
            try:
                named_by_hash = sha256_of(root / rel) == name.split(".", 1)[0]
            except OSError:
                named_by_hash = False
            if named_by_hash:
                report.notice("original_unrecorded", f"{rel} is not recorded (left by an interrupted import?)")
            else:
                report.problem("store_file_foreign", f"{rel} is not recorded and its content does not match its name")


def check_head(expected, events, report):
    seq, _, digest = expected.strip().rpartition(":")
    found = [e for e in events if e["hash"] == digest.lower() and (not seq or str(e["seq"]) == seq)]
    if not found:
        report.problem("head_mismatch", f"the log does not contain the expected head {expected}")
    elif found[0]["seq"] != events[-1]["seq"]:
        report.notice("head_extended", f"{events[-1]['seq'] - found[0]['seq']} event(s) follow the expected head")


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--expect-head"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    root = Path(argv[1])
    try:
        events = read_events(root / "case.sqlite")
    except sqlite3.DatabaseError as exc:
        print(f"cannot read {root / 'case.sqlite'}: {exc}", file=sys.stderr)
        return 2
    report = Report()
    check_chain(events, report)
    check_signatures(events, report)
    check_originals(root, events, report)
    if len(argv) == 4:
        check_head(argv[3], events, report)
    head = events[-1] if events else {"seq": 0, "hash": GENESIS}
    print(f"{len(events)} events, head {head['seq']}:{head['hash']}")
    print("OK: no problems found." if not report.problems else f"FAILED: {report.problems} problem(s).")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
