"""The event model: one append-only, hash-chained row per change.

An event's hash is SHA-256 over :func:`canonical_bytes` of its fields, which
include the previous event's hash. Changing, removing, inserting or reordering any
event therefore changes every hash after it. Each event is also signed: ``signature`` is the
acting person's Ed25519 signature of ``hash`` by the key named ``key_id`` (see
:mod:`verify_bench.profiles.keys`); both stay outside the hash, which they sign.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

GENESIS_HASH = "0" * 64

#: Event kinds written by the foundation. Later features add their own.
CASE_CREATED = "case.created"
IMPORT_STARTED = "import.started"
IMPORT_FINISHED = "import.finished"
ITEM_IMPORTED = "item.imported"      # new bytes preserved in the store
ITEM_SIGHTED = "item.sighted"        # the bytes were seen at a path / URL
ITEM_ANALYSED = "item.analysed"      # what the parse worker found (or why it failed)
FILE_REJECTED = "file.rejected"      # an input that could not be preserved at all, with the reason


@dataclass(frozen=True)
class Event:
    seq: int
    id: str
    at: str
    actor: str
    kind: str
    item_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    key_id: str | None = None      # None only on events recorded before the case signed events
    signature: str | None = None

    @property
    def payload_json(self) -> str:
        """``canonical_json(payload)``; :func:`new_event` keeps the text it hashed (not a field: not in
        ``asdict``, and not carried over by ``dataclasses.replace``)."""
        text = self.__dict__.get("_payload_text")
        return text if text is not None else canonical_json(self.payload)


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 text, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_bytes(
    *, seq: int, id: str, at: str, actor: str, kind: str, item_id: str | None, payload: Any, prev_hash: str
) -> bytes:
    """The exact bytes an event hash covers (documented in docs/architecture.md): the canonical JSON of
    ``{"seq", "id", "at", "actor", "kind", "item_id", "payload", "prev_hash"}``."""
    return _record_text(seq, id, at, actor, kind, item_id, canonical_json(payload), prev_hash).encode("utf-8")


def _record_text(
    seq: int, id: str, at: str, actor: str, kind: str, item_id: str | None, payload_text: str, prev_hash: str
) -> str:
    """``canonical_json`` of the record, around a payload already in canonical JSON (not encoded again).

    The keys in sorted order, as ``sort_keys`` writes them; the tests compare with ``canonical_json``.
    """
    j = canonical_json
    return (f'{{"actor":{j(actor)},"at":{j(at)},"id":{j(id)},"item_id":{j(item_id)},"kind":{j(kind)},'
            f'"payload":{payload_text},"prev_hash":{j(prev_hash)},"seq":{j(seq)}}}')


def event_hash(**fields: Any) -> str:
    return hashlib.sha256(canonical_bytes(**fields)).hexdigest()


def utc_now() -> str:
    """Current UTC time as ISO 8601 with microseconds and a ``Z``."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def new_event(
    *, seq: int, actor: str, kind: str, item_id: str | None, payload: dict[str, Any], prev_hash: str,
    at: str | None = None,
) -> Event:
    """Build the next event in the chain (not yet stored)."""
    # Round-trip through canonical JSON so the stored payload is exactly what was hashed; text with no
    # UTF-8 form (lone surrogates from undecodable command-line arguments) is stored as U+FFFD. The
    # payload is then written once more, from what was read back (that is what `verify` recomputes:
    # non-string keys, for one, sort differently as strings), and that text is hashed and stored.
    stored = json.loads(_utf8_safe(canonical_json(payload)))
    text = canonical_json(stored)
    fields = {"seq": seq, "id": str(uuid.uuid4()), "at": at or utc_now(), "actor": actor, "kind": kind,
              "item_id": item_id, "prev_hash": prev_hash}
    digest = hashlib.sha256(_record_text(payload_text=text, **fields).encode("utf-8")).hexdigest()
    event = Event(hash=digest, payload=stored, **fields)
    object.__setattr__(event, "_payload_text", text)
    return event


def _utf8_safe(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def event_from_row(row: dict[str, Any]) -> Event:
    return Event(
        seq=row["seq"],
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        kind=row["kind"],
        item_id=row["item_id"],
        payload=json.loads(row["payload"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        key_id=row.get("key_id"),
        signature=row.get("signature"),
    )


def recompute_hash(event: Event) -> str:
    return event_hash(
        seq=event.seq, id=event.id, at=event.at, actor=event.actor, kind=event.kind,
        item_id=event.item_id, payload=event.payload, prev_hash=event.prev_hash,
    )
