"""Local profiles: a name, a role and an Ed25519 key pair, kept in the user's config folder.

The folder is ``$VERIFY_BENCH_CONFIG_DIR`` when set (tests and CI point it at a temporary
folder), else the platform's user config folder (``platformdirs``). Each profile is one JSON
file (mode 0600) holding its public key and its PKCS#8 private key, encrypted when the profile
has a passphrase. ``$VERIFY_BENCH_PASSPHRASE`` unlocks protected keys for scripts.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import platformdirs
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..events import utc_now
from . import keys
from .errors import ProfileError, ProfileNotFound

CONFIG_DIR_ENV = "VERIFY_BENCH_CONFIG_DIR"
PASSPHRASE_ENV = "VERIFY_BENCH_PASSPHRASE"
Role = Literal["investigator", "lead"]
ROLES: tuple[Role, ...] = get_args(Role)
_MAX_NAME = 100


@dataclass(frozen=True)
class Profile:
    name: str
    role: Role
    public_key: str     # 64 hex digits (raw Ed25519 public key)
    key_id: str
    created_at: str
    protected: bool     # the private key needs a passphrase


class Signer:
    """An unlocked profile: signs event hashes as its person."""

    def __init__(self, profile: Profile, private: Ed25519PrivateKey) -> None:
        self.profile = profile
        self._private = private

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def key_id(self) -> str:
        return self.profile.key_id

    def sign(self, event_hash: str) -> str:
        return keys.sign_hash(self._private, event_hash)

    def registration(self) -> dict[str, Any]:
        """What a case records about this person's key (the payload of ``person.registered``)."""
        return {"name": self.profile.name, "role": self.profile.role, "public_key": self.profile.public_key,
                "key_id": self.profile.key_id}


def config_dir() -> Path:
    env = os.environ.get(CONFIG_DIR_ENV, "").strip()
    return Path(env) if env else Path(platformdirs.user_config_dir("verify-bench", appauthor=False))


def create_profile(name: str, *, role: Role = "investigator", passphrase: str | None = None) -> Profile:
    """Create a profile with a new key pair; refuses a name that already has one."""
    name = check_name(name)
    check_role(role)
    path = _profile_path(name)
    if path.exists():
        raise ProfileError(f"a profile named '{name}' already exists")
    private = keys.generate()
    public = keys.public_hex(private)
    profile = Profile(name, role, public, keys.key_id_of(public), utc_now(), bool(passphrase))
    _write(path, profile, keys.private_pem(private, passphrase))
    return profile


def find_profile(name: str) -> Profile | None:
    data = _read(_profile_path(name.strip()))
    return None if data is None else _profile(data)


def load_profile(name: str) -> Profile:
    found = find_profile(name)
    if found is None:
        raise ProfileNotFound(f"no profile named '{name}'; create one with 'verify-bench profile create'")
    return found


def list_profiles() -> list[Profile]:
    folder = config_dir() / "profiles"
    found = [_read(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    return sorted((_profile(d) for d in found if d is not None), key=lambda p: p.name.casefold())


def unlock(name: str, passphrase: str | None = None) -> Signer:
    """A signer for an existing profile; the passphrase defaults to ``$VERIFY_BENCH_PASSPHRASE``."""
    data = _read(_profile_path(name.strip()))
    if data is None:
        raise ProfileNotFound(f"no profile named '{name}'; create one with 'verify-bench profile create'")
    secret = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV) or None
    return Signer(_profile(data), keys.load_private(data["private_key"], secret, name=data["name"]))


def signer_for(name: str, *, passphrase: str | None = None) -> Signer:
    """A signer for ``name``, creating an unprotected investigator profile on first use of the name."""
    if find_profile(name) is None:
        create_profile(name)
    return unlock(name, passphrase)


def set_role(name: str, role: Role) -> Profile:
    """Change the role a profile declares (cases it already joined keep the role they granted)."""
    check_role(role)
    path = _profile_path(name.strip())
    data = _read(path)
    if data is None:
        raise ProfileNotFound(f"no profile named '{name}'")
    profile = _profile({**data, "role": role})
    _write(path, profile, data["private_key"])
    return profile


def set_passphrase(name: str, old: str | None, new: str | None) -> Profile:
    """Protect, re-protect or (``new`` None) unprotect a profile's private key."""
    signer = unlock(name, old)
    path = _profile_path(signer.name)
    profile = _profile({**_read(path), "protected": bool(new)})  # type: ignore[dict-item]
    _write(path, profile, keys.private_pem(signer._private, new))  # noqa: SLF001 - same package
    return profile


def remember_profile(name: str) -> None:
    """Remember the profile chosen at start-up (the desktop app offers it next time)."""
    settings = _settings()
    settings["last_profile"] = name
    _atomic_write(config_dir() / "settings.json", json.dumps(settings, indent=2, ensure_ascii=False))


def remembered_profile() -> str | None:
    value = _settings().get("last_profile")
    return value if isinstance(value, str) and find_profile(value) is not None else None


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ProfileError("a profile needs a name")
    if len(name) > _MAX_NAME or any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in name):
        shown = name[:_MAX_NAME].encode("utf-8", "backslashreplace").decode("utf-8")
        raise ProfileError(f"'{shown}' cannot be a profile name: at most {_MAX_NAME} printable characters")
    return name


def check_role(role: str) -> None:
    if role not in ROLES:
        raise ProfileError(f"unknown role '{role}': choose {' or '.join(ROLES)}")


def _profile_path(name: str) -> Path:
    # Names are free text; file names are their hash, so no name can reach outside the folder.
    # surrogateescape: a name that is not valid Unicode (undecodable command-line bytes) is simply not found.
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()
    return config_dir() / "profiles" / f"{digest[:24]}.json"


def _profile(data: dict[str, Any]) -> Profile:
    return Profile(data["name"], data["role"], data["public_key"], data["key_id"], data["created_at"],
                   bool(data["protected"]))


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ProfileError(f"cannot read profile file {path}: {exc}") from exc


def _write(path: Path, profile: Profile, private_key_pem: str) -> None:
    record = {"name": profile.name, "role": profile.role, "public_key": profile.public_key,
              "key_id": profile.key_id, "created_at": profile.created_at, "protected": profile.protected,
              "private_key": private_key_pem}
    _atomic_write(path, json.dumps(record, indent=2, ensure_ascii=False))


def _settings() -> dict[str, Any]:
    try:
        value = json.loads((config_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _atomic_write(path: Path, text: str) -> None:
    """Owner-only file, written to a temporary name and renamed: a failed write leaves the old file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")  # mkstemp: mode 0600
    except OSError as exc:
        raise ProfileError(f"cannot write to {path.parent}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise ProfileError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
