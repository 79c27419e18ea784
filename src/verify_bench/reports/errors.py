"""Errors of report export and checking."""

from __future__ import annotations

from ..errors import VerifyBenchError


class ReportError(VerifyBenchError):
    """A report cannot be made as asked (unknown scope, existing output, unwritable folder…)."""


class ReportCancelled(ReportError):
    """The export was cancelled; nothing was recorded in the case and partial files were removed."""
