"""Schema of signatures and the workflow (registered by the case as migration ``m0003_workflow``).

Adds each event's signer (``key_id``) and Ed25519 ``signature`` — outside the hash, since the
signature signs the hash — plus indexes for history queries, and the workflow's projections.
"""

from __future__ import annotations

from sqlite_utils import Database


def m0003_workflow(db: Database) -> None:
    db.executescript(
        """
        ALTER TABLE events ADD COLUMN key_id TEXT;
        ALTER TABLE events ADD COLUMN signature TEXT;
        CREATE INDEX events_actor ON events(actor, seq);
        CREATE INDEX events_at ON events(at);

        CREATE TABLE people (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL,             -- 'investigator' | 'lead', as granted in this case
            registered_seq INTEGER NOT NULL,
            role_seq INTEGER NOT NULL,      -- event that set the role
            role_set_by TEXT NOT NULL
        );

        CREATE TABLE person_keys (
            key_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            public_key TEXT NOT NULL,       -- raw Ed25519 public key, hex
            declared_role TEXT NOT NULL,    -- what the person's profile said
            at TEXT NOT NULL,
            event_seq INTEGER NOT NULL
        );
        CREATE INDEX person_keys_name ON person_keys(name);

        CREATE TABLE status (
            item_id TEXT PRIMARY KEY REFERENCES items(id),
            state TEXT NOT NULL,
            state_since TEXT NOT NULL,      -- when the item entered its state (import time for 'new')
            state_seq INTEGER,
            assignee TEXT,
            submitted_by TEXT,
            submitted_at TEXT,
            reviewed_by TEXT,
            reviewed_at TEXT,
            updated_seq INTEGER NOT NULL
        );
        CREATE INDEX status_state ON status(state, state_since, item_id);
        CREATE INDEX status_assignee ON status(assignee, state, state_since, item_id);

        CREATE TABLE checks (
            item_id TEXT NOT NULL REFERENCES items(id),
            name TEXT NOT NULL,             -- see workflow.vocabulary.CHECKS
            result TEXT NOT NULL,           -- 'pass' | 'fail' | 'unknown'
            note TEXT,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            event_seq INTEGER NOT NULL,
            PRIMARY KEY (item_id, name)
        );

        CREATE TABLE comments (
            event_seq INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES items(id),
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            text TEXT NOT NULL,
            context TEXT NOT NULL           -- 'comment', or the state a status change moved to
        );
        CREATE INDEX comments_item ON comments(item_id, event_seq);

        CREATE TABLE incident_facts (
            incident_id TEXT PRIMARY KEY,   -- incidents(incident_id), recorded by geo
            window_start TEXT,              -- ISO 8601: the incident happened in [start, end]
            window_end TEXT,
            description TEXT,
            object_struck TEXT,
            object_note TEXT,
            killed INTEGER,
            killed_children INTEGER,
            killed_confidence TEXT,
            killed_sources TEXT NOT NULL,   -- JSON [{"item_id"} | {"note"}]
            injured INTEGER,
            injured_children INTEGER,
            injured_confidence TEXT,
            injured_sources TEXT NOT NULL,
            warning TEXT,                   -- 'none' | 'ineffective' | 'effective'
            warning_note TEXT,
            munition TEXT,
            munition_fragments TEXT NOT NULL,  -- JSON list of fragment tag ids
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            event_seq INTEGER NOT NULL
        );
        """
    )
