"""The bundled taxonomy file: its shape, the issue's vocabulary, its README, and name resolution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verify_bench.fragments import FragmentError, load_taxonomy
from verify_bench.fragments.taxonomy import slug, taxonomy_path

CATEGORIES = ["aircraft bomb", "guided bomb kit", "missile", "rocket", "artillery projectile", "mortar bomb",
              "submunition", "landmine", "grenade", "small-arms ammunition", "improvised device", "unknown"]
COMPONENTS = ["tail kit / fins", "guidance / seeker section", "fuze", "body / casing", "lugs", "strakes",
              "data plate", "fragment", "motor", "warhead"]


def test_the_bundled_taxonomy_holds_the_required_vocabulary_and_nothing_invented() -> None:
    tax = load_taxonomy()
    assert [c.label for c in tax.categories] == CATEGORIES
    assert [c.label for c in tax.components] == COMPONENTS
    assert tax.designations == ()
    assert tax.version.count(".") == 2
    raw = json.loads(taxonomy_path().read_text())
    assert "designations" not in raw and "manufacturers" not in raw


def test_the_readme_cites_public_sources() -> None:
    readme = (taxonomy_path().parent / "README.md").read_text()
    assert "IMAS 04.10" in readme and "https://www.gichd.org" in readme
    assert "editorial" in readme


@pytest.mark.parametrize(("kind", "typed", "found"), [
    ("category", "Guided Bomb Kit", "guided-bomb-kit"), ("category", "IED", "improvised-device"),
    ("component", "fins", "tail-kit"), ("component", "Seeker", "guidance-section"),
    ("component", "casing", "body"), ("component", "data_plate", "data-plate"), ("category", "torpedo", None),
])
def test_typed_names_resolve_to_ids(kind: str, typed: str, found: str | None) -> None:
    assert load_taxonomy().resolve(kind, typed) == found  # type: ignore[arg-type]


def test_components_for_a_category_put_its_usual_ones_first() -> None:
    tax = load_taxonomy()
    ids = [t.id for t in tax.components_for("guided-bomb-kit")]
    assert ids[:3] == ["tail-kit", "guidance-section", "strakes"]
    assert sorted(ids) == sorted(t.id for t in tax.components)


def test_a_broken_taxonomy_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "t.json"
    bad.write_text(json.dumps({"format": "verify-bench/fragment-taxonomy", "version": "1.0.0",
                               "components": [], "categories": [{"id": "x", "label": "x", "components": ["nope"]}]}))
    with pytest.raises(FragmentError, match="unknown components"):
        load_taxonomy(bad)
    bad.write_text("{}")
    with pytest.raises(FragmentError, match="not a Verify Bench fragment taxonomy"):
        load_taxonomy(bad)


def test_slug() -> None:
    assert slug("Glide wing kit") == "glide-wing-kit"
