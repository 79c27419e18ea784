"""Passphrase-protected profile keys: sealed with scrypt + AES-GCM; keys sealed by older versions
(PKCS#8 with PBKDF2) still open; wrong, missing and damaged inputs give clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from verify_bench import profiles
from verify_bench.profiles import keys


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(profiles.CONFIG_DIR_ENV, str(tmp_path / "config"))
    monkeypatch.delenv(profiles.PASSPHRASE_ENV, raising=False)
    return tmp_path / "config"


def stored(home: Path) -> dict:  # type: ignore[type-arg]
    (path,) = (home / "profiles").glob("*.json")
    return json.loads(path.read_text())


def test_a_protected_key_is_sealed_with_scrypt_and_signs_after_unlock(home: Path):
    made = profiles.create_profile("noor", passphrase="olive grove")
    text = stored(home)["private_key"]
    assert text.startswith(keys.SEALED_PREFIX) and "PRIVATE KEY" not in text
    signer = profiles.unlock("noor", "olive grove")
    signature = signer.sign("ab" * 32)
    assert profiles.signature_valid(made.public_key, "ab" * 32, signature)
    with pytest.raises(profiles.ProfileLockedError, match="wrong passphrase"):
        profiles.unlock("noor", "olive  grove")
    with pytest.raises(profiles.ProfileLockedError, match="VERIFY_BENCH_PASSPHRASE"):
        profiles.unlock("noor")


def test_a_key_sealed_the_old_way_still_opens_and_can_be_resealed(home: Path):
    profiles.create_profile("old")
    path = next((home / "profiles").glob("*.json"))
    record = json.loads(path.read_text())
    private = Ed25519PrivateKey.generate()
    record["private_key"] = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"old words")).decode()
    record["public_key"] = keys.public_hex(private)
    record["key_id"] = keys.key_id_of(record["public_key"])
    record["protected"] = True
    path.write_text(json.dumps(record))
    assert profiles.unlock("old", "old words").key_id == record["key_id"]
    profiles.set_passphrase("old", "old words", "new words")
    assert stored(home)["private_key"].startswith(keys.SEALED_PREFIX)
    assert profiles.unlock("old", "new words").key_id == record["key_id"]


@pytest.mark.parametrize("damage", [
    lambda r: {**r, "n": 2**40},          # a cost that would take forever: refused before deriving
    lambda r: {**r, "sealed": "zz"},
    lambda r: {k: v for k, v in r.items() if k != "salt"},
])
def test_a_damaged_sealed_key_is_reported_as_damaged(home: Path, damage):  # type: ignore[no-untyped-def]
    import base64

    profiles.create_profile("sam", passphrase="pw")
    path = next((home / "profiles").glob("*.json"))
    record = json.loads(path.read_text())
    inner = json.loads(base64.b64decode(record["private_key"][len(keys.SEALED_PREFIX):]))
    record["private_key"] = keys.SEALED_PREFIX + base64.b64encode(json.dumps(damage(inner)).encode()).decode()
    path.write_text(json.dumps(record))
    with pytest.raises(profiles.ProfileError, match="damaged"):
        profiles.unlock("sam", "pw")
