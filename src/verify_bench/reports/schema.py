"""The JSON Schema of ``report.json`` and a small validator for the part of JSON Schema it uses.

The schema (``resources/reports/report.schema.json``, draft 2020-12) uses only ``type``,
``properties``, ``required``, ``items``, ``enum``, ``const``, ``pattern`` and ``anyOf``; this checker
implements exactly those, so ``check-report`` can validate an export without a schema library. Any
full JSON Schema validator gives the same answers.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from ..resources import resources_dir

_TYPES: dict[str, Any] = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
    "integer": int, "number": (int, float),
}


@cache
def report_schema() -> dict[str, Any]:
    return json.loads((resources_dir() / "reports" / "report.schema.json").read_text(encoding="utf-8"))


def validate(value: Any, schema: dict[str, Any] | None = None, path: str = "$") -> list[str]:
    """Every place where ``value`` breaks ``schema`` (default: the report schema), as ``path: problem``."""
    schema = report_schema() if schema is None else schema
    problems: list[str] = []
    if "anyOf" in schema:
        if all(validate(value, option, path) for option in schema["anyOf"]):
            problems.append(f"{path}: matches none of the allowed forms")
        return problems
    wanted = schema.get("type")
    if wanted is not None:
        names = wanted if isinstance(wanted, list) else [wanted]
        if not any(_is(value, name) for name in names):
            return [f"{path}: expected {' or '.join(names)}, found {type(value).__name__}"]
    if "const" in schema and value != schema["const"]:
        problems.append(f"{path}: must be {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        problems.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        problems += [f"{path}: '{key}' is missing" for key in schema.get("required", []) if key not in value]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems += validate(value[key], sub, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for n, element in enumerate(value):
            problems += validate(element, schema["items"], f"{path}[{n}]")
    return problems


def _is(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])
