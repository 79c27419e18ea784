"""RFC 3161 trusted timestamps of a manifest hash: the request (``.tsq``), the authority's reply (``.tsr``).

A timestamp authority (TSA) signs "this SHA-256 existed at time T". The request is built and the
reply parsed with ``asn1crypto`` (pure Python, the ASN.1 definitions of RFC 3161 and CMS); the
reply is stored as received, :func:`read_reply` reads back what it attests and :func:`signer_of` checks
its signature with the certificate it carries. Checking that certificate's chain to a trusted authority
is left to tools that hold the trust anchors (``openssl ts -verify -digest HASH -in manifest.tsr -CAfile
tsa-ca.pem``), as ``docs/reports.md`` says.
"""

from __future__ import annotations

import contextlib
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import parser, tsp

from .errors import ReportError

MAX_REPLY = 1 << 20            # a timestamp reply is a few kilobytes
TIMEOUT_S = 20.0


class TimestampError(ReportError):
    """The authority could not be reached, or its reply is not a timestamp of the manifest hash."""


@dataclass(frozen=True)
class TimestampInfo:
    """What a timestamp reply attests."""

    status: str                 # "granted" or "granted_with_mods"
    hashed_message: str         # hex SHA-256 the authority signed
    hash_algorithm: str
    gen_time: str               # ISO 8601, UTC
    serial_number: int
    policy: str
    nonce: int | None
    tsa: str | None             # the authority's name as it states it, if it does


def build_request(sha256_hex: str, *, nonce: int | None = None) -> bytes:
    """A DER ``TimeStampReq`` for a SHA-256 digest, asking for the TSA's certificate in the reply."""
    digest = bytes.fromhex(sha256_hex)
    if len(digest) != 32:
        raise TimestampError("a timestamp request needs a SHA-256 digest (64 hex digits)")
    return tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
        "nonce": nonce if nonce is not None else secrets.randbits(63),
        "cert_req": True,
    }).dump()


def request_nonce(request: bytes) -> int | None:
    return tsp.TimeStampReq.load(request)["nonce"].native


def request_imprint(request: bytes) -> str:
    """The hex digest a saved ``.tsq`` asks to have stamped."""
    try:
        return tsp.TimeStampReq.load(request)["message_imprint"]["hashed_message"].native.hex()
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many kinds on malformed DER
        raise TimestampError(f"the timestamp request is not a valid RFC 3161 request: {exc}") from exc


