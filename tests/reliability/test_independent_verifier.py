"""Battery 7: ``docs/verify_case.py`` (standard library only) agrees with ``verify`` on every tampered case.

The script re-checks the evidence: the chain, the signatures, the originals and an exported head. It does
not look at the app's current-state tables or the database's triggers (``INDEPENDENT_BLIND``): for those
kinds it must pass the case while ``verify`` flags it, and that is asserted precisely too.
"""

from __future__ import annotations

import ast
import hashlib
import os
import runpy
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from verify_bench import events as ev

from ._relib_cases import INDEPENDENT, Built, copy_case, independent, verify_codes
from ._relib_tamper import INDEPENDENT_BLIND, TAMPERS, Tamper


@pytest.fixture(scope="module")
def script() -> dict[str, object]:
    return runpy.run_path(str(INDEPENDENT))


def test_the_script_uses_only_the_standard_library():
    tree = ast.parse(INDEPENDENT.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
    assert len(INDEPENDENT.read_text(encoding="utf-8").splitlines()) < 300  # short enough to read in one sitting


def test_the_untouched_case_passes_both(relib_built: Built):
    assert verify_codes(relib_built.root) == (set(), set())
    assert independent(relib_built.root) == (0, set(), set())
    assert independent(relib_built.root, "--expect-head", relib_built.head) == (0, set(), set())


@pytest.mark.parametrize("tamper", TAMPERS, ids=[t.kind for t in TAMPERS])
def test_the_script_agrees_with_verify(tamper: Tamper, relib_built: Built, tmp_path: Path):
    damaged = copy_case(relib_built, tmp_path)
    extra = tamper.apply(damaged)
    errors, notices = verify_codes(damaged.root, *extra)
    status, problems, script_notices = independent(damaged.root, *extra)
    if errors == {"refused"}:
        assert (status, problems) == (2, set()), "both refuse a case file they cannot read"
        return
    assert problems == errors - INDEPENDENT_BLIND, "same codes, except where the script is blind by design"
    assert script_notices == notices
    seen_by_both = bool(errors - INDEPENDENT_BLIND)
    assert status == (1 if seen_by_both else 0)
    if not seen_by_both:
        assert errors and errors <= INDEPENDENT_BLIND, "only the app's own tables and guards are out of its sight"


def test_agreement_figure(relib_built: Built, tmp_path: Path, record_figure):
    agree = blind = 0
    for tamper in TAMPERS:
        damaged = copy_case(relib_built, tmp_path / tamper.kind)
        extra = tamper.apply(damaged)
        errors, _ = verify_codes(damaged.root, *extra)
        status, problems, _ = independent(damaged.root, *extra)
        if errors == {"refused"}:
            agree += status == 2
        elif errors <= INDEPENDENT_BLIND:
            blind += status == 0
        else:
            agree += status == 1 and problems == errors - INDEPENDENT_BLIND
    assert agree + blind == len(TAMPERS)
    record_figure("independent verifier", "tampering kinds where it agrees with verify (as documented)",
                  f"{agree + blind} / {len(TAMPERS)}")
    record_figure("independent verifier", "of which outside its sight by design (projections, triggers, replay)",
                  blind)


def test_the_documented_table_covers_every_kind():
    """docs/independent-verification.md lists one row per kind of damage, with verify's codes."""
    text = (INDEPENDENT.parent / "independent-verification.md").read_text(encoding="utf-8")
    table = text.split("## Agreement with `verify`, kind by kind", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| kind")]
    assert len(rows) == len(TAMPERS)
    for tamper in TAMPERS:
        if tamper.codes != {"refused"}:
            assert any(all(f"`{code}`" in row for code in tamper.codes) for row in rows), tamper.kind


# ---- the pure-Python Ed25519 check against the library the app signs with ----------------------------

def test_rfc8032_test_vector_1(script):
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                              "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    assert script["ed25519_valid"](public, b"", signature)
    assert not script["ed25519_valid"](public, b"x", signature)


def test_ed25519_agrees_with_the_cryptography_library(script):
    valid = script["ed25519_valid"]
    for n in range(12):
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        message = hashlib.sha256(os.urandom(16)).digest()
        signature = key.sign(message)
        assert valid(public, message, signature)
        broken = bytearray(signature)
        broken[n % 64] ^= 1 << (n % 8)
        assert not valid(public, message, bytes(broken))
        assert not valid(public, message[::-1], signature)


def test_canonical_json_is_the_apps(script):
    sample = {"b": [1, 2.5, None, True], "a": "Ünïcode \u2028 \"quoted\" \n", "z": {"y": -0.0001, "x": 10**20}}
    assert script["canonical_json"](sample) == ev.canonical_json(sample)
