"""Local profiles (name, role, Ed25519 key pair) and signing. No Qt, no case: the case uses these."""

from __future__ import annotations

from .errors import ProfileError, ProfileLockedError, ProfileNotFound
from .keys import key_id_of, public_key_well_formed, signature_valid
from .store import (
    CONFIG_DIR_ENV,
    PASSPHRASE_ENV,
    ROLES,
    Profile,
    Role,
    Signer,
    check_role,
    config_dir,
    create_profile,
    find_profile,
    list_profiles,
    load_profile,
    remember_profile,
    remembered_profile,
    set_passphrase,
    set_role,
    signer_for,
    unlock,
)

__all__ = [
    "CONFIG_DIR_ENV", "PASSPHRASE_ENV", "ROLES", "Profile", "ProfileError", "ProfileLockedError", "ProfileNotFound",
    "Role", "Signer", "check_role", "config_dir", "create_profile", "find_profile", "key_id_of", "list_profiles",
    "load_profile", "public_key_well_formed", "remember_profile", "remembered_profile", "set_passphrase", "set_role",
    "signature_valid", "signer_for", "unlock",
]
