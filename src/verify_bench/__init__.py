"""Verify Bench: an evidence workbench for verifying photos and videos.

The core (everything outside ``verify_bench.gui``) never imports Qt.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
