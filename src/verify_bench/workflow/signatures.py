"""Check every event's signature against the public keys the log itself records.

Keys join the log in ``case.created`` (the creator) and ``person.registered`` events; a key is
known from the event that records it on (that event is signed by the key it records). Events
recorded before a case's first key are a legacy of cases older than signing: a notice. Every later
event must be signed, by a known key, registered to the name the event gives as its actor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .. import events as ev
from ..profiles import key_id_of, public_key_well_formed, signature_valid
from .vocabulary import PERSON_REGISTERED

_STEP = 5000


def check_signatures(events: list[ev.Event], step: Callable[[int], None] | None = None) -> list[Any]:
    """Findings (``verify.Finding``) about signatures: none for a sound log."""
    from ..verify import Finding  # the finding type belongs to verify, which imports this module

    findings: list[Finding] = []
    keys: dict[str, tuple[str, str]] = {}     # key_id -> (name, public key)
    names: dict[str, set[str]] = {}
    legacy = 0
    for n, e in enumerate(events):
        if step is not None and n % _STEP == 0:
            step(n)
        for person in _registrations(e):
            key_id, public = person.get("key_id"), person.get("public_key")
            if not public_key_well_formed(public) or key_id != key_id_of(str(public)):
                findings.append(Finding(
                    "key_invalid", f"event {e.seq} ({e.kind}) registers a key for {person.get('name')!r} whose"
                    " public key is malformed or does not match its key id", seq=e.seq))
                continue
            keys.setdefault(key_id, (str(person.get("name")), str(public)))
            names.setdefault(str(person.get("name")), set()).add(key_id)
        if e.signature is None:
            if keys:
                findings.append(Finding("signature_missing", f"event {e.seq} ({e.kind}) by {e.actor} is not signed",
                                        seq=e.seq, item_id=e.item_id))
            else:
                legacy += 1
            continue
        known = keys.get(e.key_id or "")
        if known is None:
            findings.append(Finding(
                "key_unknown", f"event {e.seq} ({e.kind}) by {e.actor} is signed by key {str(e.key_id)[:12]}…, which"
                " the log had not recorded", seq=e.seq, item_id=e.item_id))
        elif known[0] != e.actor:
            findings.append(Finding(
                "key_mismatch", f"event {e.seq} ({e.kind}) says it is by {e.actor}, but is signed by the key of"
                f" {known[0]}", seq=e.seq, item_id=e.item_id))
        elif not signature_valid(known[1], e.hash, e.signature):
            findings.append(Finding(
                "signature_invalid", f"event {e.seq} ({e.kind}) by {e.actor}: the signature does not match the"
                " event hash and the recorded key", seq=e.seq, item_id=e.item_id))
    if legacy:
        findings.append(Finding(
            "events_unsigned", f"{legacy} event(s) were recorded before this case signed events (older app version)",
            severity="notice"))
    for name, ids in names.items():
        if len(ids) > 1:
            findings.append(Finding(
                "person_has_several_keys", f"{name} signs with {len(ids)} keys (several workstations or profiles);"
                " check that each is theirs", severity="notice"))
    return findings


def _registrations(e: ev.Event) -> Iterable[dict[str, Any]]:
    if not isinstance(e.payload, dict):
        return ()
    if e.kind == PERSON_REGISTERED:
        return (e.payload,)
    if e.kind == ev.CASE_CREATED and isinstance(e.payload.get("creator"), dict):
        return (e.payload["creator"],)
    return ()
