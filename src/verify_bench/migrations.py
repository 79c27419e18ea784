"""The case schema, created and upgraded only through numbered migrations.

Never edit an applied migration: add a new one. ``SCHEMA_VERSION`` is the number
of migrations this app knows; a case that has more was written by a newer app and
is refused.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "verify_bench"
migrations = Migrations(MIGRATION_SET)

#: Tables that are projections of the event log (rebuilt by ``verify``), in rebuild order.
PROJECTION_TABLES: tuple[str, ...] = (
    "imports", "items", "sightings", "metadata", "fields", "hashes", "problems", "rejections",
)


@migrations(name="m0001_events_and_ingest")
def m0001_events_and_ingest(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            item_id TEXT,
            payload TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        );
        CREATE INDEX events_item ON events(item_id);
        CREATE INDEX events_kind ON events(kind);
        CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
        CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;

        CREATE TABLE imports (
            batch_id TEXT PRIMARY KEY,
            started_seq INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            inputs TEXT NOT NULL,
            source_url TEXT,
            note TEXT,
            finished_at TEXT,
            state TEXT NOT NULL,
            summary TEXT
        );

        CREATE TABLE items (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            md5 TEXT NOT NULL,
            size INTEGER NOT NULL,
            stored_path TEXT NOT NULL,
            display_name TEXT NOT NULL,
            imported_seq INTEGER NOT NULL,
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL,
            media_type TEXT NOT NULL,
            mime TEXT,
            format TEXT,
            analysis TEXT NOT NULL DEFAULT 'pending',
            width INTEGER,
            height INTEGER,
            duration REAL,
            low_information INTEGER NOT NULL DEFAULT 0,
            taken_at TEXT,
            taken_at_offset TEXT,
            taken_at_source TEXT,
            camera_make TEXT,
            camera_model TEXT,
            software TEXT,
            lens TEXT,
            orientation INTEGER,
            gps_lat REAL,
            gps_lon REAL,
            gps_alt REAL,
            gps_direction REAL,
            gps_time TEXT,
            gps_source TEXT,
            creation_time TEXT,
            codec TEXT,
            frame_rate REAL,
            rotation INTEGER,
            disagreements TEXT
        );
        CREATE INDEX items_taken_at ON items(taken_at);
        CREATE INDEX items_imported_seq ON items(imported_seq);

        CREATE TABLE sightings (
            event_seq INTEGER PRIMARY KEY REFERENCES events(seq),
            item_id TEXT NOT NULL REFERENCES items(id),
            batch_id TEXT,
            original_path TEXT NOT NULL,
            original_path_b64 TEXT NOT NULL,
            archive_member TEXT,
            size INTEGER NOT NULL,
            mtime TEXT,
            mtime_ns INTEGER,
            source_url TEXT,
            note TEXT,
            acquired_by TEXT NOT NULL,
            acquired_at TEXT NOT NULL,
            sidecar TEXT
        );
        CREATE INDEX sightings_item ON sightings(item_id);
        CREATE INDEX sightings_path ON sightings(original_path_b64, size, mtime_ns);

        CREATE TABLE metadata (
            item_id TEXT NOT NULL REFERENCES items(id),
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL
        );
        CREATE INDEX metadata_item ON metadata(item_id);

        CREATE TABLE fields (
            item_id TEXT NOT NULL REFERENCES items(id),
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            source TEXT NOT NULL
        );
        CREATE INDEX fields_item ON fields(item_id);

        CREATE TABLE hashes (
            item_id TEXT NOT NULL REFERENCES items(id),
            frame_ts REAL,
            algo TEXT NOT NULL,
            bits INTEGER NOT NULL,
            pipeline TEXT NOT NULL
        );
        CREATE INDEX hashes_item ON hashes(item_id);
        CREATE INDEX hashes_algo_bits ON hashes(algo, bits);

        CREATE TABLE problems (
            item_id TEXT NOT NULL REFERENCES items(id),
            kind TEXT NOT NULL,
            stage TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX problems_item ON problems(item_id);

        CREATE TABLE rejections (
            event_seq INTEGER PRIMARY KEY REFERENCES events(seq),
            batch_id TEXT,
            original_path TEXT NOT NULL,
            original_path_b64 TEXT NOT NULL,
            reason TEXT NOT NULL,
            message TEXT NOT NULL
        );
        """
    )


def _register_features() -> tuple[str, ...]:
    """Feature schemas in their fixed release order; each feature lists its projection tables."""
    import importlib

    tables: list[str] = []
    for number, feature in enumerate(FEATURES, start=2):
        schema = importlib.import_module(f"verify_bench.{feature}.schema")
        feature_projections = importlib.import_module(f"verify_bench.{feature}.projections")
        name = f"m{number:04d}_{feature}"
        migrations(name=name)(getattr(schema, name))
        tables.extend(feature_projections.PROJECTION_TABLES)
    return tuple(tables)


FEATURES: tuple[str, ...] = ("similarity", "workflow", "geo", "fragments")
PROJECTION_TABLES = PROJECTION_TABLES + _register_features()
SCHEMA_VERSION = len(migrations._migrations)  # noqa: SLF001 - sqlite-utils offers no public count
KNOWN_MIGRATIONS = frozenset(m.name for m in migrations._migrations)  # noqa: SLF001
