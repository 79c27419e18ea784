"""Give freed memory back to the system on Linux (glibc), so that long imports and sessions stay flat.

glibc's ``malloc`` serves large blocks from separate mappings, returned to the system when freed, but
only above its *mmap threshold*, and it raises that threshold (up to 32 MiB) each time such a block
is freed. After the duplicate index has rebuilt its tables a few times, their successors come from
the ordinary heap, and when they are freed in turn their pages stay with the process: an import of
10,000 photos grew by about 5 MB per 1,000 files for nothing else (``benchmarks/ingest_memory.py``).
Fixing the threshold (``mallopt(M_MMAP_THRESHOLD)``, see mallopt(3)) keeps blocks of 128 KiB and more
in their own mappings. Elsewhere (macOS, Windows, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

_M_MMAP_THRESHOLD = -3
#: glibc's initial threshold, now kept fixed.
MMAP_THRESHOLD = 128 * 1024
_done = False


def return_large_blocks() -> None:
    """Make glibc map blocks of :data:`MMAP_THRESHOLD` bytes and more separately from now on (once per process)."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return
    _done = True
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
