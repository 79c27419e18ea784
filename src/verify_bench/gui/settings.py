"""Everything the app remembers between runs, through QSettings (tests point it at a temp folder).

Per-case view preferences (blurring, saved filters) are keyed by the case's absolute path:
they are how this user looks at the case, not evidence, so they are not events.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from ..browse import ItemFilter

ORGANIZATION = "Verify Bench"
APPLICATION = "Verify Bench"
MAX_RECENT = 10


def settings() -> QSettings:
    """The app's settings (the application object names them; tests redirect the default format's path)."""
    return QSettings()


def _case_key(root: Path) -> str:
    return "cases/" + hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:16]


# ---- recent cases ----------------------------------------------------------------------------
def recent_cases() -> list[Path]:
    value = settings().value("recent_cases", [])
    paths = [value] if isinstance(value, str) else list(value or [])
    return [Path(p) for p in paths if p]


def remember_case(root: Path) -> None:
    root = root.resolve()
    paths = [root] + [p for p in recent_cases() if p != root]
    settings().setValue("recent_cases", [str(p) for p in paths[:MAX_RECENT]])


def forget_case(root: Path) -> None:
    """Take a case off the recent list (the folder itself is left alone)."""
    paths = [p for p in recent_cases() if p != root]
    settings().setValue("recent_cases", [str(p) for p in paths])


# ---- per-case preferences --------------------------------------------------------------------
@dataclass(frozen=True)
class BlurPolicy:
    """Blur thumbnails and previews of sensitive items; optionally of every item until it is opened."""

    sensitive: bool = True
    all_until_opened: bool = False


def blur_policy(root: Path) -> BlurPolicy:
    s = settings()
    key = _case_key(root)
    return BlurPolicy(
        sensitive=s.value(f"{key}/blur_sensitive", True, type=bool),
        all_until_opened=s.value(f"{key}/blur_all", False, type=bool),
    )


def set_blur_policy(root: Path, policy: BlurPolicy) -> None:
    s = settings()
    key = _case_key(root)
    s.setValue(f"{key}/blur_sensitive", policy.sensitive)
    s.setValue(f"{key}/blur_all", policy.all_until_opened)


def saved_filters(root: Path) -> dict[str, ItemFilter]:
    s = settings()
    s.beginGroup(_case_key(root) + "/filters")
    try:
        return {name: ItemFilter.from_json(str(s.value(name))) for name in sorted(s.childKeys())}
    finally:
        s.endGroup()


def save_filter(root: Path, name: str, flt: ItemFilter) -> str:
    """Store ``flt`` under ``name`` (slashes become dashes); returns the name used."""
    name = name.strip().replace("/", "-").replace("\\", "-")
    settings().setValue(f"{_case_key(root)}/filters/{name}", flt.to_json())
    return name


def delete_filter(root: Path, name: str) -> None:
    settings().remove(f"{_case_key(root)}/filters/{name}")


# ---- window layout ---------------------------------------------------------------------------
def load_bytes(key: str) -> QByteArray | None:
    value = settings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_bytes(key: str, value: QByteArray) -> None:
    settings().setValue(key, value)


# ---- map layers ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TileLayerSetting:
    """One raster layer of the map, bottom first: the bundled basemap, a local tile file, or a tile server."""

    kind: str                  # "basemap", "file" (MBTiles/PMTiles) or "xyz"
    source: str = ""           # the file's path or the server's URL template
    visible: bool = True
    opacity: float = 1.0
    name: str = ""
    attribution: str = ""      # a tile server's, as the user typed it (files carry their own)
    max_zoom: int = 19         # a tile server's deepest level


def tile_layers() -> list[TileLayerSetting]:
    """The map's raster layers, bottom first; the basemap is always there, at the bottom."""
    import json

    try:
        raw = json.loads(str(settings().value("map/tile_layers", "[]")))
        layers = [TileLayerSetting(**{k: v for k, v in entry.items() if k in TileLayerSetting.__dataclass_fields__})
                  for entry in raw if isinstance(entry, dict)]
    except (ValueError, TypeError):
        layers = []
    base = next((layer for layer in layers if layer.kind == "basemap"), TileLayerSetting("basemap"))
    return [base] + [layer for layer in layers if layer.kind != "basemap"]


def set_tile_layers(layers: list[TileLayerSetting]) -> None:
    import json
    from dataclasses import asdict

    settings().setValue("map/tile_layers", json.dumps([asdict(layer) for layer in layers]))


def hidden_reference_layers(root: Path) -> set[str]:
    """Reference layers of a case the user switched off on the map (a view preference, not an event)."""
    value = settings().value(f"{_case_key(root)}/map_hidden_layers", [])
    return {value} if isinstance(value, str) and value else set(value or [])


def set_hidden_reference_layers(root: Path, layer_ids: set[str]) -> None:
    settings().setValue(f"{_case_key(root)}/map_hidden_layers", sorted(layer_ids))
