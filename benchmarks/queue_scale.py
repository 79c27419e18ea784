"""Workflow at case scale: signed appends, the review queue and an item's history.

    python benchmarks/queue_scale.py [--items 100000] [--case PATH] [--repeat 20] [--json OUT]

Builds a case of ``--items`` items and eleven signed events per item (1,100,000 at the default):
import, start, five checks, assignment, a comment and submission by an investigator, then a lead's
approval of every second item and a comment on the others — half the items stay in the queue.
Events go through ``Case.append`` (sign, chain, seal check, projection) in transactions of 5,000:
that rate is the "appending and signing in batches" figure. Single actions through the core
functions (one durable transaction each) are timed apart. Then each query runs ``--repeat``
times and its median and worst times are printed against the 50 ms target.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import cpu_info  # noqa: E402

BATCH = 5000
TARGET_MS = 50.0
TARGET_RATE = 2000.0
LEAD, INVESTIGATOR = "bench-lead", "bench-investigator"


def build(root: Path, items: int) -> dict[str, float]:
    from verify_bench import events as ev
    from verify_bench.case import Case
    from verify_bench.workflow import CHECKS

    counted = {"events": 0, "seconds": 0.0}

    def batched(case: Case, rows: list[tuple[str, dict[str, object], str]]) -> None:
        start = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            with case.write():
                for kind, payload, item_id in rows[i:i + BATCH]:
                    case.append(kind, payload, item_id=item_id)
        counted["seconds"] += time.perf_counter() - start
        counted["events"] += len(rows)

    with Case.create(root, actor=LEAD, title="queue scale") as lead, Case.open(root, actor=INVESTIGATOR) as inv:
        ids = [str(uuid.uuid4()) for _ in range(items)]
        imports = []
        for n, item_id in enumerate(ids):
            sha = hashlib.sha256(f"bench {n}".encode()).hexdigest()
            imports.append((ev.ITEM_IMPORTED, {"sha256": sha, "md5": sha[:32], "size": 1000 + n,
                                               "stored_path": f"originals/{sha[:2]}/{sha[2:4]}/{sha}.jpg",
                                               "display_name": f"IMG_{n:06d}.jpg", "media_type": "image"}, item_id))
        batched(inv, imports)
        work: list[tuple[str, dict[str, object], str]] = []
        for n, item_id in enumerate(ids):
            work.append(("status.changed", {"from": "new", "to": "in_progress", "comment": None}, item_id))
            work += [("check.recorded", {"check": c, "result": ("pass", "fail", "unknown")[(n + k) % 3], "note": None},
                      item_id) for k, c in enumerate(CHECKS)]
            work.append(("item.assigned", {"assignee": f"investigator-{n % 7}"}, item_id))
            work.append(("comment.added", {"text": f"notes on item {n}"}, item_id))
            work.append(("status.changed", {"from": "in_progress", "to": "ready_for_review", "comment": None},
                         item_id))
        batched(inv, work)
        review = [("status.changed", {"from": "ready_for_review", "to": "verified", "comment": None}, i)
                  if n % 2 == 0 else ("comment.added", {"text": "looking"}, i) for n, i in enumerate(ids)]
        batched(lead, review)
    return {"events": counted["events"], "seconds": counted["seconds"],
            "rate": counted["events"] / counted["seconds"]}


def single_actions(root: Path, count: int) -> float:
    """Core functions, one durable transaction each (as a person clicking): actions per second."""
    from verify_bench.case import Case
    from verify_bench.workflow import add_comment

    with Case.open(root, actor=INVESTIGATOR) as case:
        ids = [r[0] for r in case.conn.execute("SELECT item_id FROM status WHERE state = 'ready_for_review' LIMIT ?",
                                               (count,))]
        start = time.perf_counter()
        for item_id in ids:
            add_comment(case, item_id, "one more thing")
        return len(ids) / (time.perf_counter() - start)


def queries(root: Path, repeat: int) -> dict[str, dict[str, float]]:
    from verify_bench.case import Case
    from verify_bench.geo import link_items, record_incident
    from verify_bench.workflow import (
        HistoryFilter,
        QueueFilter,
        case_history,
        item_history,
        queue_count,
        review_queue,
    )

    with Case.open(root, actor=LEAD) as case:
        waiting = [r[0] for r in case.conn.execute(
            "SELECT item_id FROM status WHERE state = 'ready_for_review' ORDER BY item_id LIMIT 500")]
        incident = record_incident(case, "bench incident")
        link_items(case, incident.incident_id, waiting)
        some_item = waiting[len(waiting) // 2]
        last = review_queue(case, offset=19_999, limit=1)
        deep = (last[0].state_since, last[0].item_id) if last else None
        checks: dict[str, Callable[[], object]] = {
            "queue: first page (200, oldest first)": lambda: review_queue(case),
            "queue: page after 20,000 rows (keyset)": lambda: review_queue(case, after=deep),
            "queue: page 100 (offset 20,000)": lambda: review_queue(case, offset=20_000),
            "queue: by assignee": lambda: review_queue(case, QueueFilter(assignee="investigator-3")),
            "queue: by incident": lambda: review_queue(case, QueueFilter(incident_id=incident.incident_id)),
            "queue: older than 1 day": lambda: review_queue(case, QueueFilter(min_age=timedelta(days=1))),
            "queue: total count": lambda: queue_count(case),
            "item history": lambda: item_history(case, some_item),
            "case history: newest page": lambda: case_history(case),
            "case history: by person": lambda: case_history(case, HistoryFilter(actor=LEAD)),
            "case history: by kind": lambda: case_history(case, HistoryFilter(kinds=("check.*",))),
        }
        out = {}
        for name, call in checks.items():
            call()  # warm the page cache like a screen that is already open
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                call()
                times.append((time.perf_counter() - start) * 1000)
            out[name] = {"median_ms": statistics.median(times), "max_ms": max(times)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--case", type=Path, help="Build (or reuse, if it exists) the case here.")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", dest="json_out", type=Path, help="Also write the figures as JSON.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vb-queue-scale-"))
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the built case too, unless --case put it elsewhere


def run(args: argparse.Namespace, work: Path) -> None:
    os.environ.setdefault("VERIFY_BENCH_CONFIG_DIR", str(work / "config"))
    from verify_bench import profiles

    for name, role in ((LEAD, "lead"), (INVESTIGATOR, "investigator")):
        if profiles.find_profile(name) is None:
            profiles.create_profile(name, role=role)  # type: ignore[arg-type]
    root = args.case or work / "scale.vbcase"
    figures: dict[str, object] = {"items": args.items, "machine": cpu_info()}
    if not root.exists():
        built = build(root, args.items)
        figures["append"] = built
        print(f"appended and signed {built['events']:,.0f} events in {built['seconds']:.1f} s: "
              f"{built['rate']:,.0f} events/s (target ≥ {TARGET_RATE:,.0f}) "
              f"{'OK' if built['rate'] >= TARGET_RATE else 'MISSED'}")
    figures["single_actions_per_s"] = rate = single_actions(root, min(200, args.items // 4 or 1))
    print(f"single actions (one durable transaction each): {rate:,.0f}/s")
    with sqlite_count(root) as (items, events):
        figures.update(case_items=items, case_events=events)
        print(f"case: {items:,} items, {events:,} events, {root / 'case.sqlite'}")
    figures["queries"] = found = queries(root, args.repeat)
    for name, t in found.items():
        verdict = "OK" if t["median_ms"] < TARGET_MS else "MISSED"
        print(f"  {name:<40} median {t['median_ms']:7.2f} ms   max {t['max_ms']:7.2f} ms   {verdict}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(figures, indent=2))


class sqlite_count:  # noqa: N801 - used as a context manager in one place
    """(items, events) of a case, read directly."""

    def __init__(self, root: Path) -> None:
        import sqlite3

        self.conn = sqlite3.connect(root / "case.sqlite")

    def __enter__(self) -> tuple[int, int]:
        return (self.conn.execute("SELECT count(*) FROM items").fetchone()[0],
                self.conn.execute("SELECT count(*) FROM events").fetchone()[0])

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


if __name__ == "__main__":
    main()
