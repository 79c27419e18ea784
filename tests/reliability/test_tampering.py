"""Battery 6: every kind of damage done to a case behind the app's back is named by ``verify``.

Each kind in :data:`tests.reliability._relib_tamper.TAMPERS` damages its own copy of a case built through
the CLI; ``verify-bench verify --json`` must report exactly the expected error codes and notices (or, for a
case file that is not a database at all, refuse it with a clear message and exit status 1, never a traceback).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ._relib_cases import Built, copy_case, verify_codes
from ._relib_tamper import TAMPERS, Tamper


@pytest.mark.parametrize("tamper", TAMPERS, ids=[t.kind for t in TAMPERS])
def test_verify_names_each_kind_of_tampering(tamper: Tamper, relib_built: Built, tmp_path: Path):
    assert verify_codes(relib_built.root) == (set(), set()), "the untouched case must verify"
    damaged = copy_case(relib_built, tmp_path)
    extra = tamper.apply(damaged)
    errors, notices = verify_codes(damaged.root, *extra)
    assert (errors, notices) == (set(tamper.codes), set(tamper.notices)), tamper.what


def test_the_catalogue_is_broad_and_the_figure_is_recorded(relib_built: Built, tmp_path: Path, record_figure):
    """At least 15 kinds; every one detected (errors, or a refusal); recorded as a figure."""
    detected = 0
    for tamper in TAMPERS:
        damaged = copy_case(relib_built, tmp_path / tamper.kind)
        errors, _ = verify_codes(damaged.root, *tamper.apply(damaged))
        detected += bool(errors) and errors == set(tamper.codes)
    assert len(TAMPERS) >= 15
    assert detected == len(TAMPERS)
    record_figure("tampering", "kinds detected / kinds tried", f"{detected} / {len(TAMPERS)}")
    record_figure("tampering", "distinct finding-code sets", len({(t.codes, t.notices) for t in TAMPERS}))


def test_an_exported_head_still_matches_after_the_case_has_grown(relib_built: Built, tmp_path: Path):
    """A head exported earlier (in a report, say) stays valid as work continues: a notice, not a failure."""
    from ._relib_cases import INVESTIGATOR, cli

    grown = copy_case(relib_built, tmp_path)
    cli("comment", str(grown.root), grown.items[2], "later work", "--as", INVESTIGATOR)
    assert verify_codes(grown.root, "--expect-head", grown.head) == (set(), {"head_extended"})
    seq, digest = grown.head.split(":")
    assert verify_codes(grown.root, "--expect-head", digest) == (set(), {"head_extended"})
    assert verify_codes(grown.root, "--expect-head", f"{int(seq) - 1}:{digest}") == ({"head_mismatch"}, set())
