"""The demo case: the bundled sample media imported as an investigator would receive it.

Shared by ``verify-bench demo`` and the app's "Open sample case".
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .case import Case
from .ingest.pipeline import ImportOptions, run_import
from .ingest.progress import FileOutcome, ImportProgress, ImportSummary
from .resources import samples_dir


def build_demo_case(target: Path | str, *, progress: Callable[[ImportProgress], None] | None = None,
                    on_file: Callable[[FileOutcome], None] | None = None,
                    cancel: Callable[[], bool] = lambda: False) -> tuple[ImportSummary, ImportSummary]:
    """Create the demo case from the bundled samples, then receive one photo again from a URL.

    Returns the two import summaries. Shared by ``verify-bench demo`` and the app's start screen.
    """
    samples = samples_dir()
    with Case.create(target, actor="demo", title="Demo case (bundled samples)") as case:
        media = sorted(str(p) for p in samples.iterdir() if p.name != "ATTRIBUTION.md")
        first = run_import(case, media, options=ImportOptions(note="bundled sample media"),
                           progress=progress, on_file=on_file, cancel=cancel)
        again = run_import(case, [os.fspath(samples / "DSCN0010.jpg")], options=ImportOptions(
            source_url="https://example.org/forwarded/DSCN0010.jpg", note="the same photo received again"),
            progress=progress, on_file=on_file, cancel=cancel)
    return first, again
