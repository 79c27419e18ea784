"""Schema of weapon-fragment tagging (registered by the case as migration ``m0005_fragments``).

Every table here is a projection of ``fragment.*`` events (rebuilt and compared by ``verify``).
Crops of tagged regions are files under ``derived/fragments/``, rebuilt from these rows; no
table records them. Region coordinates are on the stored original's pixel grid (see
:mod:`.geometry`), as JSON ``{"shape": ..., "points": [[x, y], ...]}``; the bounding box is
repeated in columns for filtering and sorting.
"""

from __future__ import annotations

from sqlite_utils import Database


def m0005_fragments(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE fragments (
            id TEXT PRIMARY KEY,
            item_id TEXT NOT NULL,
            frame_ts REAL,                  -- seconds into a video; NULL for a still image
            shape TEXT NOT NULL,            -- 'rect' | 'polygon' | 'point'
            region TEXT NOT NULL,           -- JSON, stored-original pixel grid
            bbox_x REAL NOT NULL,
            bbox_y REAL NOT NULL,
            bbox_w REAL NOT NULL,
            bbox_h REAL NOT NULL,
            category TEXT,
            component TEXT,
            designation TEXT,
            manufacturer TEXT,
            markings TEXT,                  -- transcribed verbatim, never normalised
            cage TEXT,
            nsn TEXT,
            lot TEXT,
            manufactured TEXT,              -- date of manufacture, as typed
            serial TEXT,
            confidence TEXT,                -- 'confirmed' | 'probable' | 'possible' | NULL
            note TEXT,
            refs TEXT NOT NULL DEFAULT '[]',  -- JSON list of item ids: reference images in the case
            taxonomy_version TEXT,
            created_seq INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            updated_seq INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE INDEX fragments_item ON fragments(item_id);
        CREATE INDEX fragments_category ON fragments(category, component);
        CREATE INDEX fragments_designation ON fragments(designation);

        CREATE TABLE fragment_taxonomy (
            kind TEXT NOT NULL,             -- 'category' | 'component' | 'designation'
            name TEXT NOT NULL,             -- the identifier tags store
            label TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT '',  -- for components and designations: where they belong ('' = any)
            note TEXT,
            event_seq INTEGER NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (kind, name, category)
        );

        CREATE TABLE fragment_scales (
            id TEXT PRIMARY KEY,
            item_id TEXT NOT NULL,
            frame_ts REAL,
            points TEXT NOT NULL,           -- JSON [[x, y], [x, y]], stored-original pixel grid
            pixels REAL NOT NULL,           -- the segment's length in pixels
            length REAL NOT NULL,           -- its real length, in ``unit``
            unit TEXT NOT NULL,
            label TEXT NOT NULL,            -- what was measured against: 'brick', 'ruler', ...
            event_seq INTEGER NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX fragment_scales_item ON fragment_scales(item_id);

        CREATE TABLE fragment_measurements (
            id TEXT PRIMARY KEY,
            item_id TEXT NOT NULL,
            frame_ts REAL,
            scale_id TEXT NOT NULL,
            fragment_id TEXT,
            points TEXT NOT NULL,
            pixels REAL NOT NULL,
            length REAL NOT NULL,
            unit TEXT NOT NULL,
            reference TEXT NOT NULL,        -- JSON: the scale used, as it was when measured
            label TEXT,
            event_seq INTEGER NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX fragment_measurements_item ON fragment_measurements(item_id);
        """
    )
