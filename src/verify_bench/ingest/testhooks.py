"""Test-only fault injection for the reliability battery (``tests/reliability/``). Never set these in use.

Three environment variables, read once when this module is imported (the parse workers inherit
them), make the import misbehave on purpose so that tests can prove it survives:

``VB_TEST_WORKER_FAULT=<fault>:<marker>[,<fault>:<marker>…]``
    After the bytes of a file whose name contains ``marker`` are preserved, its parse worker does
    ``fault``: ``segfault``; ``exit`` (status 3); ``loop`` forever; ``alloc`` address space without
    bound; ``flood`` its pipe with one oversized message; ``chatter`` endless small messages.

``VB_TEST_CRASH_AT=<point>[:<n>]``
    The ``n``-th time (default 1) a process of the import reaches ``point``, the whole import is
    killed with SIGKILL (a worker kills its parent first). Points: :data:`CRASH_POINTS`.

``VB_TEST_IO_ERROR=<op>:<errno name>[:<n>]``
    From the ``n``-th time (default 1) on, operation ``op`` (``write``, ``fsync`` or ``rename``) of
    the copy into the store raises ``OSError(errno)``, e.g. ``write:ENOSPC`` or ``fsync:EIO:3``.

Counts are per process: use one worker (``--workers 1``) for a deterministic order.
Without these variables every function here returns at once.
"""

from __future__ import annotations

import ctypes
import errno
import multiprocessing
import os
import signal
import time
from typing import Any

CRASH_POINTS = ("after_temp_write", "after_fsync", "after_rename", "in_transaction", "after_commit",
                "thumbnail_write")
WORKER_FAULTS = ("segfault", "exit", "loop", "alloc", "flood", "chatter")
IO_OPS = ("write", "fsync", "rename")


def _parse(name: str) -> list[str] | None:
    value = os.environ.get(name, "").strip()
    return value.split(":") if value else None


_WORKER_FAULTS = [pair.split(":", 1) for pair in os.environ.get("VB_TEST_WORKER_FAULT", "").split(",") if ":" in pair]
_CRASH_AT = _parse("VB_TEST_CRASH_AT")
_IO_ERROR = _parse("VB_TEST_IO_ERROR")
_counts: dict[str, int] = {}


def _reached(key: str) -> int:
    _counts[key] = _counts.get(key, 0) + 1
    return _counts[key]


def crash_point(point: str) -> None:
    """Kill the import here if ``VB_TEST_CRASH_AT`` names this point and its count is reached."""
    if _CRASH_AT is None or _CRASH_AT[0] != point:
        return
    if _reached(point) != (int(_CRASH_AT[1]) if len(_CRASH_AT) > 1 else 1):
        return
    if multiprocessing.parent_process() is not None:  # a worker: take the importing process down first
        os.kill(os.getppid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def io_point(op: str) -> None:
    """Raise the ``OSError`` that ``VB_TEST_IO_ERROR`` asks for at this operation."""
    if _IO_ERROR is None or _IO_ERROR[0] != op:
        return
    if _reached("io:" + op) >= (int(_IO_ERROR[2]) if len(_IO_ERROR) > 2 else 1):
        code = getattr(errno, _IO_ERROR[1])
        raise OSError(code, os.strerror(code))


def worker_fault(name: str, channel: Any) -> None:
    """Misbehave as ``VB_TEST_WORKER_FAULT`` asks when ``name`` contains its marker."""
    fault = next((f for f, marker in _WORKER_FAULTS if marker and marker in name), None)
    if fault == "segfault":
        ctypes.string_at(0)
    elif fault == "exit":
        os._exit(3)
    elif fault == "loop":
        while True:
            pass
    elif fault == "alloc":  # address space without touching it: RLIMIT_AS stops it, RSS stays small
        hoard = []
        while True:
            hoard.append(bytes(2**28))  # calloc: fresh zero pages, never written
    elif fault == "flood":
        channel._conn.send_bytes(bytes(2**27))  # past the worker-side cap, as a compromised worker could
        time.sleep(3600)
    elif fault == "chatter":
        while True:
            channel.send(("noise", "x" * 4096))
