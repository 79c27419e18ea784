"""Profiles and items for workflow tests: a team in a temporary config folder, items with stored bytes."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from verify_bench import events as ev, profiles
from verify_bench.case import Case


def use_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, lead: str = "lena",
                 investigators: tuple[str, ...] = ("ivan",)) -> None:
    """Profiles (keys) live in ``tmp_path/config`` for this test: a lead and some investigators."""
    monkeypatch.setenv(profiles.CONFIG_DIR_ENV, str(tmp_path / "config"))
    profiles.create_profile(lead, role="lead")
    for name in investigators:
        profiles.create_profile(name)


def add_items(case: Case, n: int) -> list[str]:
    """``n`` imported items whose bytes are really in the store (so that verify's re-hashing finds them)."""
    ids = []
    with case.write():
        for i in range(n):
            data = f"picture {i} {uuid.uuid4()}".encode()
            sha = hashlib.sha256(data).hexdigest()
            stored = f"originals/{sha[:2]}/{sha[2:4]}/{sha}.jpg"
            (case.root / stored).parent.mkdir(parents=True, exist_ok=True)
            (case.root / stored).write_bytes(data)
            item_id = str(uuid.uuid4())
            case.append(ev.ITEM_IMPORTED, {"sha256": sha, "md5": hashlib.md5(data).hexdigest(), "size": len(data),
                                           "stored_path": stored, "display_name": f"p{i}.jpg", "media_type": "image"},
                        item_id=item_id)
            ids.append(item_id)
    return ids
