"""Battery 6, the other half: ``verify`` raises no alarm on untampered cases after everyday operations.

Each case is built through the CLI, then goes through: reopening by the app, a WAL checkpoint, a check
while another program holds the write-ahead log open, a backup with SQLite's backup API and a restore from
it, a plain copy of the folder, a move to a folder name with spaces, ``#``, ``?``, ``%`` and non-ASCII
letters, write-protected files and folders (checked by an unprivileged user when the tests run as root),
and a real read-only mount where the machine allows one. After each, ``verify`` (with the head exported
at the start) must pass, and verifying must not change a byte of the case.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from verify_bench.cli import main

from ._relib_cases import (
    INVESTIGATOR,
    Built,
    build_case,
    checkpoint,
    cli,
    copy_case,
    verify_codes,
    verify_json,
)
from .conftest import full_or

NOBODY = 65534
ALLOWED_NOTICES = {"head_extended"}


def _fingerprint(root: Path) -> dict[str, str]:
    """SHA-256 of every file of the case, except SQLite's bookkeeping that a reader may create: the WAL
    index (``-shm``) and an empty write-ahead log."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith("-shm")
            and not (p.name.endswith("-wal") and p.stat().st_size == 0)}


def _clean(root: Path, head: str) -> set[str]:
    """Verify with the exported head; returns the notices (errors fail the test). Verify writes nothing."""
    before = _fingerprint(root)
    errors, notices = verify_codes(root, "--expect-head", head)
    assert errors == set(), f"false alarm on {root}: {errors}"
    assert notices <= ALLOWED_NOTICES, notices
    assert _fingerprint(root) == before, "verify changed the case"
    return notices


