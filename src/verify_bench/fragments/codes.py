"""Format checks on the structured codes of a tag. They explain; they never block or rewrite.

* CAGE (Commercial and Government Entity) code: 5 characters, letters and digits.
* NSN (NATO Stock Number): 13 digits written 4-2-3-4 (``1234-56-789-0123``): a 4-digit supply
  class (FSC/NSC) and a 9-digit NIIN whose first 2 digits name the codification bureau. Some newer
  NIINs carry a capital letter in their 3rd position (the first of the "3" group); such an NSN is
  reported, as a possible misreading, not refused.
* Date of manufacture: free text as marked; ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` sort and filter,
  anything else is kept as typed with a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_CAGE = re.compile(r"^[A-Za-z0-9]{5}$")
_NSN = re.compile(r"^(\d{4})-(\d{2})-([0-9A-Z]\d{2})-(\d{4})$")
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Notice:
    """A problem with what was typed in ``field``; the value is saved regardless."""

    field: str
    code: str
    message: str


def check_cage(value: str) -> list[Notice]:
    text = value.strip()
    if _CAGE.match(text):
        if text != text.upper():
            return [Notice("cage", "cage_case", f"CAGE code {value!r} is usually written in capitals")]
        return _spacing("cage", value)
    return [Notice("cage", "cage_format",
                   f"CAGE code {value!r} should be 5 letters or digits (it has {len(text)} characters"
                   f"{', not all letters or digits' if not text.isalnum() else ''})")]


def check_nsn(value: str) -> list[Notice]:
    text = value.strip()
    m = _NSN.match(text)
    if m:
        if not m.group(3)[0].isdigit():
            return [Notice("nsn", "nsn_letter",
                           f"NSN {value!r} has the letter {m.group(3)[0]!r} in its NIIN: a few newer NIINs do, "
                           "but check the transcription (O for 0, I for 1)")]
        return _spacing("nsn", value)
    digits = re.sub(r"[\s\-./]", "", text)
    if re.fullmatch(r"\d{13}", digits):
        formatted = f"{digits[:4]}-{digits[4:6]}-{digits[6:9]}-{digits[9:]}"
        return [Notice("nsn", "nsn_grouping", f"NSN {value!r} is usually written 4-2-3-4: {formatted}")]
    count = sum(c.isdigit() for c in text)
    return [Notice("nsn", "nsn_format",
                   f"NSN {value!r} should be 13 digits written 4-2-3-4 (like 1234-56-789-0123); it has {count} digits")]


def nsn_parts(value: str) -> dict[str, str] | None:
    """``{"fsc", "niin", "ncb"}`` of a well-formed NSN (13 digits, with or without the dashes), else None."""
    digits = re.sub(r"[\s\-]", "", value.strip())
    if not re.fullmatch(r"\d{4}\d{2}[0-9A-Z]\d{6}", digits):
        return None
    return {"fsc": digits[:4], "niin": digits[4:], "ncb": digits[4:6]}


def check_manufactured(value: str) -> list[Notice]:
    text = value.strip()
    m = _ISO_PARTIAL.match(text)
    if m:
        year, month, day = (int(g) if g else None for g in m.groups())
        try:
            date(year or 1, month or 1, day or 1)
        except ValueError:
            return [Notice("manufactured", "date_invalid", f"date of manufacture {value!r} is not a calendar date")]
        return _spacing("manufactured", value)
    return [Notice("manufactured", "date_free_text",
                   f"date of manufacture {value!r} is kept as typed; write YYYY, YYYY-MM or YYYY-MM-DD to sort and filter by it")]


def _spacing(field: str, value: str) -> list[Notice]:
    if value != value.strip():
        return [Notice(field, "spacing", f"{field} {value!r} has spaces at its start or end")]
    return []


CHECKS = {"cage": check_cage, "nsn": check_nsn, "manufactured": check_manufactured}


def check_codes(fields: dict[str, object]) -> list[Notice]:
    """Notices for every checked code present in ``fields``."""
    found: list[Notice] = []
    for name, check in CHECKS.items():
        value = fields.get(name)
        if isinstance(value, str) and value:
            found.extend(check(value))
    return found
