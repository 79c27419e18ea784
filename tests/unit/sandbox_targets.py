"""Module-level worker functions for the sandbox tests (spawned workers import them by name)."""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from typing import Any

from verify_bench.ingest import process_controls, sandbox


def dispatch(task: tuple[str, Any], channel: sandbox.Channel) -> Any:
    """Run the target named ``task[0]`` on ``task[1]``: one pool can then mix behaviours."""
    name, arg = task
    return globals()[name](arg, channel)


def echo(task: Any, channel: sandbox.Channel) -> Any:
    return task


def square(task: int, channel: sandbox.Channel) -> int:
    return task * task


def pid(task: Any, channel: sandbox.Channel) -> int:
    return os.getpid()


def fail(task: str, channel: sandbox.Channel) -> None:
    raise ValueError(task)


def abort(task: Any, channel: sandbox.Channel) -> None:
    os.abort()


def segfault(task: Any, channel: sandbox.Channel) -> None:
    ctypes.string_at(0)


def spin(task: Any, channel: sandbox.Channel) -> None:
    while True:
        pass


def hog(task: Any, channel: sandbox.Channel) -> int:
    """Grow a buffer without bound (stopped by RLIMIT_AS)."""
    buf = bytearray()
    while True:
        buf += bytes(16 * 2**20)


def hog_watched(limit: int, channel: sandbox.Channel) -> None:
    """Touch memory without bound under the RSS watchdog (the non-Linux memory limit)."""
    process_controls.start_rss_watchdog(limit)
    chunks = []
    while True:
        chunks.append(b"\x01" * 2**24)
        time.sleep(0.001)


def chatty(task: int, channel: sandbox.Channel) -> int:
    """Send ``task`` messages, then ask for a number and return it doubled."""
    for n in range(task):
        channel.send(("progress", n))
    return 2 * channel.ask("number?")


def started_then_sleep(task: float, channel: sandbox.Channel) -> str:
    channel.send("started")
    time.sleep(task)
    return "slept"


def unpicklable_result(task: Any, channel: sandbox.Channel) -> Any:
    return threading.Lock()


def flood(task: Any, channel: sandbox.Channel) -> None:
    channel.send(bytes(sandbox.MAX_MESSAGE_BYTES + 1))


def sigint_self(task: Any, channel: sandbox.Channel) -> int:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.1)
    return os.getpid()


def broken_init() -> None:
    raise RuntimeError("no codecs here")


def flood_raw(task: Any, channel: sandbox.Channel) -> None:
    """Bypass the worker-side cap, as a compromised worker could."""
    channel._conn.send_bytes(bytes(sandbox.MAX_MESSAGE_BYTES + 1))


def native_threads(task: Any, channel: sandbox.Channel) -> tuple[dict[str, str | None], int | None]:
    """The worker's thread-pool variables, and how many threads loading numpy (OpenBLAS) started (Linux)."""
    variables = {name: os.environ.get(name) for name in sandbox.NATIVE_THREAD_VARIABLES}
    before = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else None
    import numpy

    numpy.ones((64, 64)) @ numpy.ones((64, 64))
    after = len(os.listdir("/proc/self/task")) if before is not None else None
    return variables, None if before is None else after - before


def pose_then_work(task: float, channel: sandbox.Channel) -> tuple[Any, int]:
    """Pose a question, work ``task`` seconds without waiting for its answer, then read the answer."""
    channel.pose("go on?")
    time.sleep(task)
    return channel.answer(), os.getpid()


def pose_and_leave(task: Any, channel: sandbox.Channel) -> str:
    """Pose a question and end without reading its answer."""
    channel.pose("anyone?")
    return "left"
