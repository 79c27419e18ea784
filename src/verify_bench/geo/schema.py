"""Schema of geolocation and chronolocation (registered by the case as migration ``m0004_geo``).

Every table here is a projection of events (rebuilt by ``verify``): location and time claims,
the accepted location per item, incidents and their items, and imported reference layers.
"""

from __future__ import annotations

from sqlite_utils import Database


def m0004_geo(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE location_claims (
            claim_id TEXT PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES items(id),
            lat REAL NOT NULL,
            lon REAL NOT NULL,
            precision_m REAL NOT NULL,      -- radius within which the claimant is sure
            method TEXT NOT NULL,           -- see geo.claims.LocationMethod
            position TEXT NOT NULL,         -- 'camera' | 'subject'
            direction_deg REAL,             -- viewing direction, degrees from true north
            note TEXT,
            input_text TEXT,                -- what was typed or pasted
            input_format TEXT,              -- decimal, dms, mgrs, pluscode, google_maps, …
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            event_seq INTEGER NOT NULL,
            withdrawn_seq INTEGER,
            withdrawn_by TEXT,
            withdrawn_note TEXT
        );
        CREATE INDEX location_claims_item ON location_claims(item_id);

        CREATE TABLE accepted_locations (
            item_id TEXT PRIMARY KEY REFERENCES items(id),
            claim_id TEXT NOT NULL REFERENCES location_claims(claim_id),
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT,
            event_seq INTEGER NOT NULL
        );

        CREATE TABLE time_claims (
            claim_id TEXT PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES items(id),
            time TEXT NOT NULL,             -- ISO 8601 with the offset in force at the place
            time_utc TEXT NOT NULL,         -- the same instant, UTC with Z
            zone TEXT,                      -- IANA zone the offset came from, if any
            precision_s REAL NOT NULL,
            method TEXT NOT NULL,
            note TEXT,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            event_seq INTEGER NOT NULL,
            withdrawn_seq INTEGER,
            withdrawn_by TEXT,
            withdrawn_note TEXT
        );
        CREATE INDEX time_claims_item ON time_claims(item_id);

        CREATE TABLE incidents (
            incident_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            time TEXT,                      -- ISO 8601 with offset, or NULL when unknown
            time_utc TEXT,
            zone TEXT,                      -- IANA zone of the place (for local time of day)
            lat REAL,
            lon REAL,
            precision_m REAL,
            note TEXT,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            created_seq INTEGER NOT NULL,
            event_seq INTEGER NOT NULL
        );

        CREATE TABLE incident_items (
            incident_id TEXT NOT NULL REFERENCES incidents(incident_id),
            item_id TEXT NOT NULL REFERENCES items(id),
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            event_seq INTEGER NOT NULL,
            PRIMARY KEY (incident_id, item_id)
        );
        CREATE INDEX incident_items_item ON incident_items(item_id);

        CREATE TABLE reference_layers (
            layer_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            source_name TEXT NOT NULL,      -- file name it was imported from
            source_sha256 TEXT NOT NULL,
            format TEXT NOT NULL,           -- 'geojson' | 'kml' | 'kmz'
            feature_count INTEGER NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            event_seq INTEGER NOT NULL
        );

        CREATE TABLE reference_features (
            layer_id TEXT NOT NULL REFERENCES reference_layers(layer_id),
            feature_index INTEGER NOT NULL,
            name TEXT,
            date TEXT,
            geometry_type TEXT NOT NULL,    -- Point, LineString, Polygon, Multi…
            geometry TEXT NOT NULL,         -- GeoJSON geometry
            properties TEXT NOT NULL,       -- JSON object
            min_lat REAL NOT NULL, min_lon REAL NOT NULL, max_lat REAL NOT NULL, max_lon REAL NOT NULL,
            PRIMARY KEY (layer_id, feature_index)
        );
        """
    )
