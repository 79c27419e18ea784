"""Schema of near-duplicate matching (registered by the case as migration ``m0002_similarity``).

``match_decisions`` is a projection of ``match.confirmed`` / ``match.rejected`` events (rebuilt by
``verify``). ``similar_pairs`` and ``similar_state`` are a cache computed from the ``hashes`` table:
they are not events, ``verify`` does not compare them, and dropping them loses nothing.
"""

from __future__ import annotations

from sqlite_utils import Database


def m0002_similarity(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE match_decisions (
            a TEXT NOT NULL,            -- item ids, a < b
            b TEXT NOT NULL,
            decision TEXT NOT NULL,     -- 'confirmed' | 'rejected'
            note TEXT,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            event_seq INTEGER NOT NULL,
            PRIMARY KEY (a, b)
        );
        CREATE INDEX match_decisions_b ON match_decisions(b);

        CREATE TABLE similar_pairs (
            a TEXT NOT NULL,            -- item ids, a < b
            b TEXT NOT NULL,
            kind TEXT NOT NULL,         -- 'image' | 'video' | 'frame'
            distance INTEGER NOT NULL,
            evidence TEXT NOT NULL,     -- JSON: hashes, frames, segments
            PRIMARY KEY (a, b)
        ) WITHOUT ROWID;
        CREATE INDEX similar_pairs_b ON similar_pairs(b);

        CREATE TABLE similar_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )
