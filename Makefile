# Developer commands. The README's two commands are what CI runs; these are shortcuts.
PY ?= python

test:
	$(PY) -m pytest

lint:
	lint-imports

bench:
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/video_ingest.py
	$(PY) benchmarks/ingest_memory.py

.PHONY: test lint bench
