"""Local profiles: key pairs in the config folder, passphrases, the remembered profile."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from verify_bench import profiles
from verify_bench.profiles import ProfileError, ProfileLockedError, ProfileNotFound


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(profiles.CONFIG_DIR_ENV, str(tmp_path / "config"))
    monkeypatch.delenv(profiles.PASSPHRASE_ENV, raising=False)
    return tmp_path / "config"


def test_a_profile_is_a_private_file_in_the_configured_folder(home: Path):
    made = profiles.create_profile("Lena Haddad", role="lead")
    assert profiles.config_dir() == home
    [path] = list((home / "profiles").glob("*.json"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert profiles.load_profile("Lena Haddad") == made
    assert [p.name for p in profiles.list_profiles()] == ["Lena Haddad"]
    assert made.key_id == profiles.key_id_of(made.public_key) and len(made.public_key) == 64


def test_names_cannot_reach_outside_the_folder_and_duplicates_are_refused(home: Path):
    profiles.create_profile("../../etc/passwd")
    assert all(p.parent == home / "profiles" for p in home.rglob("*.json"))
    with pytest.raises(ProfileError, match="already exists"):
        profiles.create_profile("../../etc/passwd")
    with pytest.raises(ProfileError, match="needs a name"):
        profiles.create_profile("   ")
    with pytest.raises(ProfileError, match="unknown role"):
        profiles.create_profile("x", role="admin")  # type: ignore[arg-type]


def test_a_signature_checks_out_only_for_its_hash_and_key():
    signer = profiles.signer_for("anna")
    other = profiles.signer_for("omar")
    digest = "ab" * 32
    signature = signer.sign(digest)
    assert profiles.signature_valid(signer.profile.public_key, digest, signature)
    assert not profiles.signature_valid(signer.profile.public_key, "cd" * 32, signature)
    assert not profiles.signature_valid(other.profile.public_key, digest, signature)
    assert not profiles.signature_valid("not hex", digest, signature)


def test_first_use_of_a_name_creates_an_unprotected_investigator_profile():
    assert profiles.find_profile("new person") is None
    signer = profiles.signer_for("new person")
    assert signer.profile.role == "investigator" and not signer.profile.protected
    assert profiles.signer_for("new person").key_id == signer.key_id


def test_a_protected_key_needs_its_passphrase(monkeypatch: pytest.MonkeyPatch):
    profiles.create_profile("sam", passphrase="correct horse")
    with pytest.raises(ProfileLockedError, match="passphrase"):
        profiles.unlock("sam")
    with pytest.raises(ProfileLockedError, match="wrong passphrase"):
        profiles.unlock("sam", "battery staple")
    assert profiles.unlock("sam", "correct horse").sign("00" * 32)
    monkeypatch.setenv(profiles.PASSPHRASE_ENV, "correct horse")
    assert profiles.unlock("sam").name == "sam"


def test_a_passphrase_can_be_set_and_removed_keeping_the_key():
    made = profiles.create_profile("kim")
    assert profiles.set_passphrase("kim", None, "s3cret").protected
    with pytest.raises(ProfileLockedError):
        profiles.unlock("kim")
    assert not profiles.set_passphrase("kim", "s3cret", None).protected
    assert profiles.unlock("kim").key_id == made.key_id


def test_the_profile_chosen_at_start_up_is_remembered():
    assert profiles.remembered_profile() is None
    profiles.create_profile("lena")
    profiles.remember_profile("lena")
    assert profiles.remembered_profile() == "lena"
    assert profiles.set_role("lena", "lead").role == "lead"
    with pytest.raises(ProfileNotFound):
        profiles.load_profile("nobody")
