"""How a sandboxed worker process is started and kept in bounds, at the level of the operating system.

Used by :mod:`.sandbox`: the memory limit (``RLIMIT_AS`` on Linux, a peak-RSS watchdog elsewhere),
death with the parent (``PR_SET_PDEATHSIG``), and starting a process without ``spawn`` importing the
program's ``__main__`` module in it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: A worker's exit status meaning "ran out of memory".
EXIT_NO_MEMORY = 86
WATCH_INTERVAL = 0.05


def limit_memory(limit: int | None) -> None:
    """Keep this process within ``limit`` bytes (None: no limit): its address space on Linux, else its RSS."""
    if limit is None:
        return
    if sys.platform.startswith("linux"):
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    elif peak_rss() is not None:
        start_rss_watchdog(limit)


def peak_rss() -> int | None:
    """Peak resident set size of this process in bytes, or None where unknown (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def start_rss_watchdog(limit: int) -> None:
    """Exit the process (status "out of memory") once its peak RSS passes ``limit``."""

    def watch() -> None:
        while (peak_rss() or 0) <= limit:
            time.sleep(WATCH_INTERVAL)
        os._exit(EXIT_NO_MEMORY)

    threading.Thread(target=watch, name="rss-watchdog", daemon=True).start()


def die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (ImportError, OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(1)


@contextmanager
def main_left_out(*functions: Callable[..., Any] | None) -> Iterator[None]:
    """Start processes without ``spawn`` importing ``__main__`` in them, unless one of ``functions`` lives there.

    ``spawn`` passes the main module's name (from ``__spec__``) or path (``__file__``) to the new
    process, which imports it as ``__mp_main__`` before unpickling what it was given. With
    ``__spec__`` None and no ``__file__`` for the moment of the start it passes neither, as for an
    interactive session.
    """
    main = sys.modules.get("__main__")
    if main is None or any(f is not None and f.__module__ == "__main__" for f in functions):
        yield
        return
    spec, had_file, file = getattr(main, "__spec__", None), hasattr(main, "__file__"), getattr(main, "__file__", None)
    main.__spec__ = None
    if had_file:
        del main.__file__
    try:
        yield
    finally:
        main.__spec__ = spec
        if had_file:
            main.__file__ = file
