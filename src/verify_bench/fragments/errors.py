"""The exception family of fragment tagging."""

from __future__ import annotations

from ..errors import VerifyBenchError


class FragmentError(VerifyBenchError):
    """A tag, scale or measurement cannot be recorded as asked (bad region, unknown id, ...).

    Format problems in what the user typed (a CAGE code of the wrong length, say) are never
    errors: they are :class:`~verify_bench.fragments.codes.Notice` entries and the value is saved.
    """


class FragmentNotFound(FragmentError):
    """No fragment (or scale, or measurement), or more than one, matches the reference given."""
