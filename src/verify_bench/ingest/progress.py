"""Progress and outcome records shared by the terminal and the GUI."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

FileStatus = Literal["imported", "sighted", "known", "analysed_again", "rejected"]


@dataclass
class ImportProgress:
    """Counts so far; ``rate`` and ``eta`` are derived."""

    files_total: int = 0
    bytes_total: int = 0
    files_done: int = 0
    bytes_done: int = 0
    errors: int = 0
    current: str = ""
    phase: str = "scanning"  # scanning, importing, finishing
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def bytes_per_second(self) -> float:
        return self.bytes_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def files_per_second(self) -> float:
        return self.files_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, from the byte rate (files when nothing has been read yet)."""
        if self.bytes_done and self.bytes_total:
            return max(0.0, (self.bytes_total - self.bytes_done) / self.bytes_per_second)
        if self.files_done and self.files_total:
            return max(0.0, (self.files_total - self.files_done) / self.files_per_second)
        return None


@dataclass(frozen=True)
class FileOutcome:
    """The one terminal outcome of one input file."""

    path: str
    status: FileStatus
    item_id: str | None = None
    sha256: str | None = None
    problems: tuple[tuple[str, str], ...] = ()  # (kind, message)


@dataclass
class ImportSummary:
    batch_id: str
    state: str  # completed, cancelled, interrupted
    files_total: int = 0
    imported: int = 0      # new items
    sighted: int = 0       # bytes already in the case, seen at a new place
    known: int = 0         # this very file was imported before (resume / repeat)
    rejected: int = 0      # could not be preserved at all
    with_problems: int = 0  # preserved, but parsing found problems
    bytes: int = 0
    seconds: float = 0.0
    failures: list[dict[str, str]] = field(default_factory=list)  # path, kind, message

    def add(self, outcome: FileOutcome) -> None:
        count = {"imported": "imported", "sighted": "sighted", "known": "known", "analysed_again": "known",
                 "rejected": "rejected"}[outcome.status]
        setattr(self, count, getattr(self, count) + 1)
        if outcome.problems and outcome.status != "rejected":
            self.with_problems += 1
        for kind, message in outcome.problems:
            self.failures.append({"path": outcome.path, "kind": kind, "message": message})
