"""Ed25519 keys: generation, fingerprints, signing an event hash, checking a signature.

A signature is Ed25519 over the 32 bytes of an event's SHA-256 hash (the hex ``hash`` column
decoded), written as 128 hex digits. A key's id is the first 32 hex digits of SHA-256 over its
32 raw public-key bytes.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import ProfileError, ProfileLockedError

KEY_ID_HEX_DIGITS = 32


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
    """PKCS#8 PEM, encrypted with the passphrase when one is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")) if passphrase
        else serialization.NoEncryption()
    )
    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def load_private(pem: str, passphrase: str | None, *, name: str) -> Ed25519PrivateKey:
    """Read a private key; a missing or wrong passphrase is :class:`ProfileLockedError`."""
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
