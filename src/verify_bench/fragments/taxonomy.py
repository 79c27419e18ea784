"""The munition vocabulary: the bundled taxonomy file plus each case's own extensions.

Tags store a category's or component's ``id`` when what was typed names one (its id, label or an
alias, in any case); anything else is stored as typed, with a notice. Extensions are events
(``fragment.taxonomy_extended``) and live in the ``fragment_taxonomy`` projection.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ..case import Case
from ..resources import resources_dir
from .errors import FragmentError
from .projections import TAXONOMY_EXTENDED

Kind = Literal["category", "component", "designation"]
KINDS: tuple[Kind, ...] = ("category", "component", "designation")
FORMAT = "verify-bench/fragment-taxonomy"


@dataclass(frozen=True)
class Term:
    """A category, component or designation. ``category`` scopes a component or designation ('' = any)."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    components: tuple[str, ...] = ()   # categories only: suggested components, in order
    category: str = ""
    origin: Literal["bundled", "case"] = "bundled"

    def names(self) -> tuple[str, ...]:
        return (self.id, self.label, *self.aliases)


@dataclass(frozen=True)
class Taxonomy:
    version: str
    categories: tuple[Term, ...]
    components: tuple[Term, ...]
    designations: tuple[Term, ...] = field(default=())

    def resolve(self, kind: Kind, text: str) -> str | None:
        """The id that ``text`` names among the terms of ``kind``, or None."""
        key = _key(text)
        for term in self._terms(kind):
            if any(_key(name) == key for name in term.names()):
                return term.id
        return None

    def label(self, kind: Kind, term_id: str | None) -> str | None:
        """A term's label for display; unknown ids are shown as they are."""
        if term_id is None:
            return None
        return next((t.label for t in self._terms(kind) if t.id == term_id), term_id)

    def components_for(self, category: str | None) -> tuple[Term, ...]:
        """All components, the category's usual ones first (in the file's order), then the others."""
        cat = next((c for c in self.categories if c.id == category), None)
        first = [t for cid in (cat.components if cat else ()) for t in self.components if t.id == cid]
        return tuple(first + [t for t in self.components if t not in first])

    def _terms(self, kind: Kind) -> tuple[Term, ...]:
        return {"category": self.categories, "component": self.components, "designation": self.designations}[kind]


def taxonomy_path() -> Path:
    return resources_dir() / "fragments" / "taxonomy.json"


@lru_cache(maxsize=4)
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The bundled taxonomy (or the file at ``path``), checked for shape and dangling references."""
    path = path or taxonomy_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FragmentError(f"cannot read the fragment taxonomy {path}: {exc}") from exc
    if data.get("format") != FORMAT or not isinstance(data.get("version"), str):
        raise FragmentError(f"{path} is not a Verify Bench fragment taxonomy (format {FORMAT!r} with a version)")
    components = tuple(Term(c["id"], c["label"], tuple(c.get("aliases", ()))) for c in data["components"])
    known = {c.id for c in components}
    categories = []
    for c in data["categories"]:
        unknown = set(c.get("components", ())) - known
        if unknown:
            raise FragmentError(f"{path}: category {c['id']!r} lists unknown components {sorted(unknown)}")
        categories.append(Term(c["id"], c["label"], tuple(c.get("aliases", ())), tuple(c.get("components", ()))))
    return Taxonomy(data["version"], tuple(categories), components)


def case_taxonomy(case: Case) -> Taxonomy:
    """The bundled taxonomy with the case's extensions added (in the order they were recorded)."""
    base = load_taxonomy()
    added: dict[str, list[Term]] = {kind: [] for kind in KINDS}
    for kind, name, label, category in case.conn.execute(
        "SELECT kind, name, label, category FROM fragment_taxonomy ORDER BY event_seq"
    ):
        added[kind].append(Term(name, label, category=category, origin="case"))
    categories = [*base.categories, *added["category"]]
    for ext in added["component"]:  # a component added for a category joins its suggestions
        categories = [replace(c, components=(*c.components, ext.id)) if c.id == ext.category else c
                      for c in categories]
    return Taxonomy(base.version, tuple(categories), base.components + tuple(added["component"]),
                    tuple(added["designation"]))


def extend_taxonomy(
    case: Case, kind: Kind, label: str, *, category: str | None = None, note: str | None = None
) -> str:
    """Add a category, component or designation to this case's vocabulary; returns its id.

    ``category`` (for components and designations) names the category it belongs to. Refused when
    the term already exists, so that each extension is one deliberate event.
    """
    if kind not in KINDS:
        raise FragmentError(f"unknown taxonomy kind {kind!r}; use one of {', '.join(KINDS)}")
    label = label.strip()
    if not label:
        raise FragmentError("a taxonomy term needs a name")
    tax = case_taxonomy(case)
    scope = ""
    if category:
        scope = tax.resolve("category", category) or ""
        if not scope:
            raise FragmentError(f"no category {category!r} in this case's taxonomy")
    existing = tax.resolve(kind, label)
    if existing is not None and (kind != "designation" or any(
            t.id == existing and t.category == scope for t in tax.designations)):
        raise FragmentError(f"{kind} {label!r} is already in the taxonomy (as {existing!r})")
    term_id = label if kind == "designation" else slug(label)
    with case.write():
        case.append(TAXONOMY_EXTENDED, {"kind": kind, "name": term_id, "label": label, "category": scope,
                                        "note": note})
    return term_id


def slug(text: str) -> str:
    """``"Glide wing kit"`` -> ``"glide-wing-kit"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or text.strip()


def _key(text: str) -> str:
    return re.sub(r"[\s_\-/]+", " ", text.strip().lower()).strip()
