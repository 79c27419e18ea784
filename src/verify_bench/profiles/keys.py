"""Ed25519 keys: generation, fingerprints, signing an event hash, checking a signature.

A signature is Ed25519 over the 32 bytes of an event's SHA-256 hash (the hex ``hash`` column
decoded), written as 128 hex digits. A key's id is the first 32 hex digits of SHA-256 over its
32 raw public-key bytes.

A private key is stored as PKCS#8 PEM when it has no passphrase. With a passphrase it is sealed
with AES-256-GCM under a key derived by scrypt (``vb-scrypt-aes256gcm-v1:`` then base64 JSON of
the parameters, salt, nonce and ciphertext): PKCS#8's own encryption derives its key with only
2,048 PBKDF2 rounds, too few against guessing if a profile file is copied. Keys sealed that way
(encrypted PKCS#8 PEM) still open.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .errors import ProfileError, ProfileLockedError

KEY_ID_HEX_DIGITS = 32
SEALED_PREFIX = "vb-scrypt-aes256gcm-v1:"
#: scrypt cost: about 0.1 s and 32 MiB to try one passphrase (RFC 7914 interactive-login range).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_AAD = b"verify-bench ed25519 private key"


def generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_hex(private: Ed25519PrivateKey) -> str:
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def key_id_of(public_key_hex: str) -> str:
    """The fingerprint that names a public key in events (``key_id``)."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:KEY_ID_HEX_DIGITS]


def sign_hash(private: Ed25519PrivateKey, event_hash: str) -> str:
    return private.sign(bytes.fromhex(event_hash)).hex()


def signature_valid(public_key_hex: str, event_hash: str, signature_hex: str) -> bool:
    """Whether ``signature_hex`` is the key's signature of ``event_hash``; malformed input is simply invalid."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        key.verify(bytes.fromhex(signature_hex), bytes.fromhex(event_hash))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def public_key_well_formed(public_key_hex: object) -> bool:
    if not isinstance(public_key_hex, str):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
    except ValueError:
        return False
    return True


def private_pem(private: Ed25519PrivateKey, passphrase: str | None) -> str:
    """The stored form of a private key: PKCS#8 PEM, or sealed under the passphrase when one is given."""
    if not passphrase:
        return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, raw, _AAD)
    record = {"n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex(), "nonce": nonce.hex(),
              "sealed": sealed.hex()}
    return SEALED_PREFIX + base64.b64encode(json.dumps(record, sort_keys=True).encode()).decode()


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _open_sealed(text: str, passphrase: str | None, name: str) -> Ed25519PrivateKey:
    if not passphrase:
        raise ProfileLockedError(
            f"the key of profile '{name}' is protected by a passphrase: give it (CLI: set VERIFY_BENCH_PASSPHRASE)")
    try:
        record = json.loads(base64.b64decode(text[len(SEALED_PREFIX):], validate=True))
        n, r, p = int(record["n"]), int(record["r"]), int(record["p"])
        if not (2**10 <= n <= 2**22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError(f"scrypt parameters out of range (n={n}, r={r}, p={p})")
        salt, nonce, sealed = (bytes.fromhex(record[k]) for k in ("salt", "nonce", "sealed"))
    except (ValueError, KeyError, TypeError) as exc:
        raise ProfileError(f"the key file of profile '{name}' is damaged: {exc}") from exc
    try:
        raw = AESGCM(_derive(passphrase, salt, n, r, p)).decrypt(nonce, sealed, _AAD)
    except InvalidTag:
        raise ProfileLockedError(f"wrong passphrase for profile '{name}'") from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def load_private(pem: str, passphrase: str | None, *, name: str) -> Ed25519PrivateKey:
    """Read a private key; a missing or wrong passphrase is :class:`ProfileLockedError`."""
    if pem.startswith(SEALED_PREFIX):
        return _open_sealed(pem, passphrase, name)
    encrypted = "ENCRYPTED" in pem.split("\n", 1)[0]
    if encrypted and not passphrase:
        raise ProfileLockedError(
            f"the key of profile '{name}' is protected by a passphrase: give it (CLI: set VERIFY_BENCH_PASSPHRASE)")
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=passphrase.encode() if encrypted and passphrase
                                                 else None)
    except (ValueError, TypeError) as exc:
        if encrypted:
            raise ProfileLockedError(f"wrong passphrase for profile '{name}'") from exc
        raise ProfileError(f"the key file of profile '{name}' is damaged: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ProfileError(f"the key of profile '{name}' is not an Ed25519 key")
    return key