def ask_authority(url: str, request: bytes, *, timeout: float = TIMEOUT_S) -> bytes:
    """POST the request to the authority and return its DER reply (raises :class:`TimestampError`)."""
    if not url.lower().startswith(("http://", "https://")):
        raise TimestampError(f"the timestamp authority URL must start with http:// or https://, not {url!r}")
    http = urllib.request.Request(url, data=request, method="POST",
                                  headers={"Content-Type": "application/timestamp-query",
                                           "Accept": "application/timestamp-reply"})
    try:
        with urllib.request.urlopen(http, timeout=timeout) as reply:  # noqa: S310 - the user's configured URL
            data = reply.read(MAX_REPLY + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise TimestampError(f"the timestamp authority at {url} could not be reached: {exc}") from exc
    if len(data) > MAX_REPLY:
        raise TimestampError(f"the timestamp authority at {url} sent more than {MAX_REPLY:,} bytes")
    return data


def read_reply(reply: bytes) -> TimestampInfo:
    """Parse a DER ``TimeStampResp``; raises :class:`TimestampError` when it grants no timestamp."""
    try:
        # The status first, on its own: a refusal carries no token, which asn1crypto's TimeStampResp requires.
        contents = parser.parse(reply, strict=True)[4]
        status_info = tsp.PKIStatusInfo.load(contents)   # not strict: the token may follow
        status = status_info["status"].native
        if status not in ("granted", "granted_with_mods"):
            text = status_info["status_string"].native
            raise TimestampError(f"the timestamp authority refused: {status}"
                                 + (f" ({'; '.join(text)})" if text else ""))
        resp = tsp.TimeStampResp.load(reply)
        signed = resp["time_stamp_token"]["content"]
        info = signed["encap_content_info"]["content"].parsed
        imprint = info["message_imprint"]
        gen_time: datetime = info["gen_time"].native
        tsa = info["tsa"]
        return TimestampInfo(
            status=status,
            hashed_message=imprint["hashed_message"].native.hex(),
            hash_algorithm=imprint["hash_algorithm"]["algorithm"].native,
            gen_time=gen_time.isoformat().replace("+00:00", "Z"),
            serial_number=info["serial_number"].native,
            policy=info["policy"].native,
            nonce=info["nonce"].native,
            tsa=None if tsa.native is None else str(tsa.chosen.native if hasattr(tsa, "chosen") else tsa.native),
        )
    except TimestampError:
        raise
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many kinds on malformed DER
        raise TimestampError(f"the timestamp reply is not a valid RFC 3161 response: {exc}") from exc


def signer_of(reply: bytes) -> str:
    """Check the reply's CMS signature with the certificate it carries; return that certificate's subject.

    This shows the token is intact and signed by the key of the enclosed certificate. Whether that
    certificate belongs to an authority the reader trusts is a separate question (its chain to a
    trust anchor), which ``openssl ts -verify -CAfile …`` answers.
    """
    try:
        signed = tsp.TimeStampResp.load(reply)["time_stamp_token"]["content"]
        signers = signed["signer_infos"]
        if len(signers) == 0:
            raise TimestampError("the timestamp token is not signed")
        signer = signers[0]
        cert = _signing_certificate(signed, signer["sid"])
        content = signed["encap_content_info"]["content"].contents
        hash_name = signer["digest_algorithm"]["algorithm"].native
        attrs = signer["signed_attrs"]
        if len(attrs):
            digest = next((a["values"][0].native for a in attrs if a["type"].native == "message_digest"), None)
            if digest != _digest(hash_name, content):
                raise TimestampError("the timestamp token's signed digest does not match its content")
            data = b"\x31" + attrs.dump()[1:]   # signed as a SET, stored with an implicit [0] tag
        else:
            data = content
        _verify(cert, signer["signature_algorithm"], hash_name, signer["signature"].native, data)
        return str(cert.subject.human_friendly)
    except TimestampError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed DER or an unusable key
        raise TimestampError(f"the timestamp token's signature cannot be checked: {exc}") from exc


def _signing_certificate(signed: Any, sid: Any) -> Any:
    for choice in signed["certificates"] if signed["certificates"].native is not None else ():
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            if cert.issuer == sid.chosen["issuer"] and cert.serial_number == sid.chosen["serial_number"].native:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise TimestampError("the timestamp reply does not carry the certificate that signed it")


def _digest(name: str, data: bytes) -> bytes:
    import hashlib

    return hashlib.new(name, data).digest()


def _verify(cert: Any, algorithm: Any, hash_name: str, signature: bytes, data: bytes) -> None:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    key = x509.load_der_x509_certificate(cert.dump()).public_key()
    with contextlib.suppress(ValueError):   # plain rsaEncryption: the signer's digest algorithm names the hash
        hash_name = algorithm.hash_algo
    chosen = {"sha1": hashes.SHA1(), "sha224": hashes.SHA224(), "sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
              "sha512": hashes.SHA512()}[hash_name]
    kind = algorithm.signature_algo
    try:
        if kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(chosen))
        elif kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), chosen)
        elif kind == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PSS(padding.MGF1(chosen), padding.PSS.AUTO), chosen)
        else:
            raise TimestampError(f"the timestamp token is signed with {kind}, which this check does not support")
    except InvalidSignature as exc:
        raise TimestampError("the timestamp token's signature does not match its certificate's key") from exc


def check_reply(info: TimestampInfo, sha256_hex: str, nonce: int | None) -> None:
    """Raise unless the reply stamps exactly ``sha256_hex`` (and echoes our nonce)."""
    if info.hash_algorithm != "sha256" or info.hashed_message != sha256_hex.lower():
        raise TimestampError(
            f"the timestamp covers {info.hash_algorithm} {info.hashed_message},"
            f" not the manifest's SHA-256 {sha256_hex}")
    if nonce is not None and info.nonce != nonce:
        raise TimestampError("the timestamp reply does not echo the request's nonce (a replayed or foreign reply)")
