"""Near-duplicate and re-upload search: exact, image, video and still-in-video matches, clusters, decisions.

The GUI and the CLI use the names below; :mod:`.index` (multi-index hashing) and :mod:`.matching`
work on plain arrays and know nothing of cases. Names load on first use, so that the case's own
modules can import :mod:`.schema` and :mod:`.projections` without importing the case back.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .clusters import Cluster
    from .decisions import PairDecision, current_decisions, decide
    from .index import HashIndex, Pairs
    from .lookup import Lookup, SimilarityError, similar_to_file
    from .matching import CodeRows, Match, Matcher
    from .service import CACHE_RADIUS, DEFAULT_THRESHOLD, DupesReport, LiveMatcher, cluster_of, duplicates, matches
    from .variants import fingerprint_with_variants, variant_hashes

_HOMES = {
    "Cluster": "clusters",
    "PairDecision": "decisions", "current_decisions": "decisions", "decide": "decisions",
    "HashIndex": "index", "Pairs": "index",
    "Lookup": "lookup", "SimilarityError": "lookup", "similar_to_file": "lookup",
    "CodeRows": "matching", "Match": "matching", "Matcher": "matching",
    "CACHE_RADIUS": "service", "DEFAULT_THRESHOLD": "service", "DupesReport": "service", "LiveMatcher": "service",
    "cluster_of": "service", "duplicates": "service", "matches": "service",
    "fingerprint_with_variants": "variants", "variant_hashes": "variants",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{home}", __name__), name)
