"""Errors of the verification workflow: each says what was refused and why."""

from __future__ import annotations

from ..errors import VerifyBenchError


class WorkflowError(VerifyBenchError):
    """A workflow action was refused."""


class TransitionError(WorkflowError):
    """The item's state does not allow that change."""


class NotPermitted(WorkflowError):
    """The acting person's role does not allow that action."""


class ItemSealedError(WorkflowError):
    """The item has a final verdict; a lead must reopen it (with a reason) before it changes."""


class IncidentFactsError(WorkflowError):
    """Structured incident facts that do not add up (e.g. more children killed than people killed)."""