def _chmod_tree(root: Path, *, writable: bool) -> None:
    for p in [root, *root.rglob("*")]:
        mode = p.stat().st_mode
        if writable:
            os.chmod(p, mode | stat.S_IWUSR)
        else:
            os.chmod(p, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _world_readable_dir() -> Path:
    """A folder under the system temp directory that an unprivileged user can enter (pytest's are 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="relib-ro-"))
    os.chmod(folder, 0o755)
    return folder


def _verify_as_nobody(root: Path, head: str) -> tuple[int, str]:
    """``verify-bench verify`` run by an unprivileged user (root ignores write protection): a forked child drops
    to ``nobody`` and runs the command; returns its exit status and output (with any escaped exception)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = CliRunner().invoke(main, ["verify", str(root), "--expect-head", head])
            escaped = "" if isinstance(result.exception, (SystemExit, type(None))) else repr(result.exception)
            os.write(write_end, f"{result.exit_code}\n{result.output}{escaped}".encode()[:60000])
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read().decode()
    os.waitpid(pid, 0)
    code, _, output = data.partition("\n")
    return int(code or -1), output


@contextlib.contextmanager
def _read_only_mount(source: Path) -> Iterator[Path | None]:
    """``source`` bind-mounted read-only, or None where mounting is not allowed."""
    target = Path(tempfile.mkdtemp(prefix="relib-mnt-"))
    mounted = False
    try:
        if os.geteuid() == 0 and shutil.which("mount"):
            proc = subprocess.run(["mount", "--bind", "-o", "ro", str(source), str(target)], check=False, capture_output=True)
            mounted = proc.returncode == 0
        yield target if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", str(target)], capture_output=True, check=False)
        with contextlib.suppress(OSError):
            target.rmdir()


def _is_read_only(path: Path) -> bool:
    try:
        (path / ".relib-probe").touch()
    except OSError:
        return True
    (path / ".relib-probe").unlink()
    return False


def run_benign_operations(built: Built, work: Path) -> list[str]:
    """Every benign operation on ``built`` (or on copies of it); returns the names of those carried out."""
    done: list[str] = []
    root, head = built.root, built.head
    _clean(root, head)
    done.append("as built")

    cli("status", str(root))
    cli("items", str(root))
    _clean(root, head)
    done.append("reopened by the app")

    checkpoint(root)
    _clean(root, head)
    done.append("WAL checkpoint")

    holder = sqlite3.connect(root / "case.sqlite")    # keeps the WAL from being merged when the CLI closes
    try:
        holder.execute("PRAGMA wal_autocheckpoint = 0")
        holder.execute("SELECT count(*) FROM events").fetchone()
        cli("comment", str(root), built.items[-1], "written while another reader held the log", "--as", INVESTIGATOR)
        assert (root / "case.sqlite-wal").stat().st_size > 0
        assert _clean(root, head) == {"head_extended"}
    finally:
        holder.close()
    done.append("verified with changes still in the write-ahead log")
    head = _head(root)

    backup = work / "backup" / root.name
    shutil.copytree(root / "originals", backup / "originals")
    source, dest = sqlite3.connect(root / "case.sqlite"), sqlite3.connect(backup / "case.sqlite")
    try:
        source.backup(dest)
    finally:
        source.close()
        dest.close()
    _clean(backup, head)
    done.append("SQLite backup API copy")

    restored = sqlite3.connect(root / "case.sqlite")
    from_backup = sqlite3.connect(backup / "case.sqlite")
    try:
        from_backup.backup(restored)
    finally:
        from_backup.close()
        restored.close()
    _clean(root, head)
    cli("items", str(root))
    _clean(root, head)
    done.append("restored from the backup")

    copied = work / "copied" / root.name
    shutil.copytree(root, copied, symlinks=True)
    _clean(copied, head)
    done.append("folder copied")

    moved = work / "moved # 100% sure? ünïcødé" / "Case file.vbcase"
    moved.parent.mkdir(parents=True)
    shutil.move(str(copied), moved)
    _clean(moved, head)
    cli("items", str(moved))
    _clean(moved, head)
    done.append("folder moved to an awkward name")

    checkpoint(moved)
    _chmod_tree(moved, writable=False)
    try:
        _clean(moved, head)
        if os.geteuid() == 0:
            shared = _world_readable_dir()
            try:
                target = shared / "case.vbcase"
                shutil.copytree(moved, target)
                _chmod_tree(target, writable=False)
                code, output = _verify_as_nobody(target, head)
                assert code == 0 and "OK: no problems found." in output, output
            finally:
                _chmod_tree(shared, writable=True)
                shutil.rmtree(shared)
        done.append("write-protected files and folders")
    finally:
        _chmod_tree(moved, writable=True)

    with _read_only_mount(moved.parent) as mount:
        if mount is not None:
            _clean(mount / moved.name, head)
            done.append("read-only mount")
    return done


def _head(root: Path) -> str:
    report = verify_json(root)
    return f"{report['head_seq']}:{report['head_hash']}"


def test_the_shared_case_survives_every_benign_operation(relib_built: Built, tmp_path: Path):
    done = run_benign_operations(copy_case(relib_built, tmp_path / "case"), tmp_path)
    assert len(done) >= 9


@pytest.mark.skipif(os.geteuid() != 0, reason="a real read-only mount needs root")
def test_a_read_only_mount_is_really_exercised_where_allowed(relib_built: Built, tmp_path: Path):
    with _read_only_mount(relib_built.root.parent) as mount:
        if mount is None:
            pytest.skip("this machine does not allow mounting")
        assert _is_read_only(mount)
        _clean(mount / relib_built.root.name, relib_built.head)


def test_no_false_alarms_on_many_untampered_cases(tmp_path: Path, record_figure):
    cases = full_or(2, 100)
    operations = 0
    for n in range(cases):
        work = tmp_path / f"c{n}"
        built = build_case(work, seed=100 + n, workflow=n % 2 == 0)
        done = run_benign_operations(built, work)
        operations += len(done)
        shutil.rmtree(work)
    record_figure("tampering", "untampered cases checked after benign operations", cases)
    record_figure("tampering", "benign operations carried out (each followed by verify)", operations)
    record_figure("tampering", "false alarms", 0)
