"""Errors of local profiles and their keys."""

from __future__ import annotations

from ..errors import VerifyBenchError


class ProfileError(VerifyBenchError):
    """A profile cannot be created, read or used."""


class ProfileNotFound(ProfileError):
    """No local profile has that name."""


class ProfileLockedError(ProfileError):
    """The profile's private key is protected by a passphrase that was not given, or was wrong."""
