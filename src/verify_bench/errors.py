"""Exception families, one per subsystem. Causes are chained with ``raise … from``."""

from __future__ import annotations


class VerifyBenchError(Exception):
    """Base of every error the app reports to a user."""


class CaseError(VerifyBenchError):
    """A case folder cannot be created, opened or written."""


class CaseVersionError(CaseError):
    """The case was written by a newer version of the app."""


class EventLogError(CaseError):
    """An event could not be appended (refused by the log or its projections)."""


class IngestError(VerifyBenchError):
    """An import could not start or go on (not a per-file problem: those become items)."""


class ItemNotFound(VerifyBenchError):
    """No item, or more than one, matches what the user typed."""
