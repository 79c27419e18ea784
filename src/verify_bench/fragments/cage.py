"""An optional, user-supplied table from CAGE codes to manufacturer names (none is bundled).

The CSV needs a header row with a code column (``cage``, ``cage code``, ``ncage`` or ``cage_code``)
and a name column (``name``, ``manufacturer``, ``company``, ``entity`` or ``entity name``); other
columns are ignored. Codes are matched without regard to case or surrounding spaces.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .errors import FragmentError

_CODE_COLUMNS = ("cage", "cage code", "cage_code", "ncage", "ncage code")
_NAME_COLUMNS = ("name", "manufacturer", "company", "entity", "entity name", "entity_name")


def load_cage_csv(path: Path | str) -> dict[str, str]:
    """``{CODE: name}`` from the user's CSV; duplicate codes keep their first name."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = {(h or "").strip().lower(): h for h in reader.fieldnames or ()}
            code_col = next((header[c] for c in _CODE_COLUMNS if c in header), None)
            name_col = next((header[c] for c in _NAME_COLUMNS if c in header), None)
            if code_col is None or name_col is None:
                raise FragmentError(
                    f"{path.name}: needs a header with a CAGE code column ({', '.join(_CODE_COLUMNS)}) and a name "
                    f"column ({', '.join(_NAME_COLUMNS)}); found {', '.join(header) or 'no header'}")
            table: dict[str, str] = {}
            for row in reader:
                code, name = (row.get(code_col) or "").strip().upper(), (row.get(name_col) or "").strip()
                if code and name:
                    table.setdefault(code, name)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FragmentError(f"cannot read the CAGE table {path}: {exc}") from exc
    return table


def manufacturer_for(table: dict[str, str], cage: str | None) -> str | None:
    return table.get(cage.strip().upper()) if cage else None
